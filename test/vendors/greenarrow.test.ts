import { Pool, request } from 'undici';
import type { GreenArrowSettings } from '../../src/vendors/greenarrow/settings';
import { silentLogger } from '../../src/platform/logger';
import { Simulator, faultSchema, type SimResponse } from '../../src/simulators/kit/framework';
import { GreenArrowSimulator, type GreenArrowUserSeed } from '../../src/simulators/greenarrow';
import { seedPeople } from '../../src/simulators/kit/seed';
import { GreenArrowClient } from '../../src/vendors/greenarrow/client';
import { messages } from '../../src/vendors/greenarrow/contract';
import { fromWireAccess, fromWireInjection } from '../../src/vendors/greenarrow/mapper';
import type { GreenArrowCreateInput, GreenArrowUser } from '../../src/vendors/greenarrow/types';

const USERNAME = 'ga-admin';
const PASSWORD = 'Ga-Test-Pa55-91c2';
const WRONG_PASSWORD = 'Ga-Wrong-Pa55-7e1d';
const USER_PASSWORD = 'Us3r-Secret-Pa55';
const USERS = '/ga/api/v3/eng/users';

const SEEDED = seedPeople().filter((person) => person.in.greenarrow);

const newUser: GreenArrowCreateInput = {
  email: 'new.user@example.net',
  password: USER_PASSWORD,
  permissions: { injection: 'SMTP_ONLY', api: 'STATS_ONLY', ui: 'READ_ONLY' },
};

function bulk(count: number, domain = 'bulk.example.com'): GreenArrowUserSeed[] {
  return Array.from({ length: count }, (_, i) => ({ email: `user${String(i).padStart(3, '0')}@${domain}` }));
}

async function collect(iterator: AsyncIterable<GreenArrowUser>): Promise<GreenArrowUser[]> {
  const users: GreenArrowUser[] = [];
  for await (const user of iterator) users.push(user);
  return users;
}

describe('GreenArrowClient against the simulator', () => {
  const sim = new GreenArrowSimulator({ username: USERNAME, password: PASSWORD });
  let greenArrow: GreenArrowClient;
  let raw: Pool;

  function settings(overrides: Partial<GreenArrowSettings> = {}): GreenArrowSettings {
    return {
      baseUrl: sim.url,
      username: USERNAME,
      password: PASSWORD,
      pageSize: 100,
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
    options: { body?: string; auth?: string | null } = {},
  ) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.auth !== null)
      headers['authorization'] = options.auth ?? `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
    const response = await request(`${sim.url}${path}`, { method, headers, body: options.body, dispatcher: raw });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: text === '' ? undefined : JSON.parse(text),
    };
  }

  function failureEnvelope(code: string, ...errorMessages: string[]) {
    return { success: false, data: null, error_code: code, error_messages: errorMessages };
  }

  beforeAll(async () => {
    await sim.listen();
    raw = new Pool(sim.url, { connections: 2 });
    greenArrow = new GreenArrowClient(settings(), { logger: silentLogger });
  });
  afterAll(async () => {
    await greenArrow.close();
    await raw.destroy();
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.resetCalls();
    sim.clearFaults();
  });

  describe('list', () => {
    it('lists the first page with its pagination fields in one call', async () => {
      const page = await greenArrow.listUsers();
      expect(page.items).toHaveLength(SEEDED.length);
      expect(page).toMatchObject({ total: SEEDED.length, next: null, page: 0, perPage: 100, numPages: 1 });
      expect(page.items.map((user) => user.email)).toEqual(SEEDED.map((person) => person.email));
      const first = SEEDED[0];
      expect(page.items[0]).toEqual({
        externalId: '1',
        email: first.email,
        permissions: {
          injection: first.permissions.injection,
          api: first.permissions.api,
          ui: first.permissions.ui,
          disabled: first.permissions.disabled,
          mailClass: { id: '1', name: 'transactional' },
        },
      });
      expect(sim.calls()).toEqual({ listUsers: 1 });
    });

    it('walks 273 users over three pages of 100 by following page tokens', async () => {
      sim.store.insert(bulk(250));
      const users = await collect(greenArrow.users());
      expect(users).toHaveLength(SEEDED.length + 250);
      expect(users.map((user) => user.externalId)).toEqual(
        Array.from({ length: users.length }, (_, i) => String(i + 1)),
      );
      expect(sim.calls()).toEqual({ listUsers: 3 });
    });

    it('numbers pages from 0, answers the page count, and an empty page past the end', async () => {
      sim.store.insert(bulk(250));
      const second = await greenArrow.listUsers({ page: 1 });
      expect(second).toMatchObject({ page: 1, perPage: 100, numPages: 3, total: 273, next: expect.any(String) });
      expect(second.items.map((user) => user.externalId)).toEqual(
        Array.from({ length: 100 }, (_, i) => String(101 + i)),
      );
      const last = await greenArrow.listUsers({ page: 2 });
      expect(last).toMatchObject({ page: 2, next: null });
      expect(last.items).toHaveLength(73);
      const past = await greenArrow.listUsers({ page: 7 });
      expect(past).toMatchObject({ items: [], page: 7, next: null, total: 273 });
      const following = await greenArrow.listUsers({ pageToken: second.next! });
      expect(following).toMatchObject({ page: 2, next: null });
      expect(following.items).toEqual(last.items);
      expect(sim.calls('listUsers')).toBe(4);
    });

    it('filters by a case-insensitive substring of the email, across small pages', async () => {
      const small = new GreenArrowSimulator({ username: USERNAME, password: PASSWORD, perPage: 4 });
      const client = new GreenArrowClient(settings({ baseUrl: await small.listen() }), { logger: silentLogger });
      try {
        const expected = SEEDED.filter((person) => person.email.includes('example.com'));
        const first = await client.listUsers({ name: 'EXAMPLE.COM' });
        expect(first).toMatchObject({ total: expected.length, perPage: 4, numPages: Math.ceil(expected.length / 4) });
        const users = await collect(client.users({ name: 'Example.Com' }));
        expect(users.map((user) => user.email)).toEqual(expected.map((person) => person.email));
        expect(small.calls('listUsers')).toBe(1 + Math.ceil(expected.length / 4));
        await expect(client.listUsers({ name: 'nobody-has-this' })).resolves.toMatchObject({
          items: [],
          total: 0,
          numPages: 0,
          next: null,
        });
      } finally {
        await client.close();
        await small.close();
      }
    });

    it('answers VENDOR_REJECTED for an invalid page token, a bad page, or both page and token', async () => {
      await expect(greenArrow.listUsers({ pageToken: 'not-a-token' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        source: 'GREENARROW',
        status: 422,
        vendorCode: 'validation_error',
        vendorMessage: messages.invalidPageToken,
      });
      await expect(greenArrow.listUsers({ page: -1 })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: 'page must be a non-negative integer',
      });
      sim.store.insert(bulk(120));
      const { next } = await greenArrow.listUsers({ name: 'bulk' });
      await expect(greenArrow.listUsers({ page: 1, pageToken: next! })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.pageWithToken,
      });
      await expect(greenArrow.listUsers({ pageToken: next!, name: 'other' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.filterMismatch,
      });
      expect(sim.calls('listUsers')).toBe(5);
    });
  });

  describe('get', () => {
    it('gets a user by id, and by email in another case', async () => {
      const stored = sim.store.get(4)!;
      const byId = await greenArrow.getUser('4');
      expect(byId).toMatchObject({ externalId: '4', email: stored.email });
      await expect(greenArrow.getUser(stored.email.toUpperCase())).resolves.toEqual(byId);
      expect(sim.calls()).toEqual({ getUser: 2 });
      expect(sim.callLog('getUser')[1].path).toBe(`${USERS}/${encodeURIComponent(stored.email.toUpperCase())}`);
    });

    it('answers VENDOR_NOT_FOUND for an unknown id or email, and for an empty one without calling', async () => {
      await expect(greenArrow.getUser('9999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'GREENARROW',
        status: 404,
        vendorCode: 'not_found',
        vendorMessage: messages.userNotFound,
        message: 'GREENARROW: getUser answered HTTP 404 (not_found)',
      });
      await expect(greenArrow.getUser('nobody@example.com')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      await expect(greenArrow.getUser(' ')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND', source: 'GREENARROW' });
      expect(sim.calls()).toEqual({ getUser: 2 });
    });
  });

  describe('create', () => {
    it('creates a user and answers it with its new id', async () => {
      const before = sim.store.size;
      const user = await greenArrow.createUser(newUser);
      expect(user).toEqual({
        externalId: String(before + 1),
        email: newUser.email,
        permissions: { injection: 'SMTP_ONLY', api: 'STATS_ONLY', ui: 'READ_ONLY', disabled: false, mailClass: null },
      });
      expect(sim.store.size).toBe(before + 1);
      expect(sim.store.verifyPassword(user.externalId, USER_PASSWORD)).toBe(true);
      expect(sim.calls()).toEqual({ createUser: 1 });
      expect(sim.callLog('createUser')[0]).toMatchObject({ method: 'POST', path: USERS, status: 200 });
    });

    it('never answers the password: the raw create body has none', async () => {
      const response = await send('POST', USERS, {
        body: JSON.stringify({
          user: {
            email: 'raw@example.net',
            password: USER_PASSWORD,
            permissions: { injection: 'yes', api: 'no', ui: 'no' },
          },
        }),
      });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        success: true,
        data: {
          user: {
            id: expect.any(Number),
            email: 'raw@example.net',
            permissions: { injection: 'yes', api: 'no', ui: 'no' },
            is_disabled: false,
            force_mail_class: null,
          },
        },
        error_code: null,
        error_messages: null,
      });
      const id = response.json.data.user.id as number;
      const bodies = [response.text, (await send('GET', `${USERS}/${id}`)).text, (await send('GET', USERS)).text];
      for (const body of bodies) {
        expect(body).not.toMatch(/password|hash|salt/i);
        expect(body).not.toContain(USER_PASSWORD);
      }
    });

    it('creates a disabled user with a mail class given by name or by id', async () => {
      const byName = await greenArrow.createUser({
        ...newUser,
        permissions: { ...newUser.permissions, disabled: true, mailClass: { name: 'marketing' } },
      });
      expect(byName.permissions).toMatchObject({ disabled: true, mailClass: { id: '2', name: 'marketing' } });
      const byId = await greenArrow.createUser({
        ...newUser,
        email: 'by.id@example.net',
        permissions: { ...newUser.permissions, mailClass: { id: '3' } },
      });
      expect(byId.permissions.mailClass).toEqual({ id: '3', name: 'bulk' });
      expect(sim.store.get(byName.externalId)!.force_mail_class).toEqual({ id: 2, name: 'marketing' });
    });

    it('answers VENDOR_REJECTED for a missing password, a bad permission or an unknown mail class', async () => {
      const { password: _omitted, ...withoutPassword } = newUser;
      await expect(greenArrow.createUser(withoutPassword as GreenArrowCreateInput)).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        source: 'GREENARROW',
        status: 422,
        vendorCode: 'validation_error',
        vendorMessage: 'password is required',
      });
      await expect(
        greenArrow.createUser({ ...newUser, permissions: { ...newUser.permissions, api: 'ADMIN' as 'FULL' } }),
      ).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: 'permissions.api must be one of yes, read-only, stats-only, no',
      });
      await expect(
        greenArrow.createUser({
          ...newUser,
          permissions: { ...newUser.permissions, mailClass: { name: 'nonexistent' } },
        }),
      ).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.unknownMailClass,
      });
      await expect(greenArrow.createUser({ ...newUser, email: 'broken', password: '' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: 'email must be a valid email address; password must not be blank',
      });
      expect(sim.calls('createUser')).toBe(4);
      expect(sim.store.findByEmail(newUser.email)).toBeUndefined();
    });

    it('answers VENDOR_CONFLICT for an email taken in another case', async () => {
      const existing = sim.store.get(2)!;
      const error = await greenArrow
        .createUser({ ...newUser, email: existing.email.toUpperCase() })
        .catch((failure: unknown) => failure);
      expect(error).toMatchObject({
        code: 'VENDOR_CONFLICT',
        source: 'GREENARROW',
        status: 422,
        vendorCode: 'validation_error',
        vendorMessage: messages.emailTaken,
      });
      expect((error as Error).message).not.toContain(USER_PASSWORD);
      expect(sim.calls('createUser')).toBe(1);
    });
  });

  describe('update', () => {
    it('changes only the given attributes and merges permissions', async () => {
      const before = sim.store.get(3)!;
      const user = await greenArrow.updateUser('3', {
        password: 'N3w-Pa55',
        permissions: { api: 'READ_ONLY', mailClass: { name: 'bulk' } },
      });
      expect(user).toEqual({
        externalId: '3',
        email: before.email,
        permissions: {
          injection: fromWireInjection(before.permissions.injection),
          api: 'READ_ONLY',
          ui: fromWireAccess(before.permissions.ui),
          disabled: before.is_disabled,
          mailClass: { id: '3', name: 'bulk' },
        },
      });
      expect(sim.store.verifyPassword(3, 'N3w-Pa55')).toBe(true);
      expect(sim.calls()).toEqual({ updateUser: 1 });
      expect(sim.callLog('updateUser')[0]).toMatchObject({ method: 'PUT', path: `${USERS}/3` });
      const cleared = await greenArrow.updateUser('3', {
        email: 'renamed@example.net',
        permissions: { disabled: true, mailClass: null },
      });
      expect(cleared).toMatchObject({
        email: 'renamed@example.net',
        permissions: { api: 'READ_ONLY', disabled: true, mailClass: null },
      });
    });

    it("lets a user keep its own email in another case, but not take another user's", async () => {
      const [first, second] = [sim.store.get(1)!, sim.store.get(2)!];
      await expect(greenArrow.updateUser('1', { email: first.email.toUpperCase() })).resolves.toMatchObject({
        email: first.email.toUpperCase(),
      });
      await expect(greenArrow.updateUser('1', { email: second.email })).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        vendorMessage: messages.emailTaken,
      });
    });

    it('answers VENDOR_REJECTED for an invalid attribute', async () => {
      await expect(greenArrow.updateUser('1', { email: 'not-an-email' })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        status: 422,
      });
      await expect(greenArrow.updateUser('1', { permissions: { mailClass: { id: '99' } } })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.unknownMailClass,
      });
    });

    it('answers VENDOR_NOT_FOUND for an unknown id, and for a non-numeric one without calling', async () => {
      await expect(greenArrow.updateUser('9999', { email: 'x@example.net' })).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        status: 404,
        vendorMessage: messages.userNotFound,
      });
      await expect(greenArrow.updateUser(sim.store.get(1)!.email, { email: 'x@example.net' })).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'GREENARROW',
      });
      expect(sim.calls()).toEqual({ updateUser: 1 });
    });
  });

  describe('delete', () => {
    it('deletes a user, after which it is not found', async () => {
      const user = await greenArrow.createUser(newUser);
      await expect(greenArrow.deleteUser(user.externalId)).resolves.toBeUndefined();
      expect(sim.store.get(user.externalId)).toBeUndefined();
      await expect(greenArrow.getUser(user.externalId)).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      await expect(greenArrow.getUser(newUser.email)).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      expect(sim.calls()).toEqual({ createUser: 1, deleteUser: 1, getUser: 2 });
    });

    it('answers VENDOR_NOT_FOUND for an unknown user', async () => {
      await expect(greenArrow.deleteUser('9999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'GREENARROW',
        vendorCode: 'not_found',
      });
      expect(sim.calls('deleteUser')).toBe(1);
    });

    it('answers the documented empty success envelope', async () => {
      const response = await send('DELETE', `${USERS}/5`);
      expect(response).toMatchObject({
        status: 200,
        json: { success: true, data: {}, error_code: null, error_messages: null },
      });
    });
  });

  describe('authentication and malformed requests', () => {
    it('answers VENDOR_UNAUTHORIZED for a wrong password on every route, without credentials in the error', async () => {
      // A client each: after its first 401 a client refuses its calls unsent (the credentials are rejected).
      const intruders: GreenArrowClient[] = [];
      const intruder = () => {
        const client = new GreenArrowClient(settings({ password: WRONG_PASSWORD }), { logger: silentLogger });
        intruders.push(client);
        return client;
      };
      try {
        const failures = await Promise.all([
          intruder()
            .listUsers()
            .catch((error: unknown) => error),
          intruder()
            .getUser('1')
            .catch((error: unknown) => error),
          intruder()
            .createUser(newUser)
            .catch((error: unknown) => error),
          intruder()
            .updateUser('1', { email: 'x@example.net' })
            .catch((error: unknown) => error),
          intruder()
            .deleteUser('1')
            .catch((error: unknown) => error),
          intruder()
            .listMailClasses()
            .catch((error: unknown) => error),
          intruder()
            .getMailClass('1')
            .catch((error: unknown) => error),
        ]);
        for (const failure of failures) {
          expect(failure).toMatchObject({
            code: 'VENDOR_UNAUTHORIZED',
            source: 'GREENARROW',
            status: 401,
            vendorCode: 'unauthorized',
            vendorMessage: messages.invalidCredentials,
          });
          const text = `${(failure as Error).message} ${JSON.stringify(failure)} ${(failure as Error).stack}`;
          for (const secret of [
            WRONG_PASSWORD,
            PASSWORD,
            USER_PASSWORD,
            Buffer.from(`${USERNAME}:${WRONG_PASSWORD}`).toString('base64'),
          ]) {
            expect(text).not.toContain(secret);
          }
        }
        expect(sim.store.get(1)).toBeDefined();
        expect(sim.calls()).toEqual({
          listUsers: 1,
          getUser: 1,
          createUser: 1,
          updateUser: 1,
          deleteUser: 1,
          listMailClasses: 1,
          getMailClass: 1,
        });
      } finally {
        await Promise.all(intruders.map((client) => client.close()));
      }
    });

    it('answers the 401 envelope with a Basic challenge when credentials are missing or not Basic', async () => {
      for (const [method, path] of [
        ['GET', USERS],
        ['GET', `${USERS}/1`],
        ['POST', USERS],
        ['PUT', `${USERS}/1`],
        ['DELETE', `${USERS}/1`],
      ] as const) {
        const response = await send(method, path, { auth: null, body: '{}' });
        expect(response.status).toBe(401);
        expect(response.json).toEqual(failureEnvelope('unauthorized', messages.authenticationRequired));
        expect(response.headers['www-authenticate']).toBe('Basic realm="GreenArrow Engine"');
      }
      const bearer = await send('GET', USERS, { auth: `Bearer ${PASSWORD}` });
      expect(bearer.json).toEqual(failureEnvelope('unauthorized', messages.authenticationRequired));
      expect(sim.store.get(1)).toBeDefined();
    });

    it('answers the validation envelope for bad JSON, a missing user, the read-only id and unknown keys', async () => {
      const badJson = await send('POST', USERS, { body: '{"user": {' });
      expect(badJson).toMatchObject({ status: 400, json: failureEnvelope('validation_error', messages.invalidJson) });
      const badJsonPut = await send('PUT', `${USERS}/1`, { body: 'email=x' });
      expect(badJsonPut).toMatchObject({
        status: 400,
        json: failureEnvelope('validation_error', messages.invalidJson),
      });
      const empty = await send('POST', USERS, { body: '' });
      expect(empty).toMatchObject({
        status: 422,
        json: failureEnvelope('validation_error', 'Request body must be a JSON object'),
      });
      const missing = await send('PUT', `${USERS}/1`, { body: JSON.stringify({ email: 'x@example.net' }) });
      expect(missing).toMatchObject({ status: 422, json: failureEnvelope('validation_error', 'user is required') });
      const readOnly = await send('PUT', `${USERS}/1`, {
        body: JSON.stringify({ user: { id: 7, email: 'x@example.net' } }),
      });
      expect(readOnly).toMatchObject({ status: 422, json: failureEnvelope('validation_error', 'id is read-only') });
      const unknown = await send('POST', USERS, {
        body: JSON.stringify({
          user: {
            email: 'x@example.net',
            password: 'p',
            permissions: { injection: 'yes', api: 'yes', ui: 'yes', smtp: 'no' },
            role: 'admin',
          },
        }),
      });
      expect(unknown).toMatchObject({
        status: 422,
        json: failureEnvelope(
          'validation_error',
          'permissions.smtp is not a known attribute',
          'role is not a known attribute',
        ),
      });
      const wrongTypes = await send('POST', USERS, {
        body: JSON.stringify({ user: { email: ['x'], password: 5, permissions: 'all', is_disabled: 'yes' } }),
      });
      expect(wrongTypes).toMatchObject({
        status: 422,
        json: failureEnvelope(
          'validation_error',
          'email must be a string',
          'password must be a string',
          'permissions must be a hash',
          'is_disabled must be true or false',
        ),
      });
      expect(sim.store.get(1)!.email).not.toBe('x@example.net');
      expect(sim.callLog().every((call) => call.status === 400 || call.status === 422)).toBe(true);
    });

    it('answers the not-found envelope for unmatched routes and non-numeric ids in PUT and DELETE', async () => {
      const unmatched = await send('GET', '/ga/api/v3/eng/groups', { auth: null });
      expect(unmatched).toMatchObject({
        status: 404,
        json: {
          success: false,
          data: null,
          error_code: 'not_found',
          error_messages: [expect.stringContaining('No route')],
        },
      });
      const patch = await send('PATCH' as 'PUT', `${USERS}/1`, { body: '{}' });
      expect(patch).toMatchObject({ status: 404, json: { error_code: 'not_found' } });
      const deleteByEmail = await send('DELETE', `${USERS}/${encodeURIComponent(sim.store.get(1)!.email)}`);
      expect(deleteByEmail).toMatchObject({ status: 404, json: failureEnvelope('not_found', messages.userNotFound) });
      expect(sim.store.get(1)).toBeDefined();
    });
  });

  describe('faults', () => {
    it('retries a failing read, then answers VENDOR_UNAVAILABLE', async () => {
      sim.setFault('getUser', { status: 500 });
      await expect(greenArrow.getUser('1')).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        source: 'GREENARROW',
        status: 500,
        vendorMessage: expect.stringContaining('server_error'),
      });
      expect(sim.calls('getUser')).toBe(3);
      sim.setFault('listUsers', { status: 503 });
      await expect(collect(greenArrow.users())).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(sim.calls('listUsers')).toBe(3);
    });

    it('does not retry a failing write', async () => {
      sim.setFault('*', { status: 500 });
      await expect(greenArrow.createUser(newUser)).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        vendorMessage: expect.stringContaining('Injected failure'),
      });
      await expect(greenArrow.updateUser('1', { email: 'x@example.net' })).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
      });
      await expect(greenArrow.deleteUser('1')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(sim.calls()).toEqual({ createUser: 1, updateUser: 1, deleteUser: 1 });
      expect(sim.store.get(1)).toBeDefined();
    });

    it('answers VENDOR_TIMEOUT for a vendor that hangs', async () => {
      const impatient = new GreenArrowClient(settings({ timeoutMs: 200 }), { logger: silentLogger });
      try {
        sim.setFault('createUser', { hang: true });
        await expect(impatient.createUser(newUser)).rejects.toMatchObject({
          code: 'VENDOR_TIMEOUT',
          source: 'GREENARROW',
          // On a busy machine the call may wait for its connection first: the deadline is what is left of 200 ms.
          message: expect.stringMatching(
            /^GREENARROW: createUser did not answer within \d+ ms(, what was left of its 200 ms timeout after \d+ ms waiting for a connection)?$/,
          ),
        });
        sim.setFault('listUsers', { hang: true });
        await expect(impatient.listUsers()).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT' });
        expect(sim.calls()).toEqual({ createUser: 1, listUsers: 1 });
      } finally {
        await impatient.close();
      }
    });

    it('answers VENDOR_TIMEOUT for a vendor that did the write and then never answered', async () => {
      const impatient = new GreenArrowClient(settings({ timeoutMs: 200 }), { logger: silentLogger });
      try {
        sim.setFault('createUser', { hang: 'afterWork' });
        await expect(
          impatient.createUser({ ...newUser, email: 'committed.unanswered@example.net' }),
        ).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT' });
        // The vendor holds the record the caller never heard about: what a resumed write must find.
        expect(sim.store.all().filter((user) => user.email === 'committed.unanswered@example.net')).toHaveLength(1);
        expect(sim.callLog('createUser')).toEqual([expect.objectContaining({ status: null, endedAt: null })]);
      } finally {
        await impatient.close();
      }
    });

    it('answers VENDOR_BAD_RESPONSE for a body that is not JSON', async () => {
      sim.setFault('getUser', { malformed: 'json' });
      await expect(greenArrow.getUser('1')).rejects.toMatchObject({
        code: 'VENDOR_BAD_RESPONSE',
        source: 'GREENARROW',
      });
      sim.setFault('createUser', { malformed: 'json' });
      await expect(greenArrow.createUser(newUser)).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
    });

    it('answers VENDOR_BAD_RESPONSE for JSON that does not fit the contract, on every route', async () => {
      sim.setFault('*', { malformed: 'shape' });
      const failures = await Promise.all([
        greenArrow.listUsers().catch((error: unknown) => error),
        greenArrow.getUser('1').catch((error: unknown) => error),
        greenArrow.createUser(newUser).catch((error: unknown) => error),
        greenArrow.updateUser('2', { email: 'shape@example.net' }).catch((error: unknown) => error),
        greenArrow.deleteUser('3').catch((error: unknown) => error),
        greenArrow.listMailClasses().catch((error: unknown) => error),
        greenArrow.getMailClass('1').catch((error: unknown) => error),
      ]);
      for (const failure of failures)
        expect(failure).toMatchObject({ code: 'VENDOR_BAD_RESPONSE', source: 'GREENARROW' });
      expect((failures[0] as Error).message).toMatch(
        /listUsers answered HTTP 200 with a body that does not match its contract/,
      );
      expect(greenArrow.http.health.lastError?.code).toBe('VENDOR_BAD_RESPONSE');
    });

    it('reads a 2xx envelope that says success: false by its error code and messages', async () => {
      let answer: SimResponse = { status: 200, body: {} };
      const spy = new Simulator({
        name: 'greenarrow-spy',
        errorResponse: (status, message) => ({ status, body: failureEnvelope('not_found', message) }),
      })
        .route('getUser', 'GET', `${USERS}/:idOrEmail`, () => answer)
        .route('createUser', 'POST', USERS, () => answer);
      const client = new GreenArrowClient(settings({ baseUrl: await spy.listen() }), { logger: silentLogger });
      try {
        answer = { status: 200, body: failureEnvelope('not_found', 'No such user') };
        await expect(client.getUser('1')).rejects.toMatchObject({
          code: 'VENDOR_NOT_FOUND',
          status: 200,
          vendorCode: 'not_found',
          vendorMessage: 'No such user',
        });
        answer = {
          status: 200,
          body: failureEnvelope('validation_error', 'Email has already been taken', 'Password is too short'),
        };
        await expect(client.createUser(newUser)).rejects.toMatchObject({
          code: 'VENDOR_CONFLICT',
          vendorMessage: 'Email has already been taken; Password is too short',
        });
        answer = { status: 200, body: failureEnvelope('quota_exceeded', 'Too many users') };
        await expect(client.createUser(newUser)).rejects.toMatchObject({
          code: 'VENDOR_REJECTED',
          vendorCode: 'quota_exceeded',
        });
        answer = { status: 200, body: failureEnvelope('unauthorized', 'Session expired') };
        await expect(client.getUser('1')).rejects.toMatchObject({ code: 'VENDOR_UNAUTHORIZED' });
        answer = { status: 200, body: failureEnvelope('server_error', 'Database unavailable') };
        await expect(client.createUser(newUser)).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
        answer = { status: 403, body: '<html>Forbidden</html>' };
        await expect(client.getUser('1')).rejects.toMatchObject({
          code: 'VENDOR_UNAUTHORIZED',
          status: 403,
          vendorMessage: undefined,
        });
        expect(spy.calls()).toEqual({ getUser: 3, createUser: 3 });
      } finally {
        await client.close();
        await spy.close();
      }
    });

    it('stops walking pages when the vendor repeats a page token', async () => {
      const user = {
        id: 1,
        email: 'loop@example.net',
        permissions: { injection: 'yes', api: 'yes', ui: 'yes' },
        is_disabled: false,
        force_mail_class: null,
      };
      const loop = new Simulator({
        name: 'greenarrow-loop',
        errorResponse: (status, message) => ({ status, body: failureEnvelope('not_found', message) }),
      }).route('listUsers', 'GET', USERS, () => ({
        status: 200,
        body: {
          success: true,
          data: {
            users: [user],
            pagination: { page: 0, per_page: 1, num_pages: 2, num_records: 2, next_page_token: 'same' },
          },
          error_code: null,
          error_messages: null,
        },
      }));
      const client = new GreenArrowClient(settings({ baseUrl: await loop.listen() }), { logger: silentLogger });
      try {
        await expect(collect(client.users())).rejects.toMatchObject({
          code: 'VENDOR_BAD_RESPONSE',
          source: 'GREENARROW',
        });
        expect(loop.calls('listUsers')).toBe(2);
      } finally {
        await client.close();
        await loop.close();
      }
    });

    it('fails with VENDOR_BAD_RESPONSE, recorded for health, when the simulator repeats its page token', async () => {
      sim.setFault('listUsers', faultSchema.parse(JSON.parse('{"repeatPageToken": true}')));
      await expect(collect(greenArrow.users())).rejects.toMatchObject({
        code: 'VENDOR_BAD_RESPONSE',
        source: 'GREENARROW',
        retryable: true,
      });
      expect(sim.calls()).toEqual({ listUsers: 2 });
      expect(greenArrow.http.health.lastError).toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
      const [first, second] = sim.callLog('listUsers');
      expect(first.search).toBe('');
      expect(second.search).toMatch(/^\?page_token=/);

      sim.resetCalls();
      sim.store.insert(bulk(250));
      await expect(collect(greenArrow.users())).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
      expect(sim.calls()).toEqual({ listUsers: 2 });
    });

    it('repeats the token it was asked for under that fault, and only on a paged route', async () => {
      sim.store.insert(bulk(250));
      sim.setFault('*', { repeatPageToken: true });
      const first = await greenArrow.listUsers();
      const second = await greenArrow.listUsers({ pageToken: first.next! });
      expect(second.next).toBe(first.next);
      expect(second.items[0].externalId).toBe('101');
      expect(await greenArrow.getUser('1')).toMatchObject({ externalId: '1' });
      // Found on the first page, so the walk stops before it would repeat.
      expect(await greenArrow.findMailClassByName('bulk')).toEqual({ id: '3', name: 'bulk' });
      await expect(greenArrow.findMailClassByName('newsletters')).rejects.toMatchObject({
        code: 'VENDOR_BAD_RESPONSE',
      });
      expect(() => sim.setFault('getUser', { repeatPageToken: true })).toThrow(
        'greenarrow: route "getUser" is not a paged listing, so it cannot repeatPageToken (paged routes: listUsers, listMailClasses)',
      );
      sim.setFault('*', null);
      expect((await greenArrow.listUsers({ pageToken: first.next! })).next).not.toBe(first.next);
    });
  });

  describe('mail classes', () => {
    it('lists the mail classes in id order, and filters by an exact name in any case', async () => {
      const all = await greenArrow.listMailClasses();
      expect(all).toEqual({
        items: [
          { id: '1', name: 'transactional' },
          { id: '2', name: 'marketing' },
          { id: '3', name: 'bulk' },
        ],
        total: 3,
        next: null,
        page: 0,
        perPage: 100,
        numPages: 1,
      });
      expect((await greenArrow.listMailClasses({ name: 'MARKETING' })).items).toEqual([{ id: '2', name: 'marketing' }]);
      expect((await greenArrow.listMailClasses({ name: 'market' })).items).toEqual([]);
      expect(sim.callLog('listMailClasses').map((call) => call.search)).toEqual([
        '',
        '?name=MARKETING',
        '?name=market',
      ]);
    });

    it('pages the mail classes with page tokens, like the users', async () => {
      const paged = new GreenArrowSimulator({ username: USERNAME, password: PASSWORD, perPage: 2 });
      const client = new GreenArrowClient(settings({ baseUrl: await paged.listen() }), { logger: silentLogger });
      try {
        const first = await client.listMailClasses();
        expect(first).toMatchObject({ total: 3, numPages: 2, next: expect.any(String) });
        const second = await client.listMailClasses({ pageToken: first.next! });
        expect([...first.items, ...second.items].map((mailClass) => mailClass.name)).toEqual([
          'transactional',
          'marketing',
          'bulk',
        ]);
        expect(second.next).toBeNull();
      } finally {
        await client.close();
        await paged.close();
      }
    });

    it('gets a mail class by id; an unknown id answers the not-found envelope with 404, a non-numeric one no call', async () => {
      expect(await greenArrow.getMailClass('3')).toEqual({ id: '3', name: 'bulk' });
      await expect(greenArrow.getMailClass('99')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        status: 404,
        vendorCode: 'not_found',
        vendorMessage: messages.mailClassNotFound,
      });
      await expect(greenArrow.getMailClass('../users')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        status: undefined,
      });
      expect(sim.calls()).toEqual({ getMailClass: 2 });
      const raw = await send('GET', '/ga/api/v3/eng/mail_classes/99');
      expect(raw.status).toBe(404);
      expect(raw.json).toEqual(failureEnvelope('not_found', messages.mailClassNotFound));
      expect((await send('GET', `${USERS}/9999`)).json).toEqual(failureEnvelope('not_found', messages.userNotFound));
    });

    it('finds a mail class by its exact name, the way a write names one, or answers null', async () => {
      expect(await greenArrow.findMailClassByName('marketing')).toEqual({ id: '2', name: 'marketing' });
      // The vendor's filter ignores case, but a write with "Marketing" is refused, so this answers null.
      expect(await greenArrow.findMailClassByName('Marketing')).toBeNull();
      expect(await greenArrow.findMailClassByName('newsletters')).toBeNull();
      expect(await greenArrow.findMailClassByName(' ')).toBeNull();
      expect(sim.calls()).toEqual({ listMailClasses: 3 });
      await expect(
        greenArrow.createUser({
          ...newUser,
          permissions: { ...newUser.permissions, mailClass: { name: 'Marketing' } },
        }),
      ).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
      });
    });
  });

  describe('configuration', () => {
    it('fails fast on settings it cannot use, without echoing the password', () => {
      expect(() => new GreenArrowClient(settings({ password: '' }), { logger: silentLogger })).toThrow(
        'GreenArrowClient: password must be a non-empty string',
      );
      expect(() => new GreenArrowClient(settings({ username: 'a:b' }), { logger: silentLogger })).toThrow(
        /username must be a non-empty string without ":"/,
      );
      expect(() => new GreenArrowClient(settings({ pageSize: 0 }), { logger: silentLogger })).toThrow(
        /pageSize must be a positive integer/,
      );
      expect(() => new GreenArrowSimulator({ username: USERNAME, password: PASSWORD, perPage: 0 })).toThrow(/perPage/);
      expect(() => new GreenArrowSimulator({ username: USERNAME, password: PASSWORD, validationStatus: 500 })).toThrow(
        /validationStatus/,
      );
      expect(greenArrow.pageSize).toBe(100);
    });

    it('takes its validation status, error codes and mail classes from options', async () => {
      const custom = new GreenArrowSimulator({
        username: USERNAME,
        password: PASSWORD,
        seed: false,
        validationStatus: 400,
        invalidJsonStatus: 415,
        errorCodes: { validation: 'invalid', notFound: 'missing' },
        mailClasses: [{ id: 7, name: 'alerts' }],
      });
      const client = new GreenArrowClient(settings({ baseUrl: await custom.listen() }), { logger: silentLogger });
      const pool = new Pool(custom.url, { connections: 1 });
      try {
        expect(custom.store.size).toBe(0);
        const user = await client.createUser({
          ...newUser,
          permissions: { ...newUser.permissions, mailClass: { name: 'alerts' } },
        });
        expect(user.permissions.mailClass).toEqual({ id: '7', name: 'alerts' });
        await expect(client.createUser(newUser)).rejects.toMatchObject({
          code: 'VENDOR_CONFLICT',
          status: 400,
          vendorCode: 'invalid',
        });
        await expect(
          client.updateUser(user.externalId, { permissions: { mailClass: { id: '1' } } }),
        ).rejects.toMatchObject({
          code: 'VENDOR_REJECTED',
          status: 400,
          vendorCode: 'invalid',
        });
        await expect(client.getUser('42')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND', vendorCode: 'missing' });
        const badJson = await request(`${custom.url}${USERS}`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}` },
          body: '{',
          dispatcher: pool,
        });
        expect(badJson.statusCode).toBe(415);
        expect(await badJson.body.json()).toEqual(failureEnvelope('invalid', messages.invalidJson));
      } finally {
        await client.close();
        await pool.destroy();
        await custom.close();
      }
    });

    it('starts empty without the seed, and store misuse says what is wrong', () => {
      const empty = new GreenArrowSimulator({ username: USERNAME, password: PASSWORD, seed: false });
      expect(empty.store.size).toBe(0);
      expect(empty.routeNames).toEqual([
        'listUsers',
        'getUser',
        'createUser',
        'updateUser',
        'deleteUser',
        'listMailClasses',
        'getMailClass',
      ]);
      const inserted = empty.store.insert({ email: 'A@x.io', permissions: { ui: 'no' }, mailClassId: '2' });
      expect(inserted).toEqual({
        id: 1,
        email: 'A@x.io',
        permissions: { injection: 'yes', api: 'yes', ui: 'no' },
        is_disabled: false,
        force_mail_class: { id: 2, name: 'marketing' },
      });
      expect(empty.store.findByEmail('a@X.IO')).toEqual(inserted);
      expect(() => empty.store.insert({ email: 'a@x.io' })).toThrow(`GreenArrowStore: ${messages.emailTaken} (user 1)`);
      expect(() => empty.store.insert({ email: 'b@x.io', mailClassId: 9 })).toThrow(
        'GreenArrowStore: mail class 9 does not exist (known: 1, 2, 3)',
      );
      expect(empty.store.insert(bulk(3)).map((user) => user.id)).toEqual([2, 3, 4]);
      expect(empty.store.all()).toHaveLength(4);
      empty.reset();
      expect(empty.store.size).toBe(0);
    });
  });
});
