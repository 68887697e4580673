import { Pool, request } from 'undici';
import type { UserManagementSettings } from '../../src/vendors/user-management/settings';
import { silentLogger } from '../../src/platform/logger';
import { Simulator } from '../../src/simulators/kit/framework';
import { UserManagementSimulator } from '../../src/simulators/user-management';
import { UserManagementClient } from '../../src/vendors/user-management/client';
import { messages } from '../../src/vendors/user-management/contract';

const API_KEY = 'um-test-key-3f9a1c';
const WRONG_KEY = 'um-wrong-key-77d0e2';
const PASSWORD = 'Sup3r-Secret-Pa55';

const newUser = {
  displayName: 'John Doe',
  email: 'jhn.doe@example.com',
  accountId: '1',
  username: 'jdoe',
  password: PASSWORD,
};

describe('UserManagementClient against the simulator', () => {
  const sim = new UserManagementSimulator({ apiKey: API_KEY });
  let userManagement: UserManagementClient;
  let raw: Pool;

  function settings(overrides: Partial<UserManagementSettings> = {}): UserManagementSettings {
    return {
      baseUrl: sim.url,
      apiKey: API_KEY,
      apiKeyHeader: 'X-Api-Key',
      accountPathPrefix: '/pub',
      timeoutMs: 2_000,
      retries: 2,
      connections: 4,
      // These tests fail one route after another on one client: its breaker would open and refuse the next test's calls.
      resilience: { breakerThreshold: 1_000 },
      ...overrides,
    };
  }

  /** A request the client would never send, straight to the simulator. */
  async function send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: string; contentType?: string; apiKey?: string | null } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.apiKey !== null) headers['x-api-key'] = options.apiKey ?? API_KEY;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    const response = await request(`${sim.url}${path}`, { method, headers, body: options.body, dispatcher: raw });
    const text = await response.body.text();
    return { status: response.statusCode, text, json: text === '' ? undefined : JSON.parse(text) };
  }

  beforeAll(async () => {
    await sim.listen();
    raw = new Pool(sim.url, { connections: 2 });
    userManagement = new UserManagementClient(settings(), { logger: silentLogger });
  });
  afterAll(async () => {
    await userManagement.close();
    await raw.destroy();
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.resetCalls();
    sim.clearFaults();
  });

  describe('reads', () => {
    it('lists the users of an account with one call on the prefixed path', async () => {
      const users = await userManagement.usersByAccount('1');
      expect(users.length).toBeGreaterThan(0);
      expect(users).toHaveLength(sim.store.byAccount('1').length);
      expect(users.every((user) => user.accountId === '1')).toBe(true);
      expect(users[0]).toEqual({
        externalId: expect.stringMatching(/^\d+$/),
        displayName: expect.any(String),
        email: expect.any(String),
        accountId: '1',
        username: expect.any(String),
        active: expect.any(Boolean),
      });
      expect(sim.calls()).toEqual({ usersByAccount: 1 });
      expect(sim.callLog('usersByAccount')[0].path).toBe('/pub/usr/acc/1');
    });

    it('lists accounts of 100 and 250 users inserted through the store, one call each', async () => {
      const small = sim.store.addAccount({ name: 'Hundred' });
      const large = sim.store.addAccount({ name: 'Two hundred fifty' });
      for (const [account, count] of [
        [small, 100],
        [large, 250],
      ] as const) {
        for (let i = 0; i < count; i++) {
          sim.store.insert({
            contactName: `User ${i}`,
            emailAddress: `u${i}@${account.id}.example.com`,
            defaultAccountId: account.id,
            username: `u${i}-${account.id}`,
            active: i % 2 === 0,
          });
        }
      }
      expect(await userManagement.usersByAccount(small.id)).toHaveLength(100);
      const users = await userManagement.usersByAccount(large.id);
      expect(users).toHaveLength(250);
      expect(users.filter((user) => !user.active)).toHaveLength(125);
      expect(sim.calls('usersByAccount')).toBe(2);
    });

    it('answers an empty list for an account without users', async () => {
      const empty = sim.store.addAccount({ name: 'Empty' });
      await expect(userManagement.usersByAccount(empty.id)).resolves.toEqual([]);
    });

    it('answers VENDOR_NOT_FOUND for an unknown account, and for a non-numeric id without calling', async () => {
      await expect(userManagement.usersByAccount('999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'USER_MANAGEMENT',
        status: 404,
        vendorMessage: messages.accountNotFound,
      });
      await expect(userManagement.usersByAccount('acme')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'USER_MANAGEMENT',
      });
      expect(sim.calls('usersByAccount')).toBe(1);
    });

    it('gets one user', async () => {
      const stored = sim.store.all()[3];
      await expect(userManagement.getUser(String(stored.id))).resolves.toEqual({
        externalId: String(stored.id),
        displayName: stored.contactName,
        email: stored.emailAddress,
        accountId: String(stored.defaultAccountId),
        username: stored.username,
        active: stored.active === 1,
      });
      expect(sim.calls('getUser')).toBe(1);
    });

    it('answers VENDOR_NOT_FOUND for an unknown user', async () => {
      await expect(userManagement.getUser('99999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'USER_MANAGEMENT',
        vendorMessage: messages.userNotFound,
        message: 'USER_MANAGEMENT: getUser answered HTTP 404',
      });
      expect(sim.calls('getUser')).toBe(1);
    });
  });

  describe('without an account path prefix', () => {
    const bare = new UserManagementSimulator({ apiKey: API_KEY, accountPathPrefix: '', apiKeyHeader: 'X-Custom-Key' });
    let client: UserManagementClient;
    beforeAll(async () => {
      await bare.listen();
      client = new UserManagementClient(
        settings({ baseUrl: bare.url, accountPathPrefix: '', apiKeyHeader: 'X-Custom-Key' }),
        { logger: silentLogger },
      );
    });
    afterAll(async () => {
      await client.close();
      await bare.close();
    });

    it('lists an account on /usr/acc/{id}, with the key in the configured header', async () => {
      const users = await client.usersByAccount('2');
      expect(users).toHaveLength(bare.store.byAccount('2').length);
      expect(bare.calls()).toEqual({ usersByAccount: 1 });
      expect(bare.callLog('usersByAccount')[0].path).toBe('/usr/acc/2');
    });

    it('does not serve the prefixed path', async () => {
      const prefixed = new UserManagementClient(settings({ baseUrl: bare.url, apiKeyHeader: 'X-Custom-Key' }), {
        logger: silentLogger,
      });
      try {
        await expect(prefixed.usersByAccount('2')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      } finally {
        await prefixed.close();
      }
    });
  });

  describe('add', () => {
    it('adds a user through the client and answers it with its new id', async () => {
      const before = sim.store.size;
      const user = await userManagement.addUser(newUser);
      expect(user).toEqual({
        externalId: expect.stringMatching(/^\d+$/),
        displayName: 'John Doe',
        email: 'jhn.doe@example.com',
        accountId: '1',
        username: 'jdoe',
        active: true,
      });
      expect(sim.store.size).toBe(before + 1);
      expect(sim.store.get(user.externalId)).toMatchObject({ username: 'jdoe', active: 1 });
      expect(sim.store.verifyPassword(user.externalId, PASSWORD)).toBe(true);
      expect(sim.calls()).toEqual({ addUser: 1 });
      expect(sim.callLog('addUser')[0]).toMatchObject({ method: 'POST', path: '/usr/new', status: 200 });
    });

    it('adds an inactive user', async () => {
      const user = await userManagement.addUser({ ...newUser, active: false });
      expect(user.active).toBe(false);
      expect(sim.store.get(user.externalId)!.active).toBe(0);
    });

    it('accepts PUT, text/javascript and application/json (with a charset); answers 415 otherwise', async () => {
      const body = (username: string) =>
        JSON.stringify({
          contactName: 'Raw',
          emailAddress: `${username}@example.com`,
          defaultAccountId: 2,
          username,
          password: PASSWORD,
        });
      const put = await send('PUT', '/usr/new', { body: body('put1'), contentType: 'application/json' });
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ id: expect.any(Number), username: 'put1', defaultAccountId: 2, active: 1 });
      const js = await send('POST', '/usr/new', { body: body('js1'), contentType: 'text/javascript; charset=UTF-8' });
      expect(js.status).toBe(200);
      const json = await send('POST', '/usr/new', {
        body: body('json1'),
        contentType: 'application/json;charset=utf-8',
      });
      expect(json.status).toBe(200);
      const plain = await send('POST', '/usr/new', { body: body('plain1'), contentType: 'text/plain' });
      expect(plain).toMatchObject({ status: 415, json: { error: messages.unsupportedContentType } });
      const none = await send('PUT', '/usr/new', { body: body('none1') });
      expect(none.status).toBe(415);
      expect(sim.calls('addUser')).toBe(5);
      expect(sim.store.all().filter((user) => user.contactName === 'Raw')).toHaveLength(3);
    });

    it('accepts active as the string "0" and answers the user as inactive', async () => {
      const response = await send('POST', '/usr/new', {
        body: JSON.stringify({
          contactName: 'Off',
          emailAddress: 'off@example.com',
          defaultAccountId: '3',
          username: 'off',
          password: PASSWORD,
          active: '0',
        }),
        contentType: 'text/javascript',
      });
      expect(response).toMatchObject({ status: 200, json: { active: 0, defaultAccountId: 3 } });
      await expect(userManagement.getUser(String(response.json.id))).resolves.toMatchObject({
        active: false,
        accountId: '3',
      });
    });

    it('answers VENDOR_REJECTED for a missing or blank required field', async () => {
      const { password: _omitted, ...withoutPassword } = newUser;
      await expect(userManagement.addUser(withoutPassword as typeof newUser)).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        source: 'USER_MANAGEMENT',
        status: 400,
        vendorMessage: 'Invalid request: password is required',
      });
      await expect(userManagement.addUser({ ...newUser, displayName: '  ', email: 'nope' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: 'Invalid request: contactName must not be blank; emailAddress must be a valid email address',
      });
      expect(sim.calls('addUser')).toBe(2);
    });

    it('answers VENDOR_REJECTED for an unknown default account', async () => {
      await expect(userManagement.addUser({ ...newUser, accountId: '42' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.unknownAccount,
      });
    });

    it('answers VENDOR_CONFLICT for a taken username (any case) or email, naming the existing user', async () => {
      const existing = sim.store.all()[0];
      await expect(
        userManagement.addUser({ ...newUser, username: existing.username.toUpperCase() }),
      ).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        status: 409,
        vendorMessage: messages.duplicateUsername,
        existingId: String(existing.id),
      });
      await expect(
        userManagement.addUser({ ...newUser, email: existing.emailAddress.toUpperCase() }),
      ).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        vendorMessage: messages.duplicateEmail,
        existingId: String(existing.id),
      });
      expect(sim.calls('addUser')).toBe(2);
    });
  });

  describe('modify', () => {
    it('changes only the given fields (POST through the client)', async () => {
      const before = sim.store.all()[1];
      const user = await userManagement.modifyUser(String(before.id), {
        displayName: 'Renamed',
        active: false,
        password: 'n3w-Passw0rd',
      });
      expect(user).toEqual({
        externalId: String(before.id),
        displayName: 'Renamed',
        email: before.emailAddress,
        accountId: String(before.defaultAccountId),
        username: before.username,
        active: false,
      });
      expect(sim.store.verifyPassword(before.id, 'n3w-Passw0rd')).toBe(true);
      expect(sim.calls()).toEqual({ modifyUser: 1 });
      expect(sim.callLog('modifyUser')[0]).toMatchObject({ method: 'POST', path: `/usr/${before.id}` });
    });

    it('changes only the given fields with PUT, treating null as unchanged', async () => {
      const before = sim.store.all()[2];
      const response = await send('PUT', `/usr/${before.id}`, {
        body: JSON.stringify({ emailAddress: 'moved@example.com', defaultAccountId: '3', contactName: null }),
        contentType: 'application/json',
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ ...before, emailAddress: 'moved@example.com', defaultAccountId: 3 });
      expect(sim.calls('modifyUser')).toBe(1);
    });

    it("lets a user keep its own username in another case, but not take another user's", async () => {
      const [first, second] = sim.store.all();
      await expect(
        userManagement.modifyUser(String(first.id), { username: first.username.toUpperCase() }),
      ).resolves.toMatchObject({
        username: first.username.toUpperCase(),
      });
      await expect(userManagement.modifyUser(String(first.id), { username: second.username })).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        existingId: String(second.id),
      });
    });

    it('answers VENDOR_REJECTED for a bad field or an unknown account', async () => {
      const id = String(sim.store.all()[0].id);
      await expect(userManagement.modifyUser(id, { email: 'broken' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        status: 400,
      });
      await expect(userManagement.modifyUser(id, { accountId: '77' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.unknownAccount,
      });
    });

    it('answers VENDOR_NOT_FOUND for an unknown user, and never turns "new" into an add', async () => {
      await expect(userManagement.modifyUser('99999', { displayName: 'Nobody' })).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        status: 404,
      });
      await expect(userManagement.modifyUser('new', { displayName: 'Nobody' })).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'USER_MANAGEMENT',
      });
      expect(sim.calls()).toEqual({ modifyUser: 1 });
    });
  });

  describe('delete', () => {
    it('deletes a user, after which it is not found', async () => {
      const user = await userManagement.addUser(newUser);
      await expect(userManagement.deleteUser(user.externalId)).resolves.toBeUndefined();
      expect(sim.store.get(user.externalId)).toBeUndefined();
      await expect(userManagement.getUser(user.externalId)).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      expect(sim.calls()).toEqual({ addUser: 1, deleteUser: 1, getUser: 1 });
    });

    it('answers VENDOR_NOT_FOUND for an unknown user', async () => {
      await expect(userManagement.deleteUser('99999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'USER_MANAGEMENT',
      });
      expect(sim.calls('deleteUser')).toBe(1);
    });
  });

  describe('authentication and malformed requests', () => {
    it('answers VENDOR_UNAUTHORIZED for a wrong key, without the key in the error', async () => {
      // A client each: after its first 401 a client refuses its calls unsent (the credentials are rejected).
      const intruders: UserManagementClient[] = [];
      const intruder = () => {
        const client = new UserManagementClient(settings({ apiKey: WRONG_KEY }), { logger: silentLogger });
        intruders.push(client);
        return client;
      };
      try {
        const failures = await Promise.all([
          intruder()
            .usersByAccount('1')
            .catch((error: unknown) => error),
          intruder()
            .getUser('1')
            .catch((error: unknown) => error),
          intruder()
            .addUser(newUser)
            .catch((error: unknown) => error),
          intruder()
            .modifyUser('1', { displayName: 'x' })
            .catch((error: unknown) => error),
          intruder()
            .deleteUser('1')
            .catch((error: unknown) => error),
        ]);
        for (const failure of failures) {
          expect(failure).toMatchObject({
            code: 'VENDOR_UNAUTHORIZED',
            source: 'USER_MANAGEMENT',
            status: 401,
            vendorMessage: messages.invalidApiKey,
          });
          const text = `${(failure as Error).message} ${JSON.stringify(failure)}`;
          expect(text).not.toContain(WRONG_KEY);
          expect(text).not.toContain(API_KEY);
          expect(text).not.toContain(PASSWORD);
        }
        expect(sim.store.get('1')).toBeDefined();
      } finally {
        await Promise.all(intruders.map((client) => client.close()));
      }
    });

    it('answers 401 when the key is missing, on every route', async () => {
      for (const [method, path] of [
        ['GET', '/pub/usr/acc/1'],
        ['GET', '/usr/1'],
        ['POST', '/usr/new'],
        ['PUT', '/usr/1'],
        ['DELETE', '/usr/1'],
      ] as const) {
        const response = await send(method, path, { apiKey: null, contentType: 'application/json', body: '{}' });
        expect(response).toEqual({ status: 401, text: expect.any(String), json: { error: messages.missingApiKey } });
      }
      expect(sim.store.get('1')).toBeDefined();
    });

    it('answers 400 for bad JSON, a body that is not an object, and unknown fields', async () => {
      const badJson = await send('POST', '/usr/new', { body: '{"contactName": ', contentType: 'text/javascript' });
      expect(badJson).toMatchObject({ status: 400, json: { error: messages.invalidJson } });
      const array = await send('PUT', '/usr/1', { body: '[1, 2]', contentType: 'text/javascript' });
      expect(array).toMatchObject({
        status: 400,
        json: { error: 'Invalid request: Request body must be a JSON object' },
      });
      const unknown = await send('POST', '/usr/1', {
        body: JSON.stringify({ id: 5, role: 'admin' }),
        contentType: 'application/json',
      });
      expect(unknown).toMatchObject({
        status: 400,
        json: { error: 'Invalid request: Unknown field "id"; Unknown field "role"' },
      });
      const empty = await send('POST', '/usr/new', { body: '', contentType: 'application/json' });
      expect(empty).toMatchObject({
        status: 400,
        json: { error: 'Invalid request: Request body must be a JSON object' },
      });
      expect(sim.calls()).toEqual({ addUser: 2, modifyUser: 2 });
      expect(sim.callLog().every((call) => call.status === 400)).toBe(true);
    });

    it('never answers a password, in any response body', async () => {
      const added = await send('POST', '/usr/new', {
        body: JSON.stringify({
          contactName: 'Pw',
          emailAddress: 'pw@example.com',
          defaultAccountId: 1,
          username: 'pw',
          password: PASSWORD,
        }),
        contentType: 'text/javascript',
      });
      const id = String(added.json.id);
      const bodies = [
        added.text,
        (await send('GET', `/usr/${id}`)).text,
        (await send('GET', '/pub/usr/acc/1')).text,
        (
          await send('POST', `/usr/${id}`, {
            body: JSON.stringify({ password: `${PASSWORD}2` }),
            contentType: 'application/json',
          })
        ).text,
        (
          await send('POST', '/usr/new', {
            body: JSON.stringify({
              contactName: 'Pw',
              emailAddress: 'pw2@example.com',
              defaultAccountId: 1,
              username: 'PW',
              password: PASSWORD,
            }),
            contentType: 'application/json',
          })
        ).text,
        (await send('DELETE', `/usr/${id}`)).text,
      ];
      for (const body of bodies) {
        expect(body).not.toMatch(/password|hash|salt/i);
        expect(body).not.toContain(PASSWORD);
      }
    });
  });

  describe('faults', () => {
    it('retries a failing read, then answers VENDOR_UNAVAILABLE', async () => {
      sim.setFault('getUser', { status: 500 });
      await expect(userManagement.getUser('1')).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        source: 'USER_MANAGEMENT',
        status: 500,
      });
      expect(sim.calls('getUser')).toBe(3);
      sim.setFault('usersByAccount', { status: 503 });
      await expect(userManagement.usersByAccount('1')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(sim.calls('usersByAccount')).toBe(3);
    });

    it('does not retry a failing write', async () => {
      sim.setFault('*', { status: 500 });
      await expect(userManagement.addUser(newUser)).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        vendorMessage: expect.stringContaining('Injected failure'),
      });
      await expect(userManagement.deleteUser('1')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(sim.calls()).toEqual({ addUser: 1, deleteUser: 1 });
      expect(sim.store.get('1')).toBeDefined();
    });

    it('answers VENDOR_TIMEOUT for a vendor that hangs', async () => {
      const impatient = new UserManagementClient(settings({ timeoutMs: 200 }), { logger: silentLogger });
      try {
        sim.setFault('modifyUser', { hang: true });
        await expect(impatient.modifyUser('1', { displayName: 'Slow' })).rejects.toMatchObject({
          code: 'VENDOR_TIMEOUT',
          // On a busy machine the call may wait for its connection first: the deadline is what is left of 200 ms.
          message: expect.stringMatching(
            /^USER_MANAGEMENT: modifyUser did not answer within \d+ ms(, what was left of its 200 ms timeout after \d+ ms waiting for a connection)?$/,
          ),
        });
        sim.setFault('getUser', { hang: true });
        await expect(impatient.getUser('1')).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT' });
        expect(sim.calls()).toEqual({ modifyUser: 1, getUser: 1 });
      } finally {
        await impatient.close();
      }
    });

    it('answers VENDOR_BAD_RESPONSE for a body that is not JSON', async () => {
      sim.setFault('getUser', { malformed: 'json' });
      await expect(userManagement.getUser('1')).rejects.toMatchObject({
        code: 'VENDOR_BAD_RESPONSE',
        source: 'USER_MANAGEMENT',
      });
      sim.setFault('addUser', { malformed: 'json' });
      await expect(userManagement.addUser(newUser)).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
    });

    it('answers VENDOR_BAD_RESPONSE for JSON that does not fit the contract, on every route', async () => {
      sim.setFault('*', { malformed: 'shape' });
      const failures = await Promise.all([
        userManagement.usersByAccount('1').catch((error: unknown) => error),
        userManagement.getUser('1').catch((error: unknown) => error),
        userManagement.addUser(newUser).catch((error: unknown) => error),
        userManagement.modifyUser('2', { displayName: 'Shape' }).catch((error: unknown) => error),
        userManagement.deleteUser('3').catch((error: unknown) => error),
      ]);
      for (const failure of failures)
        expect(failure).toMatchObject({ code: 'VENDOR_BAD_RESPONSE', source: 'USER_MANAGEMENT' });
      expect((failures[0] as Error).message).toMatch(
        /usersByAccount answered HTTP 200 with a body that does not match its contract/,
      );
      expect(userManagement.http.health.lastError?.code).toBe('VENDOR_BAD_RESPONSE');
    });
  });

  describe('configuration', () => {
    it("sends the key in its header and bodies as text/javascript, like the vendor's examples", async () => {
      const seen: Record<string, string | string[] | undefined>[] = [];
      const spy = new Simulator({
        name: 'header-spy',
        errorResponse: (status, message) => ({ status, body: { error: message } }),
      }).route('addUser', 'POST', '/usr/new', (request) => {
        seen.push(request.headers);
        return {
          status: 200,
          body: {
            id: 1,
            contactName: 'John Doe',
            emailAddress: 'jhn.doe@example.com',
            defaultAccountId: 1,
            username: 'jdoe',
            active: 1,
          },
        };
      });
      const url = await spy.listen();
      const client = new UserManagementClient(settings({ baseUrl: url, apiKeyHeader: 'X-Vendor-Key' }), {
        logger: silentLogger,
      });
      try {
        await client.addUser(newUser);
        expect(seen[0]).toMatchObject({ 'content-type': 'text/javascript', 'x-vendor-key': API_KEY });
      } finally {
        await client.close();
        await spy.close();
      }
    });

    it('fails fast on settings it cannot use, without echoing the key', () => {
      expect(() => new UserManagementClient(settings({ apiKey: '' }), { logger: silentLogger })).toThrow(
        'UserManagementClient: apiKey must be a non-empty string',
      );
      expect(() => new UserManagementClient(settings({ apiKeyHeader: 'X Api Key' }), { logger: silentLogger })).toThrow(
        /apiKeyHeader must be an HTTP header name/,
      );
      expect(() => new UserManagementClient(settings({ accountPathPrefix: 'pub/' }), { logger: silentLogger })).toThrow(
        /accountPathPrefix must be ""/,
      );
      expect(() => new UserManagementSimulator({ apiKey: API_KEY, accountPathPrefix: '/pub/' })).toThrow(
        /accountPathPrefix/,
      );
    });

    it('starts empty without the seed, and store misuse says what is wrong', () => {
      const empty = new UserManagementSimulator({ apiKey: API_KEY, seed: false });
      expect(empty.store.size).toBe(0);
      expect(empty.store.accounts().map((account) => account.id)).toEqual(['1', '2', '3']);
      expect(() =>
        empty.store.insert({ contactName: 'A', emailAddress: 'a@x.io', defaultAccountId: 9, username: 'a' }),
      ).toThrow('UserManagementStore: account 9 does not exist (add it with addAccount first)');
      empty.store.insert({ contactName: 'A', emailAddress: 'a@x.io', defaultAccountId: 1, username: 'a' });
      expect(() =>
        empty.store.insert({ contactName: 'B', emailAddress: 'b@x.io', defaultAccountId: 1, username: 'A' }),
      ).toThrow(/username already exists/);
      expect(empty.routeNames).toEqual(['usersByAccount', 'getUser', 'addUser', 'modifyUser', 'deleteUser']);
    });

    it('allows shared email addresses when uniqueEmail is off', () => {
      const lenient = new UserManagementSimulator({ apiKey: API_KEY, seed: false, uniqueEmail: false });
      lenient.store.insert({ contactName: 'A', emailAddress: 'same@x.io', defaultAccountId: 1, username: 'a' });
      expect(
        lenient.store.insert({ contactName: 'B', emailAddress: 'SAME@x.io', defaultAccountId: 2, username: 'b' }).id,
      ).toBe(2);
    });
  });
});
