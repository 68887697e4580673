import { fork } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  hashInput,
  inputSecrets,
  OperationNotFoundError,
  OperationNotPendingError,
  openStore,
  ownerIsAliveOnThisHost,
  PROCESS_OWNER,
  Journal,
  type Store,
} from '../../src/store';
import { freshTarget, openTestStore, TEST_ENGINE } from '../helpers/test-store';

const SECRET = 'journal-test-secret-key-0123456789';

describe('hashInput', () => {
  it('is an HMAC-SHA256 of the input’s canonical JSON: key order does not matter, values do', () => {
    const hash = hashInput(SECRET, { email: 'a@example.com', password: 'pw-1', sources: ['RAINMAKER'] });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashInput(SECRET, { sources: ['RAINMAKER'], password: 'pw-1', email: 'a@example.com' })).toBe(hash);
    expect(hashInput(SECRET, { email: 'b@example.com', password: 'pw-1', sources: ['RAINMAKER'] })).not.toBe(hash);
    expect(hashInput(`${SECRET}-other`, { email: 'a@example.com', password: 'pw-1', sources: ['RAINMAKER'] })).not.toBe(
      hash,
    );
    expect(hash).not.toContain('pw-1');
  });

  it("leaves every secret's value out: inputs differing only in a password hash alike, one without a password does not", () => {
    const input = (password?: string) => ({
      mutation: 'createUser',
      input: { email: 'a@example.com', password, nested: { newPassword: password } },
    });
    const hash = hashInput(SECRET, input('pw-1'));
    expect(hashInput(SECRET, input('a completely different password'))).toBe(hash);
    expect(hashInput(SECRET, input(undefined))).not.toBe(hash);
  });

  it('refuses a short key', () => {
    expect(() => hashInput('short', {})).toThrow(/at least 16 bytes/);
  });

  it('builds canonical JSON like JSON.stringify, with keys sorted at every depth', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: null }, when: new Date(0), gone: undefined }),
    ).toBe('{"a":{"c":null,"d":[3,{"z":1}]},"b":1,"when":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson([undefined, 'x'])).toBe('[null,"x"]');
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(() => canonicalJson(circular)).toThrow(/circular/);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('inputSecrets', () => {
  const input = (password: string) => ({ mutation: 'changePassword', input: { id: 'usr_1', password } });

  it('is null for an input without a secret', () => {
    expect(inputSecrets(SECRET, { mutation: 'deleteUser', input: { id: 'usr_1' } })).toBeNull();
    expect(() => inputSecrets('short', input('x'))).toThrow(/at least 16 bytes/);
  });

  it("fingerprints secrets with salted scrypt at OWASP's cost, matching only the same secrets under the same key", async () => {
    const fingerprint = await inputSecrets(SECRET, input('pw-right-1'))!.fingerprint();
    expect(fingerprint).toMatch(/^scrypt\$N=131072,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    // Salted: the same password never fingerprints alike twice.
    expect(await inputSecrets(SECRET, input('pw-right-1'))!.fingerprint()).not.toBe(fingerprint);
    await expect(inputSecrets(SECRET, input('pw-right-1'))!.matches(fingerprint)).resolves.toBe(true);
    await expect(inputSecrets(SECRET, input('pw-wrong-2'))!.matches(fingerprint)).resolves.toBe(false);
    await expect(inputSecrets(`${SECRET}-other`, input('pw-right-1'))!.matches(fingerprint)).resolves.toBe(false);
    await expect(inputSecrets(SECRET, input('pw-right-1'))!.matches('not a fingerprint')).resolves.toBe(false);
  });
});

/** Every fast hash of `secret` an attacker holding the database and its key could test guesses against, in the usual encodings. */
function fastHashesOf(secret: string, key: string): string[] {
  const digests = [
    ...['md5', 'sha1', 'sha256', 'sha512'].map((algorithm) => createHash(algorithm).update(secret).digest()),
    ...['sha256', 'sha512'].map((algorithm) => createHmac(algorithm, key).update(secret).digest()),
    createHmac('sha256', key).update(JSON.stringify(secret)).digest(),
  ];
  return digests.flatMap((digest) => [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')]);
}

describe('Journal', () => {
  let store: Store;
  let journal: Journal;
  let now: number;

  beforeEach(async () => {
    now = Date.parse('2030-06-01T12:00:00.000Z');
    store = await openTestStore({ clock: () => new Date(now) });
    journal = store.journal;
  });
  afterEach(async () => {
    await store.close();
  });

  describe('begin', () => {
    it('starts a PENDING operation owned by this process', async () => {
      const result = await journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h1' });
      expect(result).toEqual({
        status: 'STARTED',
        operation: {
          id: expect.stringMatching(/^op_[0-9a-f]{22}$/),
          idempotencyKey: 'k1',
          mutation: 'createUser',
          inputHash: 'h1',
          state: 'PENDING',
          payload: null,
          owner: PROCESS_OWNER,
          createdAt: new Date(now),
          updatedAt: new Date(now),
          secretFingerprint: null,
          userId: null,
          actor: null,
          clientAddress: null,
          requestId: null,
          fieldsChanged: [],
          recovery: null,
          settledBy: null,
        },
      });
      expect(await journal.operation(result.operation.id)).toEqual(result.operation);
      expect(await journal.operationByKey('k1')).toEqual(result.operation);
      expect(await journal.operationByKey('k2')).toBeNull();
      await expect(journal.operationByKey('')).rejects.toThrow(TypeError);
    });

    it('replays a key with the same input instead of starting again', async () => {
      const first = await journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h1' });
      await journal.complete(first.operation.id, { user: { id: 'usr_1' }, results: [] });
      const second = await journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h1' });
      expect(second.status).toBe('REPLAY');
      expect(second.operation).toMatchObject({
        id: first.operation.id,
        state: 'COMPLETED',
        payload: { user: { id: 'usr_1' }, results: [] },
      });
      expect(await store.db.query('SELECT COUNT(*) AS n FROM operations')).toEqual([{ n: 1 }]);
    });

    it('reports a key reused with another input or another mutation', async () => {
      const first = await journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h1' });
      await expect(journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h2' })).resolves.toEqual({
        status: 'KEY_REUSED',
        operation: first.operation,
      });
      await expect(
        journal.begin({ mutation: 'deleteUser', idempotencyKey: 'k1', inputHash: 'h1' }),
      ).resolves.toMatchObject({ status: 'KEY_REUSED' });
    });

    it('catches a key reused with another password, and replays the same one, keeping only a slow fingerprint', async () => {
      const input = (password: string) => ({ mutation: 'changePassword', input: { id: 'usr_1', password } });
      const begin = (password: string, idempotencyKey: string | null = 'pw-key') =>
        journal.begin({
          mutation: 'changePassword',
          idempotencyKey,
          inputHash: hashInput(SECRET, input(password)),
          secrets: inputSecrets(SECRET, input(password)),
        });
      const first = await begin('First-Password-1');
      expect(first.status).toBe('STARTED');
      expect(first.operation.secretFingerprint).toMatch(/^scrypt\$/);
      // The HMAC is the same for both passwords: only the fingerprint tells them apart.
      expect(hashInput(SECRET, input('Other-Password-2'))).toBe(first.operation.inputHash);
      await expect(begin('Other-Password-2')).resolves.toMatchObject({
        status: 'KEY_REUSED',
        operation: { id: first.operation.id },
      });
      await expect(begin('First-Password-1')).resolves.toMatchObject({
        status: 'REPLAY',
        operation: { id: first.operation.id },
      });
      // Without a key nothing is compared later, so no fingerprint is kept.
      const unkeyed = await begin('First-Password-1', null);
      expect(unkeyed.operation.secretFingerprint).toBeNull();

      const rows = await store.db.query<Record<string, unknown>>('SELECT * FROM operations');
      const stored = rows
        .flatMap((row) => Object.values(row))
        .filter((value): value is string => typeof value === 'string');
      for (const password of ['First-Password-1', 'Other-Password-2']) {
        const fast = fastHashesOf(password, SECRET);
        for (const value of stored) {
          expect(value).not.toContain(password);
          for (const hash of fast) expect(value).not.toContain(hash);
        }
      }
    });

    it("records who asked, from where, about whom and which fields, never values; a create's user when it completes", async () => {
      const audit = {
        userId: 'usr_9',
        actor: { subject: 'ops-1', role: 'admin' },
        clientAddress: '10.0.0.7',
        requestId: 'req-42',
        fieldsChanged: ['email', 'permissions.api', 'password'],
      };
      const { operation } = await journal.begin({ mutation: 'updateUser', inputHash: 'h', audit });
      expect(operation).toMatchObject(audit);
      await journal.complete(operation.id, { userId: 'usr_9', results: [], userErrors: [] }, 'usr_other');
      // The user it began about stays: a delete's user is gone from the payload but not from the trail.
      expect(await journal.operation(operation.id)).toMatchObject({ userId: 'usr_9' });
      const create = await journal.begin({ mutation: 'createUser', inputHash: 'h', audit: { ...audit, userId: null } });
      await journal.fail(create.operation.id, { userId: null, results: [], userErrors: [] }, 'usr_new');
      expect(await journal.operation(create.operation.id)).toMatchObject({ userId: 'usr_new', state: 'FAILED' });
      await expect(
        journal.begin({ mutation: 'updateUser', inputHash: 'h', audit: { fieldsChanged: ['Secret-Value 1'] } }),
      ).rejects.toThrow(/names like/);
      await expect(
        journal.begin({ mutation: 'updateUser', inputHash: 'h', audit: { actor: { subject: '', role: 'admin' } } }),
      ).rejects.toThrow(TypeError);
    });

    it('lists operations newest first, a page at a time, by user and mutation, with their steps', async () => {
      const ids: string[] = [];
      for (const [mutation, userId] of [
        ['createUser', 'usr_a'],
        ['updateUser', 'usr_a'],
        ['deleteUser', 'usr_a'],
        ['deleteUser', 'usr_b'],
      ] as const) {
        ids.push((await journal.begin({ mutation, inputHash: 'h', audit: { userId } })).operation.id);
        now += 1_000;
      }
      await journal.stepStarted(ids[2], 'GREENARROW', 'delete');
      await journal.stepFinished(ids[2], 'GREENARROW', 'delete', {
        state: 'FAILED',
        error: { code: 'VENDOR_TIMEOUT', message: 'GreenArrow did not answer in time' },
      });
      await journal.stepStarted(ids[0], 'RAINMAKER', 'create');

      const first = await journal.page({ first: 2 });
      expect(first.operations.map((operation) => operation.id)).toEqual([ids[3], ids[2]]);
      expect(first.hasNextPage).toBe(true);
      const rest = await journal.page({ first: 2, before: ids[2] });
      expect(rest).toMatchObject({ operations: [{ id: ids[1] }, { id: ids[0] }], hasNextPage: false });
      expect(
        (await journal.page({ first: 10, userId: 'usr_a', mutation: 'deleteUser' })).operations.map(
          (operation) => operation.id,
        ),
      ).toEqual([ids[2]]);
      expect(await journal.count()).toBe(4);
      expect(await journal.count({ userId: 'usr_a' })).toBe(3);
      expect(await journal.count({ mutation: 'nothing' })).toBe(0);

      const steps = await journal.stepsOf([ids[0], ids[2], ids[3]]);
      expect(steps.get(ids[0])).toEqual([expect.objectContaining({ source: 'RAINMAKER', state: 'STARTED' })]);
      expect(steps.get(ids[2])).toEqual([
        expect.objectContaining({
          source: 'GREENARROW',
          state: 'FAILED',
          error: expect.objectContaining({ code: 'VENDOR_TIMEOUT' }),
        }),
      ]);
      expect(steps.get(ids[3])).toEqual([]);
      expect(await journal.stepsOf([])).toEqual(new Map());
      await expect(journal.page({ first: 0 })).rejects.toThrow(TypeError);
    });

    it('lets exactly one of many concurrent begins with one key start', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          journal.begin({ mutation: 'createUser', idempotencyKey: 'same', inputHash: 'h' }),
        ),
      );
      expect(results.map((result) => result.status).sort()).toEqual([
        'REPLAY',
        'REPLAY',
        'REPLAY',
        'REPLAY',
        'STARTED',
      ]);
      expect(new Set(results.map((result) => result.operation.id)).size).toBe(1);
    });

    it('starts a new operation every time without a key', async () => {
      const a = await journal.begin({ mutation: 'updateUser', inputHash: 'h' });
      const b = await journal.begin({ mutation: 'updateUser', idempotencyKey: null, inputHash: 'h' });
      expect([a.status, b.status]).toEqual(['STARTED', 'STARTED']);
      expect(a.operation.id < b.operation.id).toBe(true);
    });

    it('refuses empty arguments', async () => {
      await expect(journal.begin({ mutation: '', inputHash: 'h' })).rejects.toThrow(TypeError);
      await expect(journal.begin({ mutation: 'm', idempotencyKey: '', inputHash: 'h' })).rejects.toThrow(TypeError);
    });
  });

  describe('steps', () => {
    let operationId: string;

    beforeEach(async () => {
      operationId = (await journal.begin({ mutation: 'createUser', idempotencyKey: 'steps', inputHash: 'h' })).operation
        .id;
    });

    it('records each vendor call before and after it', async () => {
      const started = await journal.stepStarted(operationId, 'GREENARROW', 'create');
      expect(started).toEqual({
        operationId,
        source: 'GREENARROW',
        action: 'create',
        state: 'STARTED',
        externalId: null,
        error: null,
        startedAt: new Date(now),
        finishedAt: null,
      });
      now += 50;
      const finished = await journal.stepFinished(operationId, 'GREENARROW', 'create', {
        state: 'SUCCEEDED',
        externalId: '42',
      });
      expect(finished).toMatchObject({
        state: 'SUCCEEDED',
        externalId: '42',
        startedAt: new Date(now - 50),
        finishedAt: new Date(now),
      });
      await journal.stepStarted(operationId, 'ENGAGEMENT', 'create');
      await journal.stepFinished(operationId, 'ENGAGEMENT', 'create', {
        state: 'FAILED',
        error: { code: 'VENDOR_TIMEOUT', message: 'ENGAGEMENT: timed out', retryable: true },
      });
      await journal.stepFinished(operationId, 'USER_MANAGEMENT', 'create', {
        state: 'SKIPPED',
        error: { code: 'NOT_TARGETED', message: 'not in sources' },
      });
      const steps = await journal.steps(operationId);
      expect(steps.map((step) => [step.source, step.state, step.externalId, step.error?.code ?? null])).toEqual([
        ['GREENARROW', 'SUCCEEDED', '42', null],
        ['ENGAGEMENT', 'FAILED', null, 'VENDOR_TIMEOUT'],
        ['USER_MANAGEMENT', 'SKIPPED', null, 'NOT_TARGETED'],
      ]);
    });

    it('restarts a step left STARTED or FAILED, but returns a finished one as it is', async () => {
      await journal.stepStarted(operationId, 'RAINMAKER', 'create');
      await journal.stepFinished(operationId, 'RAINMAKER', 'create', {
        state: 'FAILED',
        error: { code: 'VENDOR_UNAVAILABLE', message: 'down' },
      });
      now += 10;
      await expect(journal.stepStarted(operationId, 'RAINMAKER', 'create')).resolves.toMatchObject({
        state: 'STARTED',
        error: null,
        startedAt: new Date(now),
      });
      await journal.stepFinished(operationId, 'RAINMAKER', 'create', { state: 'SUCCEEDED', externalId: 'rm-1' });
      await expect(journal.stepStarted(operationId, 'RAINMAKER', 'create')).resolves.toMatchObject({
        state: 'SUCCEEDED',
        externalId: 'rm-1',
      });
    });

    it('records a compensation and keeps the external id when a later write omits it', async () => {
      await journal.stepStarted(operationId, 'GREENARROW', 'create');
      await journal.stepFinished(operationId, 'GREENARROW', 'create', { state: 'SUCCEEDED', externalId: '9' });
      now += 10;
      await journal.stepStarted(operationId, 'GREENARROW', 'compensate');
      await journal.stepFinished(operationId, 'GREENARROW', 'compensate', { state: 'SUCCEEDED', externalId: '9' });
      await journal.stepFinished(operationId, 'GREENARROW', 'create', { state: 'COMPENSATED' });
      const steps = await journal.steps(operationId);
      expect(steps.map((step) => [step.action, step.state, step.externalId])).toEqual([
        ['create', 'COMPENSATED', '9'],
        ['compensate', 'SUCCEEDED', '9'],
      ]);
    });

    it('records several steps in one statement each: their starts, then their ends, as one at a time would', async () => {
      await journal.stepStarted(operationId, 'RAINMAKER', 'create');
      await journal.stepFinished(operationId, 'RAINMAKER', 'create', { state: 'SUCCEEDED', externalId: 'rm-1' });
      await journal.stepStarted(operationId, 'ENGAGEMENT', 'create');
      await journal.stepFinished(operationId, 'ENGAGEMENT', 'create', {
        state: 'FAILED',
        error: { code: 'VENDOR_UNAVAILABLE', message: 'down' },
      });
      now += 10;
      store.db.resetQueryCount();
      await journal.stepsStarted(operationId, [
        { source: 'RAINMAKER', action: 'create' },
        { source: 'ENGAGEMENT', action: 'create' },
        { source: 'GREENARROW', action: 'create' },
        { source: 'USER_MANAGEMENT', action: 'create' },
      ]);
      expect(store.db.queryCount).toBe(1);
      const started = await journal.steps(operationId);
      expect(started.map((step) => [step.source, step.state, step.externalId, step.error])).toEqual([
        ['RAINMAKER', 'SUCCEEDED', 'rm-1', null],
        ['ENGAGEMENT', 'STARTED', null, null],
        ['GREENARROW', 'STARTED', null, null],
        ['USER_MANAGEMENT', 'STARTED', null, null],
      ]);
      now += 10;
      store.db.resetQueryCount();
      await journal.stepsFinished(operationId, [
        { source: 'ENGAGEMENT', action: 'create', outcome: { state: 'SUCCEEDED', externalId: '7' } },
        {
          source: 'GREENARROW',
          action: 'create',
          outcome: { state: 'FAILED', error: { code: 'VENDOR_CONFLICT', message: 'taken', retryable: false } },
        },
      ]);
      await journal.stepsFinished(operationId, []);
      expect(store.db.queryCount).toBe(1);
      const steps = await journal.steps(operationId);
      expect(
        steps.map((step) => [step.source, step.state, step.externalId, step.error?.code ?? null, step.finishedAt]),
      ).toEqual([
        ['RAINMAKER', 'SUCCEEDED', 'rm-1', null, new Date(now - 20)],
        ['ENGAGEMENT', 'SUCCEEDED', '7', null, new Date(now)],
        ['GREENARROW', 'FAILED', null, 'VENDOR_CONFLICT', new Date(now)],
        ['USER_MANAGEMENT', 'STARTED', null, null, null],
      ]);
      await expect(
        journal.stepsStarted('op_missing', [{ source: 'RAINMAKER', action: 'create' }]),
      ).rejects.toBeInstanceOf(OperationNotFoundError);
      await expect(
        journal.stepsFinished(operationId, [
          {
            source: 'RAINMAKER',
            action: 'create',
            outcome: { state: 'FAILED', error: { code: 'X', message: 'm', password: 'pw' } as never },
          },
        ]),
      ).rejects.toThrow(/has the key "password": secrets are never stored/);
    });

    it('refuses an unknown operation, source, action or state, and a password in an error', async () => {
      await expect(journal.stepStarted('op_missing', 'RAINMAKER', 'create')).rejects.toBeInstanceOf(
        OperationNotFoundError,
      );
      await expect(journal.stepStarted(operationId, 'NOPE' as never, 'create')).rejects.toThrow(
        /source must be one of/,
      );
      await expect(journal.stepStarted(operationId, 'RAINMAKER', 'upsert' as never)).rejects.toThrow(
        /action must be one of/,
      );
      await expect(
        journal.stepFinished(operationId, 'RAINMAKER', 'create', { state: 'STARTED' as never }),
      ).rejects.toThrow(TypeError);
      await expect(
        journal.stepFinished(operationId, 'RAINMAKER', 'create', {
          state: 'FAILED',
          error: { code: 'X', message: 'm', password: 'pw' } as never,
        }),
      ).rejects.toThrow(/has the key "password": secrets are never stored/);
    });
  });

  describe('complete and fail', () => {
    it('records the payload once; a finished operation cannot be finished again', async () => {
      const { operation } = await journal.begin({ mutation: 'setPermissions', idempotencyKey: 'f', inputHash: 'h' });
      now += 1000;
      const failed = await journal.fail(operation.id, { userErrors: [{ code: 'VENDOR_REJECTED' }] });
      expect(failed).toMatchObject({
        state: 'FAILED',
        payload: { userErrors: [{ code: 'VENDOR_REJECTED' }] },
        updatedAt: new Date(now),
      });
      await expect(journal.complete(operation.id, {})).rejects.toBeInstanceOf(OperationNotPendingError);
      await expect(journal.complete('op_missing', {})).rejects.toBeInstanceOf(OperationNotFoundError);
    });

    it('refuses a payload holding a password anywhere', async () => {
      const { operation } = await journal.begin({ mutation: 'changePassword', idempotencyKey: 'p', inputHash: 'h' });
      await expect(journal.complete(operation.id, { results: [{ input: { Password: 'pw' } }] })).rejects.toThrow(
        /results\.0\.input\.Password/,
      );
      expect(await journal.operation(operation.id)).toMatchObject({ state: 'PENDING', payload: null });
    });

    it('lets only the owning process finish a PENDING operation', async () => {
      const { operation } = await journal.begin({ mutation: 'createUser', idempotencyKey: 'o', inputHash: 'h' });
      const other = store.journal.on(store.db);
      const stranger = new Journal(store.db, { owner: '1@elsewhere#00' });
      expect(other.owner).toBe(journal.owner);
      await expect(stranger.complete(operation.id, {})).rejects.toMatchObject({ code: 'OPERATION_NOT_PENDING' });
      await expect(other.complete(operation.id, {})).resolves.toMatchObject({ state: 'COMPLETED' });
    });
  });

  describe('interruption', () => {
    it('marks PENDING operations of dead owners INTERRUPTED, and lets one process resume each', async () => {
      const dead = new Journal(store.db, { owner: 'dead-owner' });
      const alive = new Journal(store.db, { owner: 'live-owner' });
      const crashed = (await dead.begin({ mutation: 'createUser', idempotencyKey: 'c', inputHash: 'h' })).operation;
      const running = (await alive.begin({ mutation: 'createUser', idempotencyKey: 'r', inputHash: 'h' })).operation;
      const finished = (await dead.begin({ mutation: 'createUser', idempotencyKey: 'd', inputHash: 'h' })).operation;
      await dead.complete(finished.id, {});

      const interrupted = await journal.markInterrupted((owner) => owner !== 'dead-owner');
      expect(interrupted.map((operation) => [operation.id, operation.state])).toEqual([[crashed.id, 'INTERRUPTED']]);
      expect(await journal.operation(running.id)).toMatchObject({ state: 'PENDING' });
      expect(await journal.operation(finished.id)).toMatchObject({ state: 'COMPLETED' });
      expect(await journal.markInterrupted(async () => false)).toHaveLength(1);

      await expect(
        journal.begin({ mutation: 'createUser', idempotencyKey: 'c', inputHash: 'h' }),
      ).resolves.toMatchObject({
        status: 'REPLAY',
        operation: { state: 'INTERRUPTED' },
      });
      const [first, second] = await Promise.all([journal.resume(crashed.id), alive.resume(crashed.id)]);
      expect(first).toMatchObject({ state: 'PENDING', owner: journal.owner });
      expect(second).toBeNull();
      await expect(journal.complete(crashed.id, { ok: true })).resolves.toMatchObject({ state: 'COMPLETED' });
    });

    it('releases an operation its owner gave up on, so a replay can resume it at once', async () => {
      const { operation } = await journal.begin({ mutation: 'createUser', idempotencyKey: 'given-up', inputHash: 'h' });
      expect(await journal.resume(operation.id)).toBeNull();
      expect(await journal.release(operation.id)).toBe(true);
      expect(await journal.operation(operation.id)).toMatchObject({ state: 'INTERRUPTED' });
      expect(await journal.release(operation.id)).toBe(false);
      await expect(journal.resume(operation.id)).resolves.toMatchObject({ state: 'PENDING' });
      const stranger = new Journal(store.db, { owner: 'someone-else' });
      expect(await stranger.release(operation.id)).toBe(false);
    });

    it("interrupts another owner's operation once its lease expires, unless its heartbeat renewed it; one taker each", async () => {
      const clock = () => new Date(now);
      const silent = new Journal(store.db, { owner: 'silent-owner', clock, leaseTtlMs: 10_000 });
      const beating = new Journal(store.db, { owner: 'beating-owner', clock, leaseTtlMs: 10_000 });
      const here = new Journal(store.db, { owner: 'this-owner', clock, leaseTtlMs: 10_000 });
      const other = new Journal(store.db, { owner: 'other-owner', clock, leaseTtlMs: 10_000 });
      const lost = (await silent.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
      const kept = (await beating.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
      const mine = (await here.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
      const done = (await silent.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
      await silent.complete(done.id, {});

      now += 9_000;
      expect(await beating.heartbeat()).toBe(1);
      expect(await here.expireLeases()).toEqual([]);
      now += 2_000;
      // Of two processes looking at once, exactly one takes each expired operation, and never one of its own.
      const [first, second] = await Promise.all([here.expireLeases(), other.expireLeases()]);
      const taken = [...first, ...second].map((operation) => operation.id).sort();
      expect(taken).toEqual([lost.id, mine.id].sort());
      expect(first.map((operation) => operation.id)).not.toContain(mine.id);
      expect([...first, ...second].every((operation) => operation.state === 'INTERRUPTED')).toBe(true);
      expect(await journal.operation(kept.id)).toMatchObject({ state: 'PENDING', owner: 'beating-owner' });
      expect(await journal.operation(done.id)).toMatchObject({ state: 'COMPLETED' });
      expect((await here.settleable(new Date(now), 10)).map((operation) => operation.id).sort()).toEqual(taken);

      // Resumed, it holds a fresh lease of its new owner; its old owner may no longer start a vendor call of it.
      expect(await other.resume(lost.id)).toMatchObject({ state: 'PENDING', owner: 'other-owner' });
      await expect(silent.stepStarted(lost.id, 'RAINMAKER', 'create')).rejects.toBeInstanceOf(OperationNotPendingError);
      await expect(other.stepStarted(lost.id, 'RAINMAKER', 'create')).resolves.toMatchObject({ state: 'STARTED' });
      now += 9_000;
      expect((await here.expireLeases()).map((operation) => operation.id)).toEqual([kept.id]);
    });

    it('judges owners on this host by their process, and leaves other hosts alone', () => {
      expect(ownerIsAliveOnThisHost(PROCESS_OWNER)).toBe(true);
      const [pid, rest] = PROCESS_OWNER.split('@') as [string, string];
      const host = rest.split('#')[0];
      expect(ownerIsAliveOnThisHost(`${pid}@${host}#ffffffff`)).toBe(false);
      expect(ownerIsAliveOnThisHost(`${process.ppid}@${host}#00`)).toBe(true);
      expect(ownerIsAliveOnThisHost(`1@not-${host}#00`)).toBe(true);
      expect(ownerIsAliveOnThisHost('something else')).toBe(true);
    });
  });

  describe('recovery input and who settled', () => {
    it('keeps the input without secrets until the operation is settled, and says who settled it', async () => {
      const { operation } = await journal.begin({
        mutation: 'createUser',
        inputHash: 'h1',
        recovery: { email: 'ada@example.com', onPartialFailure: 'ROLLBACK' },
      });
      expect(operation.recovery).toEqual({ email: 'ada@example.com', onPartialFailure: 'ROLLBACK' });
      expect(operation.settledBy).toBeNull();
      const done = await journal.complete(operation.id, { results: [] }, null, 'RECOVERY');
      expect([done.recovery, done.settledBy]).toEqual([null, 'RECOVERY']);
      const other = await journal.begin({ mutation: 'deleteUser', inputHash: 'h2', recovery: { id: 'usr_1' } });
      expect((await journal.fail(other.operation.id, { results: [] })).settledBy).toBe('REQUEST');
    });

    it('refuses a recovery input holding a password', async () => {
      await expect(
        journal.begin({ mutation: 'changePassword', inputHash: 'h1', recovery: { id: 'usr_1', password: 'pw' } }),
      ).rejects.toThrow(/must not contain a secret, but has the key "password"/);
    });

    it('lists the interrupted operations recovery may settle: unkeyed ones at once, keyed ones once their replay wait is over', async () => {
      const unkeyed = await journal.begin({ mutation: 'createUser', inputHash: 'h1', recovery: {} });
      const keyed = await journal.begin({
        mutation: 'createUser',
        idempotencyKey: 'k1',
        inputHash: 'h2',
        recovery: {},
      });
      const old = await journal.begin({ mutation: 'createUser', inputHash: 'h3' });
      for (const { operation } of [unkeyed, keyed, old]) await journal.release(operation.id);
      const ids = async (keyedBefore: number) =>
        (await journal.settleable(new Date(keyedBefore), 10)).map((operation) => operation.id);
      expect(await ids(now)).toEqual([unkeyed.operation.id]);
      expect(await ids(now + 1)).toEqual([unkeyed.operation.id, keyed.operation.id]);
      await expect(journal.settleable(new Date(now), 0)).rejects.toThrow(TypeError);
    });

    it('refuses an operation that wrote nothing and frees its key for the same request sent again', async () => {
      const first = await journal.begin({
        mutation: 'createUser',
        idempotencyKey: 'k1',
        inputHash: 'h1',
        recovery: {},
      });
      const refused = await journal.refuse(first.operation.id, { userErrors: [{ code: 'EMAIL_IN_USE' }] });
      expect([refused.state, refused.idempotencyKey, refused.recovery, refused.settledBy]).toEqual([
        'FAILED',
        null,
        null,
        'REQUEST',
      ]);
      const again = await journal.begin({ mutation: 'createUser', idempotencyKey: 'k1', inputHash: 'h1' });
      expect(again.status).toBe('STARTED');
      // One that has a step may have written a vendor: it is not refused.
      await journal.stepStarted(again.operation.id, 'GREENARROW', 'create');
      await expect(journal.refuse(again.operation.id, {})).rejects.toBeInstanceOf(OperationNotPendingError);
    });
  });
});

describe('the journal after a SIGKILL', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'usergraph-journal-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps every step the killed process committed, and shows its operation interrupted', async () => {
    const file = join(directory, 'data', 'gateway.db');
    // On PostgreSQL the child and this test share a fresh schema; the child's settings carry no password.
    const target = TEST_ENGINE === 'sqlite' ? { file } : await freshTarget();
    const child = fork(join(__dirname, 'fixtures', 'journal-child.js'), [JSON.stringify(target)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    const committed = await new Promise<{ operationId: string; owner: string }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { operationId: string; owner: string }));
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before journaling: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // On SQLite the committed steps live only in the write-ahead log the killed process left behind.
    if (TEST_ENGINE === 'sqlite') expect(existsSync(`${file}-wal`)).toBe(true);

    const store = await openStore(target);
    try {
      const { journal } = store;
      expect(await journal.operation(committed.operationId)).toMatchObject({
        state: 'PENDING',
        owner: committed.owner,
      });
      // Both steps may start within one millisecond: compare them as a set.
      const steps = (await journal.steps(committed.operationId)).map((step) => [
        step.source,
        step.action,
        step.state,
        step.externalId,
      ]);
      expect(steps).toHaveLength(2);
      expect(steps).toEqual(
        expect.arrayContaining([
          ['RAINMAKER', 'create', 'SUCCEEDED', 'rm-written'],
          ['ENGAGEMENT', 'create', 'STARTED', null],
        ]),
      );
      const interrupted = await journal.markInterrupted(ownerIsAliveOnThisHost);
      expect(interrupted.map((operation) => operation.id)).toEqual([committed.operationId]);
      await expect(
        journal.begin({ mutation: 'createUser', idempotencyKey: 'crash-key', inputHash: 'crash-hash' }),
      ).resolves.toMatchObject({
        status: 'REPLAY',
        operation: { id: committed.operationId, state: 'INTERRUPTED' },
      });
    } finally {
      await store.close();
    }
  });
});
