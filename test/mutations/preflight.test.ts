import type { Source } from '../../src/domain/types';
import { seedPeople } from '../../src/simulators/kit/seed';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * The writes' pre-flight checks, tried through GraphQL over HTTP against the simulators: every refusal a vendor
 * could foresee with a read comes back before any vendor is written; what cannot be changed is
 * reported, not silently split; a create that landed but timed out is found, not orphaned.
 */
const FIELDS =
  'user { id email identities { source externalId } } results { source status externalId retryable error { field code message source } } userErrors { field message code source }';
const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateUserInput!) { updateUser(input: $input) { ${FIELDS} } }`;
const PASSWORD = `mutation Password($input: ChangePasswordInput!) { changePassword(input: $input) { ${FIELDS} } }`;
const PERMISSIONS = `mutation Permissions($input: SetPermissionsInput!) { setPermissions(input: $input) { ${FIELDS} } }`;

interface Problem {
  field: string[] | null;
  message: string;
  code: string;
  source: Source | null;
}
interface Payload {
  user: { id: string; email: string; identities: { source: Source; externalId: string }[] } | null;
  results: { source: Source; status: string; externalId: string | null; retryable: boolean; error: Problem | null }[];
  userErrors: Problem[];
}

let counter = 0;
function person(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `preflight${counter}@example.org`,
    password: 'Preflight-Pass-1',
    firstName: 'Pre',
    lastName: `Flight${counter}`,
    country: 'India',
    phone: `+91${String(7000000000 + counter)}`,
    accountId: '2',
    username: `preflight${counter}`,
    ...overrides,
  };
}

describe('writes checked before any vendor is written', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ VENDOR_RETRIES: '0', VENDOR_TIMEOUT_MS: '1000' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  const sims = () => app.simulators.simulators;

  async function send(query: string, input: Record<string, unknown>): Promise<Payload> {
    const response = await graphql<Record<string, Payload>>(app, query, { input });
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0];
  }

  /** Every call that is not a read, at every vendor. */
  function writeCalls(): Record<string, number> {
    const writes: Record<string, number> = {};
    for (const [source, simulator] of Object.entries(sims())) {
      const count = simulator.callLog().filter((call) => call.method !== 'GET').length;
      if (count > 0) writes[source] = count;
    }
    return writes;
  }

  /** How many records with this email each vendor holds. */
  function recordsOf(email: string): Record<Source, number> {
    return {
      RAINMAKER: sims().RAINMAKER!.store.has(email) ? 1 : 0,
      ENGAGEMENT: sims()
        .ENGAGEMENT!.store.all()
        .filter((member) => member.email === email).length,
      GREENARROW: sims()
        .GREENARROW!.store.all()
        .filter((user) => user.email === email).length,
      USER_MANAGEMENT: sims()
        .USER_MANAGEMENT!.store.all()
        .filter((user) => user.emailAddress === email).length,
    };
  }

  describe('createUser refuses, with the field at fault and no vendor written', () => {
    const seeded = seedPeople();

    it.each([
      [
        'an account user-management does not have',
        () => person({ accountId: '999' }),
        ['input', 'accountId'],
        'ACCOUNT_NOT_FOUND',
        'USER_MANAGEMENT',
      ],
      [
        'a username the account already lists',
        () => person({ username: seeded[1].username.toUpperCase(), accountId: seeded[1].accountId }),
        ['input', 'username'],
        'USERNAME_TAKEN',
        'USER_MANAGEMENT',
      ],
      [
        'a mail class GreenArrow does not have',
        () => person({ permissions: { mailClass: { name: 'no-such-class' } } }),
        ['input', 'permissions', 'mailClass', 'name'],
        'MAIL_CLASS_NOT_FOUND',
        'GREENARROW',
      ],
      [
        'a mail class id GreenArrow does not have',
        () => person({ permissions: { mailClass: { id: '999' } } }),
        ['input', 'permissions', 'mailClass', 'id'],
        'MAIL_CLASS_NOT_FOUND',
        'GREENARROW',
      ],
      [
        'a mail class id and name that name different classes',
        () => person({ permissions: { mailClass: { id: '1', name: 'bulk' } } }),
        ['input', 'permissions', 'mailClass'],
        'INVALID_INPUT',
        'GREENARROW',
      ],
      [
        'a mobile number Engagement already holds',
        () => person({ phone: seeded.find((p) => p.in.engagement)!.phone }),
        ['input', 'phone'],
        'PHONE_TAKEN',
        'ENGAGEMENT',
      ],
    ])('%s', async (_, input, field, code, source) => {
      const payload = await send(CREATE, input());
      expect(payload.userErrors).toContainEqual(expect.objectContaining({ field, code, source }));
      expect(payload.results).toEqual([]);
      expect(payload.user).toBeNull();
      expect(writeCalls()).toEqual({});
    });

    it('an email GreenArrow holds for someone the gateway has never seen: RainMaker is not written (no welcome message)', async () => {
      const input = person();
      sims().GREENARROW!.store.insert([{ email: input.email, permissions: { api: 'no', ui: 'no', injection: 'no' } }]);
      const payload = await send(CREATE, input);
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'email'], code: 'EMAIL_TAKEN', source: 'GREENARROW' }),
      ]);
      expect(writeCalls()).toEqual({});
      expect(sims().RAINMAKER!.store.has(input.email)).toBe(false);
    });

    it('an email Engagement holds', async () => {
      const input = person();
      const member = seeded.find((p) => p.in.engagement && !p.in.greenarrow)!;
      const payload = await send(CREATE, {
        ...input,
        email: member.email.toUpperCase(),
        phone: undefined,
        sources: ['ENGAGEMENT', 'RAINMAKER'],
      });
      expect(payload.userErrors).toContainEqual(
        expect.objectContaining({ field: ['input', 'email'], code: 'EMAIL_TAKEN', source: 'ENGAGEMENT' }),
      );
      expect(writeCalls()).toEqual({});
    });

    it('a vendor that cannot be read during the checks stops the create with nothing written', async () => {
      sims().GREENARROW!.setFault('getUser', { status: 503 });
      const payload = await send(CREATE, person());
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: null, code: 'VENDOR_UNAVAILABLE', source: 'GREENARROW' }),
      ]);
      expect(writeCalls()).toEqual({});
    });
  });

  it("a refusal only the vendor could make still names the field, in the gateway's own words", async () => {
    const input = person();
    // Created at RainMaker behind the gateway's back: no read could have seen it.
    sims().RAINMAKER!.store.insert({ userName: input.email, password: 'Someone-Elses-1' });
    const payload = await send(CREATE, input);
    const rainMaker = payload.results.find((result) => result.source === 'RAINMAKER')!;
    expect(rainMaker).toMatchObject({
      status: 'FAILED',
      error: { field: ['input', 'email'], code: 'VENDOR_CONFLICT', source: 'RAINMAKER' },
    });
    expect(rainMaker.error!.message).toBe('RainMaker: a user with this user name already exists');
    expect(payload.results.filter((result) => result.source !== 'RAINMAKER').map((result) => result.status)).toEqual([
      'ROLLED_BACK',
      'ROLLED_BACK',
      'ROLLED_BACK',
    ]);
  });

  describe('no silent split', () => {
    it('updateUser of email reports the vendors that keep the old address, and the person is found by either', async () => {
      const input = person();
      const created = await send(CREATE, input);
      expect(created.userErrors).toEqual([]);
      const newEmail = `moved.${input.email}`;
      const payload = await send(UPDATE, { id: created.user!.id, email: newEmail });
      expect(payload.userErrors).toEqual([]);
      const bySource = Object.fromEntries(payload.results.map((result) => [result.source, result]));
      expect(bySource['GREENARROW'].status).toBe('SUCCEEDED');
      expect(bySource['USER_MANAGEMENT'].status).toBe('SUCCEEDED');
      for (const source of ['RAINMAKER', 'ENGAGEMENT']) {
        expect(bySource[source]).toMatchObject({ status: 'SKIPPED', error: { code: 'NOT_SUPPORTED', source } });
        expect(bySource[source].error!.message).toMatch(/\bemail\b/);
      }
      expect(payload.user!.email).toBe(newEmail);
      const find = async (email: string) =>
        (
          await graphql<{ user: { id: string } | null }>(app, 'query U($e: String) { user(email: $e) { id } }', {
            e: email,
          })
        ).data!.user;
      expect(await find(newEmail)).toEqual({ id: created.user!.id });
      expect(await find(input.email)).toEqual({ id: created.user!.id });
      expect(recordsOf(input.email)).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 0, USER_MANAGEMENT: 0 });
      expect(recordsOf(newEmail)).toEqual({ RAINMAKER: 0, ENGAGEMENT: 0, GREENARROW: 1, USER_MANAGEMENT: 1 });
    });

    it('updateUser to an email GreenArrow holds for someone else is refused before any write', async () => {
      const created = await send(CREATE, person());
      const other = `other.${counter}@example.org`;
      sims().GREENARROW!.store.insert([{ email: other, permissions: { api: 'no', ui: 'no', injection: 'no' } }]);
      resetCounters(app);
      const payload = await send(UPDATE, { id: created.user!.id, email: other });
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'email'], code: 'EMAIL_TAKEN', source: 'GREENARROW' }),
      ]);
      expect(writeCalls()).toEqual({});
    });

    it('changePassword at a vendor that keeps no passwords says so', async () => {
      const created = await send(CREATE, person());
      resetCounters(app);
      const payload = await send(PASSWORD, {
        id: created.user!.id,
        password: 'Another-Pass-2',
        sources: ['ENGAGEMENT'],
      });
      expect(payload.results).toEqual([
        expect.objectContaining({
          source: 'ENGAGEMENT',
          status: 'SKIPPED',
          error: expect.objectContaining({ code: 'NOT_SUPPORTED', message: 'Engagement keeps no passwords' }),
        }),
      ]);
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'sources'], code: 'NOT_SUPPORTED' }),
      ]);
      expect(writeCalls()).toEqual({});
    });

    it('setPermissions with a mail class id and name that disagree is refused before the write', async () => {
      const created = await send(CREATE, person());
      resetCounters(app);
      const payload = await send(PERMISSIONS, {
        id: created.user!.id,
        permissions: { mailClass: { id: '1', name: 'bulk' } },
      });
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'permissions', 'mailClass'], source: 'GREENARROW' }),
      ]);
      expect(writeCalls()).toEqual({});
    });

    it('UpdateUserInput offers only fields some vendor can change', async () => {
      const response = await graphql(
        app,
        'mutation { updateUser(input: { id: "x", country: "France" }) { userErrors { code } } }',
      );
      expect(response.status).toBe(400);
      expect(response.errors![0].message).toMatch(/"country" is not defined by type "UpdateUserInput"/);
    });
  });

  describe('a create that landed but never answered', () => {
    it('is found and rolled back with the rest when another vendor fails; a retry succeeds with one record per vendor', async () => {
      const input = person();
      sims().GREENARROW!.setFault('createUser', { hang: 'afterWork' });
      sims().USER_MANAGEMENT!.setFault('addUser', { status: 500 });
      const first = await send(CREATE, input);
      const greenArrow = first.results.find((result) => result.source === 'GREENARROW')!;
      expect(greenArrow.status).toBe('ROLLED_BACK');
      expect(first.results.find((result) => result.source === 'USER_MANAGEMENT')!.status).toBe('FAILED');
      expect(recordsOf(input.email)).toEqual({ RAINMAKER: 0, ENGAGEMENT: 0, GREENARROW: 0, USER_MANAGEMENT: 0 });

      sims().GREENARROW!.clearFaults();
      sims().USER_MANAGEMENT!.clearFaults();
      const retry = await send(CREATE, input);
      expect(retry.userErrors).toEqual([]);
      expect(retry.results.map((result) => result.status)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
      expect(recordsOf(input.email)).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
    });

    it('is adopted when everything else succeeded', async () => {
      const input = person();
      sims().GREENARROW!.setFault('createUser', { hang: 'afterWork' });
      const payload = await send(CREATE, input);
      expect(payload.userErrors).toEqual([]);
      const greenArrow = payload.results.find((result) => result.source === 'GREENARROW')!;
      expect(greenArrow.status).toBe('SUCCEEDED');
      expect(greenArrow.externalId).toBe(
        String(
          sims()
            .GREENARROW!.store.all()
            .find((user) => user.email === input.email)!.id,
        ),
      );
      expect(recordsOf(input.email)).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
      expect(sims().GREENARROW!.calls('createUser')).toBe(1);
    });
  });
});
