import type { RecordedOutcome } from '../../src/domain/commands';
import { createLogger } from '../../src/platform/logger';
import { MutationService } from '../../src/services/writes/mutations';
import { OperationRecovery } from '../../src/services/writes/recovery';
import type { Operation, StepAction } from '../../src/store';
import type { Source } from '../../src/domain/types';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';
import { openTestStore } from '../helpers/test-store';

/**
 * How the gateway's recovery settles each kind of interrupted operation, in process against the
 * simulators: the operations are journaled as a killed process leaves them (steps STARTED, then
 * INTERRUPTED), and an OperationRecovery with its own clock settles them. test/mutations/recovery.test.ts
 * does the same after a real SIGKILL.
 */
const REPLAY_WAIT_MS = 60_000;

describe("the gateway's recovery of interrupted operations", () => {
  let app: BootedGateway;
  let counter = 0;
  let now = Date.now();
  let recovery: OperationRecovery;

  beforeAll(async () => {
    app = await bootGateway({
      MIRROR_REFRESH_INTERVAL_S: '0',
      RECOVERY_INTERVAL_S: '0',
      // Short, for the create below that never answers.
      GREENARROW_TIMEOUT_MS: '500',
      VENDOR_RETRIES: '0',
    });
    recovery = new OperationRecovery({
      mutations: new MutationService({
        adapters: app.adapters,
        store: app.store,
        journalKey: 'recovery-rules-test-key-0123456789',
        logger: createLogger({ level: 'silent' }),
        inFlight: new Map(),
      }),
      journal: app.store.journal,
      logger: createLogger({ level: 'silent' }),
      settings: { replayWaitMs: REPLAY_WAIT_MS, intervalMs: 0 },
      clock: () => new Date(now),
    });
  });
  afterAll(async () => {
    await recovery.stop();
    await app.stop();
  });
  beforeEach(() => {
    now = Date.now();
    resetCounters(app);
  });

  const sims = () => app.simulators.simulators;
  const journal = () => app.store.journal;

  /** An operation as a killed process leaves it: begun, these steps sent without an answer, then INTERRUPTED. */
  async function interrupted(
    mutation: string,
    recoveryInput: object,
    steps: [Source, StepAction][],
    options: { key?: string; userId?: string } = {},
  ): Promise<Operation> {
    counter += 1;
    const { operation } = await journal().begin({
      mutation,
      idempotencyKey: options.key ?? null,
      inputHash: `recovery-rules-${counter}`,
      recovery: recoveryInput,
      audit: { userId: options.userId ?? null },
    });
    for (const [source, action] of steps) await journal().stepStarted(operation.id, source, action);
    expect(await journal().release(operation.id)).toBe(true);
    return operation;
  }

  async function person(): Promise<{ id: string; email: string }> {
    counter += 1;
    const email = `rules${counter}@example.org`;
    const answer = await graphql<{ createUser: { user: { id: string } } }>(
      app,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      {
        input: {
          email,
          password: 'Rules-Pass-123',
          firstName: 'Ru',
          lastName: `Les${counter}`,
          country: 'India',
          accountId: '2',
          username: `rules${counter}`,
        },
      },
    );
    resetCounters(app);
    return { id: answer.data!.createUser.user.id, email };
  }

  const outcomeOf = async (operation: Operation) => {
    const settled = (await journal().operation(operation.id))!;
    const payload = settled.payload as RecordedOutcome | null;
    return {
      state: settled.state,
      settledBy: settled.settledBy,
      results: Object.fromEntries((payload?.results ?? []).map((result) => [result.source, result.status])),
      codes: Object.fromEntries((payload?.results ?? []).map((result) => [result.source, result.error?.code ?? null])),
    };
  };

  it('leaves a keyed create to its replay for the replay wait, then finds what it made and rolls it back', async () => {
    counter += 1;
    const email = `keyed${counter}@example.org`;
    const key = `keyed-${counter}`;
    sims().GREENARROW!.store.insert([{ email, permissions: { api: 'no', ui: 'no', injection: 'no' } }]);
    const operation = await interrupted(
      'createUser',
      { email, firstName: 'Ke', lastName: 'Yed', country: 'India', accountId: '2', onPartialFailure: 'ROLLBACK' },
      [['GREENARROW', 'create']],
      { key },
    );
    expect(await recovery.sweep()).toBe(0);
    expect((await journal().operation(operation.id))!.state).toBe('INTERRUPTED');

    now += REPLAY_WAIT_MS + 1_000;
    expect(await recovery.sweep()).toBe(1);
    expect(await outcomeOf(operation)).toEqual({
      state: 'COMPLETED',
      settledBy: 'RECOVERY',
      // GreenArrow's record was found and adopted, then rolled back: the others were never sent.
      results: { RAINMAKER: 'FAILED', ENGAGEMENT: 'FAILED', GREENARROW: 'ROLLED_BACK', USER_MANAGEMENT: 'FAILED' },
      codes: { RAINMAKER: 'INTERRUPTED', ENGAGEMENT: 'INTERRUPTED', GREENARROW: null, USER_MANAGEMENT: 'INTERRUPTED' },
    });
    expect(
      sims()
        .GREENARROW!.store.all()
        .filter((user) => user.email === email),
    ).toEqual([]);
    expect(
      Object.values(sims()).map((simulator) =>
        Object.keys(simulator.calls()).filter((route) => /create|addUser/i.test(route)),
      ),
    ).toEqual([[], [], [], []]);
    expect((await journal().steps(operation.id)).map((step) => [step.source, step.action, step.state])).toEqual(
      expect.arrayContaining([
        ['GREENARROW', 'create', 'SUCCEEDED'],
        ['GREENARROW', 'compensate', 'COMPENSATED'],
        ['RAINMAKER', 'create', 'SKIPPED'],
      ]),
    );
    // Settled once: a replay of its key is answered what recovery recorded.
    const replay = await journal().begin({
      mutation: 'createUser',
      idempotencyKey: key,
      inputHash: operation.inputHash,
    });
    expect([replay.status, replay.operation.state]).toEqual(['REPLAY', 'COMPLETED']);
  });

  it('never sends a password change again: its outcome is reported unknown', async () => {
    const user = await person();
    const operation = await interrupted('changePassword', { id: user.id }, [['GREENARROW', 'update']], {
      userId: user.id,
    });
    expect(await recovery.sweep()).toBe(1);
    expect(await outcomeOf(operation)).toMatchObject({
      state: 'COMPLETED',
      settledBy: 'RECOVERY',
      codes: { GREENARROW: 'OUTCOME_UNKNOWN', RAINMAKER: 'INTERRUPTED', USER_MANAGEMENT: 'INTERRUPTED' },
    });
    expect(Object.values(sims()).map((simulator) => simulator.calls())).toEqual([{}, {}, {}, {}]);
  });

  it('sends an update and a delete that may have landed again, and links what the vendors now hold', async () => {
    const user = await person();
    const update = await interrupted(
      'updateUser',
      { id: user.id, changes: { displayName: 'Settled By Recovery' } },
      [['USER_MANAGEMENT', 'update']],
      { userId: user.id },
    );
    expect(await recovery.sweep()).toBe(1);
    expect(await outcomeOf(update)).toMatchObject({ results: { USER_MANAGEMENT: 'SUCCEEDED' } });
    expect(
      sims()
        .USER_MANAGEMENT!.store.all()
        .find((record) => record.emailAddress === user.email)?.contactName,
    ).toBe('Settled By Recovery');

    const remove = await interrupted(
      'deleteUser',
      { id: user.id },
      (['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'] as const).map((source) => [source, 'delete']),
      { userId: user.id },
    );
    expect(await recovery.sweep()).toBe(1);
    expect((await outcomeOf(remove)).results).toEqual({
      RAINMAKER: 'SUCCEEDED',
      ENGAGEMENT: 'SUCCEEDED',
      GREENARROW: 'SUCCEEDED',
      USER_MANAGEMENT: 'SUCCEEDED',
    });
    expect((await app.store.identities.usersByIds([user.id])).get(user.id)).toBeUndefined();
    expect(sims().RAINMAKER!.store.has(user.email)).toBe(false);
  });

  it('leaves a create whose answer never came and that cannot be looked up to recovery, which finds and settles it', async () => {
    counter += 1;
    const email = `unknown${counter}@example.org`;
    const greenArrow = sims().GREENARROW!;
    // GreenArrow makes the user but never answers, and cannot be asked afterwards either.
    greenArrow.setFault('createUser', { hang: 'afterWork' });
    const sent = graphql<{
      createUser: { results: { source: string; status: string; error: { code: string } | null }[] };
    }>(
      app,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { results { source status error { code } } } }',
      {
        input: {
          email,
          password: 'Unknown-Pass-123',
          firstName: 'Un',
          lastName: 'Known',
          country: 'India',
          accountId: '2',
          username: `unknown${counter}`,
        },
      },
    );
    // Asked after its create (its pre-flight read went through), it hangs too.
    await eventually(() => greenArrow.calls('createUser') === 1, 'the create to reach GreenArrow');
    greenArrow.setFault('getUser', { hang: true });
    const answer = await sent;
    expect(
      Object.fromEntries(
        answer.data!.createUser.results.map((result) => [result.source, [result.status, result.error?.code ?? null]]),
      ),
    ).toEqual({
      RAINMAKER: ['ROLLED_BACK', null],
      ENGAGEMENT: ['ROLLED_BACK', null],
      GREENARROW: ['FAILED', 'VENDOR_TIMEOUT'],
      USER_MANAGEMENT: ['ROLLED_BACK', null],
    });
    // The journal does not claim what it does not know: the operation waits for recovery, GreenArrow's step STARTED.
    const [operation] = (await journal().page({ first: 1 })).operations;
    expect(operation.state).toBe('INTERRUPTED');
    expect(
      (await journal().steps(operation.id)).find((step) => step.source === 'GREENARROW' && step.action === 'create')
        ?.state,
    ).toBe('STARTED');
    expect(greenArrow.store.all().filter((user) => user.email === email)).toHaveLength(1);

    greenArrow.clearFaults();
    expect(await recovery.sweep()).toBe(1);
    expect(await outcomeOf(operation)).toEqual({
      state: 'COMPLETED',
      settledBy: 'RECOVERY',
      results: {
        RAINMAKER: 'ROLLED_BACK',
        ENGAGEMENT: 'ROLLED_BACK',
        GREENARROW: 'ROLLED_BACK',
        USER_MANAGEMENT: 'ROLLED_BACK',
      },
      codes: { RAINMAKER: null, ENGAGEMENT: null, GREENARROW: null, USER_MANAGEMENT: null },
    });
    expect(greenArrow.store.all().filter((user) => user.email === email)).toEqual([]);
    expect((await app.store.identities.userIdsByEmails([email])).size).toBe(0);
  });

  it('keeps sweeping when the journal cannot be read: a warning, no unhandled rejection', async () => {
    const closed = await openTestStore();
    await closed.close();
    const warnings: string[] = [];
    const idle = new OperationRecovery({
      mutations: { recover: () => Promise.resolve(null) },
      journal: closed.journal,
      logger: {
        ...createLogger({ level: 'silent' }),
        warn: (_fields: unknown, message: string) => void warnings.push(message),
      } as unknown as ReturnType<typeof createLogger>,
      settings: { replayWaitMs: 0, intervalMs: 0 },
    });
    idle.start();
    await eventually(() => warnings.length > 0, 'the sweep to give up on the closed journal');
    await idle.stop();
    expect(warnings).toEqual(['recovery could not look for interrupted operations now']);
  });
});
