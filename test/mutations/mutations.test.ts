import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Source } from '../../src/domain/types';
import { createLogger } from '../../src/platform/logger';
import { hashInput, inputSecrets } from '../../src/store';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * The five mutations through GraphQL over HTTP against the simulators: success, validation that
 * writes nothing, partial failure under each policy, concurrency, idempotency, and secrets.
 */
const PASSWORDS = [
  'Secret-Pass-Create-1',
  'Secret-Pass-Change-2',
  'Secret-Pass-Idem-3',
  'Secret-Pass-Conc-4',
  'Secret-Pass-Keep-5',
];
const RESULT_FIELDS =
  'user { id email displayName permissions { api ui injection } identities { source externalId } } results { source status externalId retryable error { code message source } } userErrors { field message code source } replayed';

interface Result {
  source: Source;
  status: string;
  externalId: string | null;
  retryable: boolean;
  error: { code: string; message: string; source: Source | null } | null;
}
interface Payload {
  user: {
    id: string;
    email: string;
    displayName: string | null;
    permissions: { api: string; ui: string; injection: string } | null;
    identities: { source: Source; externalId: string }[];
  } | null;
  results: Result[];
  userErrors: { field: string[] | null; message: string; code: string; source: Source | null }[];
  replayed: boolean;
}

let counter = 0;
/** A complete createUser input that every vendor accepts, for a new person each time. */
function person(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `mutant${counter}@example.org`,
    password: PASSWORDS[0],
    firstName: 'Mu',
    lastName: `Tant${counter}`,
    country: 'India',
    accountId: '2',
    username: `mutant${counter}`,
    locale: 'EN_GB',
    subscriptions: { email: true, sms: false, voice: true },
    permissions: { injection: 'SMTP_ONLY', api: 'READ_ONLY', ui: 'STATS_ONLY' },
    ...overrides,
  };
}

/** Only store-backed user fields: resolving this payload calls no vendor, so counters see writes alone. */
const LIGHT_FIELDS =
  'user { id email identities { source externalId } } results { source status externalId retryable error { code message source } } userErrors { field message code source } replayed';
const CREATE_LIGHT = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { ${LIGHT_FIELDS} } }`;
const UPDATE_LIGHT = `mutation Update($input: UpdateUserInput!) { updateUser(input: $input) { ${LIGHT_FIELDS} } }`;
const PASSWORD_LIGHT = `mutation Password($input: ChangePasswordInput!) { changePassword(input: $input) { ${LIGHT_FIELDS} } }`;
const PERMISSIONS_LIGHT = `mutation Permissions($input: SetPermissionsInput!) { setPermissions(input: $input) { ${LIGHT_FIELDS} } }`;
const DELETE_LIGHT = `mutation Delete($input: DeleteUserInput!) { deleteUser(input: $input) { ${LIGHT_FIELDS} } }`;
const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { ${RESULT_FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateUserInput!) { updateUser(input: $input) { ${RESULT_FIELDS} } }`;
const PASSWORD = `mutation Password($input: ChangePasswordInput!) { changePassword(input: $input) { ${RESULT_FIELDS} } }`;
const PERMISSIONS = `mutation Permissions($input: SetPermissionsInput!) { setPermissions(input: $input) { ${RESULT_FIELDS} } }`;
const DELETE = `mutation Delete($input: DeleteUserInput!) { deleteUser(input: $input) { ${RESULT_FIELDS} } }`;

describe('mutations', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-mutations-'));
  // Given, not generated, so that a test can journal an operation as the gateway would, on either engine.
  const journalKey = 'mutations-test-journal-key-0123456789';
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway(
      { DATA_DIR: dataDir, JOURNAL_KEY: journalKey, VENDOR_RETRIES: '0', VENDOR_TIMEOUT_MS: '1500' },
      logger,
    );
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => resetCounters(app));

  async function send(query: string, input: Record<string, unknown>): Promise<Payload> {
    const response = await graphql<Record<string, Payload>>(app, query, { input });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0];
  }
  const statuses = (payload: Payload) =>
    Object.fromEntries(payload.results.map((result) => [result.source, result.status]));
  const sims = () => app.simulators.simulators;
  const createCalls = () => ({
    RAINMAKER: sims().RAINMAKER!.calls('createUser'),
    ENGAGEMENT: sims().ENGAGEMENT!.calls('createMember'),
    GREENARROW: sims().GREENARROW!.calls('createUser'),
    USER_MANAGEMENT: sims().USER_MANAGEMENT!.calls('addUser'),
  });
  /** Whether each vendor holds a record with this email. */
  const heldBy = (email: string) => ({
    RAINMAKER: sims().RAINMAKER!.store.has(email),
    ENGAGEMENT: sims()
      .ENGAGEMENT!.store.all()
      .some((member) => member.email === email),
    GREENARROW: sims()
      .GREENARROW!.store.all()
      .some((user) => user.email === email),
    USER_MANAGEMENT: sims()
      .USER_MANAGEMENT!.store.all()
      .some((user) => user.emailAddress === email),
  });
  const everywhere = { RAINMAKER: true, ENGAGEMENT: true, GREENARROW: true, USER_MANAGEMENT: true };
  const nowhere = { RAINMAKER: false, ENGAGEMENT: false, GREENARROW: false, USER_MANAGEMENT: false };

  async function created(overrides: Record<string, unknown> = {}): Promise<NonNullable<Payload['user']>> {
    const payload = await send(CREATE, person(overrides));
    expect(payload.userErrors).toEqual([]);
    resetCounters(app);
    return payload.user!;
  }

  describe('createUser', () => {
    it('writes all four vendors and links one user to the four records', async () => {
      const input = person();
      const payload = await send(CREATE, input);
      expect(payload.userErrors).toEqual([]);
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'SUCCEEDED',
        ENGAGEMENT: 'SUCCEEDED',
        GREENARROW: 'SUCCEEDED',
        USER_MANAGEMENT: 'SUCCEEDED',
      });
      expect(payload.user).toMatchObject({
        email: input.email,
        displayName: 'Mu ' + input.lastName,
        permissions: { api: 'READ_ONLY', ui: 'STATS_ONLY', injection: 'SMTP_ONLY' },
      });
      expect(payload.user!.identities.map((identity) => [identity.source, identity.externalId]).sort()).toEqual(
        payload.results.map((result) => [result.source, result.externalId]).sort(),
      );
      expect(createCalls()).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
      expect(heldBy(input.email)).toEqual(everywhere);
      expect(sims().RAINMAKER!.store.get(input.email)?.locale).toBe('en_gb');
    });

    it('validates every targeted vendor before writing anything', async () => {
      const payload = await send(CREATE_LIGHT, {
        email: 'not-an-email',
        password: 'short',
        country: 'USA',
        accountId: 'x',
      });
      expect(payload.results).toEqual([]);
      expect(payload.user).toBeNull();
      const bySource = (source: Source) =>
        payload.userErrors.filter((error) => error.source === source).map((error) => error.field!.join('.'));
      expect(bySource('RAINMAKER')).toEqual(expect.arrayContaining(['input.email', 'input.password']));
      expect(bySource('ENGAGEMENT')).toEqual(
        expect.arrayContaining(['input.firstName', 'input.lastName', 'input.state']),
      );
      expect(bySource('USER_MANAGEMENT')).toEqual(expect.arrayContaining(['input.accountId', 'input.username']));
      expect(payload.userErrors.every((error) => error.code === 'INVALID_INPUT')).toBe(true);
      expect(vendorCalls(app)).toEqual({});
    });

    it('asks for an email or a phone, and refuses the reserved locale, writing nothing', async () => {
      const noContact = await send(CREATE_LIGHT, { password: PASSWORDS[0], sources: ['GREENARROW'] });
      expect(noContact.userErrors[0]).toMatchObject({ field: ['input', 'email'], code: 'INVALID_INPUT' });
      const reserved = await send(CREATE_LIGHT, person({ locale: 'RM_NON_BRANDED', sources: ['RAINMAKER'] }));
      expect(reserved.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'locale'], source: 'RAINMAKER' }),
      ]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('narrows to the given sources and skips what is not configured or asked', async () => {
      const input = person({ sources: ['GREENARROW', 'USER_MANAGEMENT'] });
      const payload = await send(CREATE, input);
      expect(statuses(payload)).toEqual({ GREENARROW: 'SUCCEEDED', USER_MANAGEMENT: 'SUCCEEDED' });
      expect(heldBy(input.email)).toEqual({ ...nowhere, GREENARROW: true, USER_MANAGEMENT: true });
    });

    it('rolls back the vendors that succeeded when one fails (default policy)', async () => {
      sims().ENGAGEMENT!.setFault('createMember', { status: 500 });
      const input = person();
      const payload = await send(CREATE, input);
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'ROLLED_BACK',
        ENGAGEMENT: 'FAILED',
        GREENARROW: 'ROLLED_BACK',
        USER_MANAGEMENT: 'ROLLED_BACK',
      });
      expect(payload.results.find((result) => result.source === 'ENGAGEMENT')).toMatchObject({
        retryable: true,
        error: { code: 'VENDOR_UNAVAILABLE', source: 'ENGAGEMENT' },
      });
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'VENDOR_UNAVAILABLE', source: 'ENGAGEMENT' }),
      ]);
      expect(payload.user).toBeNull();
      expect(heldBy(input.email)).toEqual(nowhere);
      expect(
        (await graphql<{ user: unknown }>(app, 'query U($e: String) { user(email: $e) { id } }', { e: input.email }))
          .data!.user,
      ).toBeNull();
    });

    it('keeps and links the vendors that succeeded with KEEP', async () => {
      sims().GREENARROW!.setFault('createUser', { status: 503 });
      const input = person({ onPartialFailure: 'KEEP', password: PASSWORDS[4] });
      const payload = await send(CREATE, input);
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'SUCCEEDED',
        ENGAGEMENT: 'SUCCEEDED',
        GREENARROW: 'FAILED',
        USER_MANAGEMENT: 'SUCCEEDED',
      });
      expect(payload.user!.identities.map((identity) => identity.source).sort()).toEqual([
        'ENGAGEMENT',
        'RAINMAKER',
        'USER_MANAGEMENT',
      ]);
      expect(heldBy(input.email)).toEqual({ ...everywhere, GREENARROW: false });
    });

    it('reports a rollback that itself fails, as retryable', async () => {
      sims().ENGAGEMENT!.setFault('createMember', { status: 500 });
      sims().USER_MANAGEMENT!.setFault('deleteUser', { status: 500 });
      const input = person();
      const payload = await send(CREATE, input);
      const managed = payload.results.find((result) => result.source === 'USER_MANAGEMENT')!;
      expect(managed).toMatchObject({
        status: 'SUCCEEDED',
        retryable: true,
        error: { code: 'ROLLBACK_FAILED', source: 'USER_MANAGEMENT' },
      });
      expect(statuses(payload)).toMatchObject({
        RAINMAKER: 'ROLLED_BACK',
        GREENARROW: 'ROLLED_BACK',
        ENGAGEMENT: 'FAILED',
      });
      expect(heldBy(input.email)).toEqual({ ...nowhere, USER_MANAGEMENT: true });
    });

    it('moves a stale link to the user the vendor has just created the record for', async () => {
      const input = person();
      const stale = await app.store.identities.createUser({ phone: '+15550009999' });
      await app.store.identities.link(stale.id, { source: 'RAINMAKER', externalId: input.email, status: 'ACTIVE' });
      const payload = await send(CREATE, input);
      expect(payload.userErrors).toEqual([]);
      expect(payload.user!.identities).toContainEqual({ source: 'RAINMAKER', externalId: input.email });
      expect((await app.store.identities.identitiesByUserIds([stale.id])).get(stale.id)).toEqual([]);
      const warning = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry['from'] === stale.id);
      expect(warning).toMatchObject({
        msg: expect.stringMatching(/stale identity link moved/),
        source: 'RAINMAKER',
        to: payload.user!.id,
      });
    });

    it('answers a duplicate at one vendor as a non-retryable conflict', async () => {
      const existing = await created();
      const payload = await send(CREATE, person({ email: existing.email, sources: ['ENGAGEMENT'] }));
      // The gateway knows this person has an Engagement record: refused before any vendor is asked.
      expect(payload.results).toEqual([]);
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'email'], source: 'ENGAGEMENT', code: 'EMAIL_TAKEN' }),
      ]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('calls the vendors concurrently: with each delayed, the four calls overlap', async () => {
      const routes: [keyof ReturnType<typeof sims>, string][] = [
        ['RAINMAKER', 'createUser'],
        ['ENGAGEMENT', 'createMember'],
        ['GREENARROW', 'createUser'],
        ['USER_MANAGEMENT', 'addUser'],
      ];
      for (const [source, route] of routes) sims()[source]!.setFault(route, { latencyMs: 50 });
      const payload = await send(CREATE, person({ password: PASSWORDS[3] }));
      expect(payload.userErrors).toEqual([]);
      const calls = routes.map(([source, route]) => sims()[source]!.callLog(route)[0]);
      // Every call started before any call ended: they were all in flight at once.
      const lastStart = Math.max(...calls.map((call) => call.startedAt));
      const firstEnd = Math.min(...calls.map((call) => call.endedAt!));
      expect(lastStart).toBeLessThan(firstEnd);
    });
  });

  describe('updateUser', () => {
    it('changes each field at the vendors that hold it, and the gateway email', async () => {
      const user = await created();
      const email = `renamed.${user.email}`;
      const payload = await send(UPDATE, { id: user.id, email, displayName: 'Renamed Person' });
      expect(payload.userErrors).toEqual([]);
      // RainMaker and Engagement keep the email but cannot change it: they say so.
      expect(statuses(payload)).toEqual({
        GREENARROW: 'SUCCEEDED',
        USER_MANAGEMENT: 'SUCCEEDED',
        RAINMAKER: 'SKIPPED',
        ENGAGEMENT: 'SKIPPED',
      });
      expect(payload.user).toMatchObject({ email, displayName: 'Renamed Person' });
      // The pre-flight read (is the new email free at GreenArrow?), the writes, and the reads that
      // resolve the payload's displayName and permissions.
      expect(vendorCalls(app)).toEqual({
        GREENARROW: { getUser: 2, updateUser: 1 },
        USER_MANAGEMENT: { modifyUser: 1, getUser: 1 },
      });
    });

    it('skips a vendor asked for that cannot change records, and validates first', async () => {
      const user = await created();
      const skipped = await send(UPDATE, { id: user.id, displayName: 'X', sources: ['ENGAGEMENT', 'USER_MANAGEMENT'] });
      expect(skipped.results.find((result) => result.source === 'ENGAGEMENT')).toMatchObject({
        status: 'SKIPPED',
        error: { code: 'NOT_SUPPORTED' },
      });
      resetCounters(app);
      const invalid = await send(UPDATE_LIGHT, { id: user.id, email: 'nope', username: ' ' });
      expect(invalid.results).toEqual([]);
      expect(invalid.userErrors.map((error) => error.field!.join('.'))).toEqual(
        expect.arrayContaining(['input.email']),
      );
      expect(vendorCalls(app)).toEqual({});
      const other = await created();
      const taken = await send(UPDATE_LIGHT, { id: user.id, email: other.email.toUpperCase(), displayName: 'Taker' });
      expect(taken.userErrors).toEqual([
        {
          field: ['input', 'email'],
          code: 'EMAIL_TAKEN',
          message: 'Another user has this email address',
          source: null,
        },
      ]);
      expect(vendorCalls(app)).toEqual({});
      const unknown = await send(UPDATE, { id: 'usr_unknown', email: 'x@example.org' });
      expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'USER_NOT_FOUND', field: ['input', 'id'] })]);
    });

    it('reports one vendor failing while the other succeeds, without changing the gateway email', async () => {
      const user = await created();
      sims().USER_MANAGEMENT!.setFault('modifyUser', { status: 500 });
      const payload = await send(UPDATE, { id: user.id, email: `partial.${user.email}` });
      expect(statuses(payload)).toEqual({
        GREENARROW: 'SUCCEEDED',
        USER_MANAGEMENT: 'FAILED',
        RAINMAKER: 'SKIPPED',
        ENGAGEMENT: 'SKIPPED',
      });
      expect(payload.results.find((result) => result.source === 'USER_MANAGEMENT')!.retryable).toBe(true);
      expect(payload.user!.email).toBe(user.email);
    });
  });

  describe('changePassword', () => {
    it('sets the password at RainMaker, GreenArrow and user-management', async () => {
      const user = await created();
      const payload = await send(PASSWORD, { id: user.id, password: PASSWORDS[1] });
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'SUCCEEDED',
        GREENARROW: 'SUCCEEDED',
        USER_MANAGEMENT: 'SUCCEEDED',
      });
      expect(sims().RAINMAKER!.store.verifyPassword(user.email, PASSWORDS[1])).toBe(true);
      const ga = user.identities.find((identity) => identity.source === 'GREENARROW')!;
      expect(sims().GREENARROW!.store.verifyPassword(Number(ga.externalId), PASSWORDS[1])).toBe(true);
    });

    it('validates before writing, and reports a partial failure honestly', async () => {
      const user = await created();
      const short = await send(PASSWORD_LIGHT, { id: user.id, password: 'short' });
      expect(short.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'password'], source: 'RAINMAKER' }),
      ]);
      expect(vendorCalls(app)).toEqual({});
      sims().RAINMAKER!.setFault('updatePassword', { hang: true });
      sims().GREENARROW!.setFault('updateUser', { status: 400 });
      const partial = await send(PASSWORD, {
        id: user.id,
        password: PASSWORDS[1],
        sources: ['GREENARROW', 'USER_MANAGEMENT', 'ENGAGEMENT'],
      });
      expect(statuses(partial)).toEqual({ ENGAGEMENT: 'SKIPPED', GREENARROW: 'FAILED', USER_MANAGEMENT: 'SUCCEEDED' });
      expect(partial.results.find((result) => result.source === 'GREENARROW')!.retryable).toBe(false);
      expect(sims().RAINMAKER!.calls()).toEqual({});
    });
  });

  describe('setPermissions', () => {
    it('sets GreenArrow permissions, merging omitted values', async () => {
      const user = await created();
      const payload = await send(PERMISSIONS, {
        id: user.id,
        permissions: { api: 'FULL', mailClass: { name: 'marketing' } },
      });
      expect(payload.userErrors).toEqual([]);
      expect(payload.user!.permissions).toEqual({ api: 'FULL', ui: 'STATS_ONLY', injection: 'SMTP_ONLY' });
      expect(vendorCalls(app)).toMatchObject({ GREENARROW: { updateUser: 1 } });
    });

    it('validates before writing, and reports what GreenArrow refuses or times out on', async () => {
      const user = await created();
      const empty = await send(PERMISSIONS_LIGHT, { id: user.id, permissions: {} });
      expect(empty.results).toEqual([]);
      expect(empty.userErrors).toEqual([
        expect.objectContaining({ field: ['input', 'permissions'], code: 'INVALID_INPUT' }),
      ]);
      expect(vendorCalls(app)).toEqual({});
      // GreenArrow's mail-class listing answers whether the name exists, before the write.
      const unknownClass = await send(PERMISSIONS_LIGHT, {
        id: user.id,
        permissions: { mailClass: { name: 'no-such-class' } },
      });
      expect(unknownClass.results).toEqual([]);
      expect(unknownClass.userErrors).toEqual([
        expect.objectContaining({
          field: ['input', 'permissions', 'mailClass', 'name'],
          source: 'GREENARROW',
          code: 'MAIL_CLASS_NOT_FOUND',
        }),
      ]);
      expect(sims().GREENARROW!.calls('updateUser')).toBe(0);
      sims().GREENARROW!.setFault('updateUser', { hang: true });
      const hung = await send(PERMISSIONS_LIGHT, { id: user.id, permissions: { ui: 'NONE' } });
      expect(hung.results).toEqual([
        expect.objectContaining({
          source: 'GREENARROW',
          status: 'FAILED',
          retryable: true,
          error: expect.objectContaining({ code: 'VENDOR_TIMEOUT' }),
        }),
      ]);
    }, 20_000);
  });

  describe('deleteUser', () => {
    it('deletes every linked record and the gateway user', async () => {
      const user = await created();
      const payload = await send(DELETE, { id: user.id });
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'SUCCEEDED',
        ENGAGEMENT: 'SUCCEEDED',
        GREENARROW: 'SUCCEEDED',
        USER_MANAGEMENT: 'SUCCEEDED',
      });
      expect(payload.user).toBeNull();
      expect(heldBy(user.email)).toEqual(nowhere);
      resetCounters(app);
      expect((await send(DELETE_LIGHT, { id: user.id })).userErrors).toEqual([
        expect.objectContaining({ code: 'USER_NOT_FOUND', field: ['input', 'id'] }),
      ]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('skips a vendor the user has no record at, writing nothing there', async () => {
      const user = await created({ sources: ['GREENARROW', 'USER_MANAGEMENT'] });
      const payload = await send(DELETE_LIGHT, { id: user.id, sources: ['ENGAGEMENT'] });
      expect(payload.results).toEqual([
        expect.objectContaining({
          source: 'ENGAGEMENT',
          status: 'SKIPPED',
          error: expect.objectContaining({ code: 'NO_RECORD', message: 'The user has no Engagement record' }),
        }),
      ]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('keeps the user and the failed vendor link when one vendor fails', async () => {
      const user = await created();
      sims().GREENARROW!.setFault('deleteUser', { status: 500 });
      const payload = await send(DELETE, { id: user.id });
      expect(statuses(payload)).toEqual({
        RAINMAKER: 'SUCCEEDED',
        ENGAGEMENT: 'SUCCEEDED',
        GREENARROW: 'FAILED',
        USER_MANAGEMENT: 'SUCCEEDED',
      });
      expect(payload.user!.identities.map((identity) => identity.source)).toEqual(['GREENARROW']);
      expect(heldBy(user.email)).toEqual({ ...nowhere, GREENARROW: true });
      sims().GREENARROW!.clearFaults();
      const retried = await send(DELETE, { id: user.id });
      expect(statuses(retried)).toEqual({ GREENARROW: 'SUCCEEDED' });
      expect(retried.user).toBeNull();
    });
  });

  describe('idempotency', () => {
    it('replays the recorded payload without calling any vendor', async () => {
      const input = person({ idempotencyKey: 'idem-replay', password: PASSWORDS[2] });
      const first = await send(CREATE_LIGHT, input);
      expect(first.replayed).toBe(false);
      resetCounters(app);
      const second = await send(CREATE_LIGHT, input);
      expect(second).toEqual({ ...first, replayed: true });
      expect(vendorCalls(app)).toEqual({});
    });

    it('refuses the same key with a different input', async () => {
      const input = person({ idempotencyKey: 'idem-reuse', password: PASSWORDS[2] });
      await send(CREATE, input);
      resetCounters(app);
      const reused = await send(CREATE, { ...input, lastName: 'Different' });
      expect(reused.userErrors).toEqual([
        expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }),
      ]);
      expect(reused.results).toEqual([]);
      expect(vendorCalls(app)).toEqual({});
      const otherMutation = await send(DELETE, { id: 'usr_any', idempotencyKey: 'idem-reuse' });
      expect(otherMutation.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('runs two concurrent requests with one key once: one create per vendor', async () => {
      for (const [source, route] of [
        ['RAINMAKER', 'createUser'],
        ['GREENARROW', 'createUser'],
      ] as const)
        sims()[source]!.setFault(route, { latencyMs: 100 });
      const input = person({ idempotencyKey: 'idem-concurrent', password: PASSWORDS[2] });
      const [a, b] = await Promise.all([send(CREATE, input), send(CREATE, input)]);
      expect(createCalls()).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect(a.results).toEqual(b.results);
      expect(a.user!.id).toBe(b.user!.id);
    });

    it("on resuming a create, does not adopt a conflicting record that is someone else's", async () => {
      const someoneElse = await created();
      const idempotencyKey = 'idem-resume-foreign';
      const rest = person({ username: someoneElse.email.split('@')[0], sources: ['GREENARROW', 'USER_MANAGEMENT'] });
      // The journal as an interrupted first attempt left it: user-management started, outcome unknown.
      const journal = app.store.journal;
      const recorded = { mutation: 'createUser', input: { ...rest, onPartialFailure: 'ROLLBACK' } };
      const { operation } = await journal.begin({
        mutation: 'createUser',
        idempotencyKey,
        inputHash: hashInput(journalKey, recorded),
        secrets: inputSecrets(journalKey, recorded),
      });
      await journal.stepStarted(operation.id, 'USER_MANAGEMENT', 'create');
      expect(await journal.release(operation.id)).toBe(true);

      const payload = await send(CREATE, { ...rest, idempotencyKey });
      expect(payload.replayed).toBe(true);
      expect(statuses(payload)).toEqual({ GREENARROW: 'ROLLED_BACK', USER_MANAGEMENT: 'FAILED' });
      expect(payload.results.find((result) => result.source === 'USER_MANAGEMENT')!.error).toMatchObject({
        code: 'VENDOR_CONFLICT',
      });
      // The account's listing shows no record of this person's, so the create is sent, and conflicts.
      expect(sims().USER_MANAGEMENT!.calls()).toEqual({ usersByAccount: 1, addUser: 1 });
      const links = (await app.store.identities.identitiesByUserIds([someoneElse.id])).get(someoneElse.id)!;
      expect(links.map((identity) => identity.source)).toContain('USER_MANAGEMENT');
      expect(heldBy(rest.email)).toEqual(nowhere);
    });

    it('records a validation failure under its key too, so a replay answers the same', async () => {
      const input = { email: 'bad', password: 'x', idempotencyKey: 'idem-invalid', sources: ['GREENARROW'] };
      const first = await send(CREATE_LIGHT, input);
      const second = await send(CREATE_LIGHT, input);
      expect(second).toEqual({ ...first, replayed: true });
      expect(vendorCalls(app)).toEqual({});
    });
  });

  // Declared last, so it runs after every mutation above has written, logged and journaled.
  it('leaves no password in the database files or in any log line', () => {
    const names = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const files = names.map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    expect(files.join('').length).toBeGreaterThan(10_000);
    expect(logLines.length).toBeGreaterThan(50);
    const everything = [...files, logLines.join('')].join('\n');
    for (const password of PASSWORDS) expect(everything).not.toContain(password);
  });
});
