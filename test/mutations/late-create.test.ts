import type { RecordedOutcome } from '../../src/domain/commands';
import { createLogger } from '../../src/platform/logger';
import { MutationService } from '../../src/services/writes/mutations';
import { OperationRecovery } from '../../src/services/writes/recovery';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * A create the gateway stopped waiting for (a timeout) may still be running at the vendor. The
 * look-up right after the timeout then finds nothing, and the create lands after it: the gateway
 * used to call it FAILED and roll the others back, leaving the vendor a record no link points at
 * (the soak found one at RainMaker). The sequence, against the simulators: RainMaker's create is
 * held longer than the gateway's timeout (a latency fault), the gateway's probe finds no such user,
 * the create lands. Now the step stays unknown and the operation waits, INTERRUPTED, for a later
 * sweep of recovery, which removes what landed: no vendor keeps a record of the person.
 */
const INTERVAL_MS = 60_000;
const CREATE = `mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { id } results { source status error { code } } }
}`;

describe('a create that lands after the gateway stopped waiting for it', () => {
  let app: BootedGateway;
  let now = Date.now();
  let recovery: OperationRecovery;

  beforeAll(async () => {
    app = await bootGateway({
      RAINMAKER_TIMEOUT_MS: '1000',
      VENDOR_RETRIES: '0',
      MIRROR_REFRESH_INTERVAL_S: '0',
      RECOVERY_INTERVAL_S: '0',
    });
    recovery = new OperationRecovery({
      mutations: new MutationService({
        adapters: app.adapters,
        store: app.store,
        journalKey: 'late-create-test-key-0123456789',
        logger: createLogger({ level: 'silent' }),
        inFlight: new Map(),
      }),
      journal: app.store.journal,
      logger: createLogger({ level: 'silent' }),
      settings: { replayWaitMs: INTERVAL_MS, intervalMs: INTERVAL_MS },
      clock: () => new Date(now),
    });
  });
  afterAll(async () => {
    await recovery.stop();
    await app.stop();
  });

  /** How many records each vendor holds for this email address. */
  function records(email: string): Record<string, number> {
    const sims = app.simulators.simulators;
    return {
      RAINMAKER: sims.RAINMAKER!.store.has(email) ? 1 : 0,
      ENGAGEMENT: sims.ENGAGEMENT!.store.all().filter((member) => member.email === email).length,
      GREENARROW: sims.GREENARROW!.store.all().filter((user) => user.email === email).length,
      USER_MANAGEMENT: sims.USER_MANAGEMENT!.store.all().filter((user) => user.emailAddress === email).length,
    };
  }

  it('leaves the create unknown until a later look, which removes the record that landed late', async () => {
    const email = 'late.landing@example.org';
    const rainMaker = app.simulators.simulators.RAINMAKER!;
    resetCounters(app);
    rainMaker.setFault('createUser', { latencyMs: 3_000, times: 1 });
    const answer = await graphql<{
      createUser: {
        user: { id: string } | null;
        results: { source: string; status: string; error: { code: string } | null }[];
      };
    }>(app, CREATE, {
      input: {
        email,
        password: 'Late-Pass-1234',
        firstName: 'La',
        lastName: 'Te',
        country: 'India',
        accountId: '2',
        username: 'late.landing',
      },
    });
    expect(
      Object.fromEntries(
        answer.data!.createUser.results.map((result) => [result.source, [result.status, result.error?.code ?? null]]),
      ),
    ).toEqual({
      RAINMAKER: ['FAILED', 'VENDOR_TIMEOUT'],
      ENGAGEMENT: ['ROLLED_BACK', null],
      GREENARROW: ['ROLLED_BACK', null],
      USER_MANAGEMENT: ['ROLLED_BACK', null],
    });
    expect(answer.data!.createUser.user).toBeNull();
    // The probe (setting the password it sent) found no such user: the create had not landed yet.
    expect(rainMaker.callLog('updatePassword').map((call) => call.status)).toEqual([404]);
    expect(rainMaker.calls('createUser')).toBe(1);
    const [operation] = (await app.store.journal.page({ first: 1 })).operations;
    expect(operation.state).toBe('INTERRUPTED');
    expect(
      (await app.store.journal.steps(operation.id)).find(
        (step) => step.source === 'RAINMAKER' && step.action === 'create',
      )?.state,
    ).toBe('STARTED');

    // Then it lands: the record the gateway used to leave to no one.
    await eventually(() => rainMaker.store.has(email), 'the held create to land at RainMaker', 10_000);
    expect(records(email)).toEqual({ RAINMAKER: 1, ENGAGEMENT: 0, GREENARROW: 0, USER_MANAGEMENT: 0 });

    // This process stopped waiting for it moments ago: a sweep now leaves it for the next one.
    now = Date.now();
    expect(await recovery.sweep()).toBe(0);
    now += INTERVAL_MS + 1_000;
    expect(await recovery.sweep()).toBe(1);
    const settled = (await app.store.journal.operation(operation.id))!;
    expect([settled.state, settled.settledBy]).toEqual(['COMPLETED', 'RECOVERY']);
    expect(
      Object.fromEntries((settled.payload as RecordedOutcome).results.map((result) => [result.source, result.status])),
    ).toEqual({
      RAINMAKER: 'FAILED',
      ENGAGEMENT: 'ROLLED_BACK',
      GREENARROW: 'ROLLED_BACK',
      USER_MANAGEMENT: 'ROLLED_BACK',
    });
    expect(rainMaker.calls('createUser')).toBe(1);
    expect(records(email)).toEqual({ RAINMAKER: 0, ENGAGEMENT: 0, GREENARROW: 0, USER_MANAGEMENT: 0 });
    expect((await app.store.identities.userIdsByEmails([email])).size).toBe(0);
  });

  it('refuses to delete the person while the create is unsettled, so its recovery never links records the delete removed', async () => {
    const email = 'late.kept@example.org';
    const rainMaker = app.simulators.simulators.RAINMAKER!;
    rainMaker.setFault('createUser', { latencyMs: 3_000, times: 1 });
    const answer = await graphql<{ createUser: { user: { id: string } | null; results: { status: string }[] } }>(
      app,
      CREATE,
      {
        input: {
          email,
          password: 'Late-Pass-1234',
          firstName: 'La',
          lastName: 'Kept',
          country: 'India',
          accountId: '2',
          username: 'late.kept',
          onPartialFailure: 'KEEP',
        },
      },
    );
    expect(answer.data!.createUser.results.map((result) => result.status)).toEqual([
      'FAILED',
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    const userId = answer.data!.createUser.user!.id;
    const [operation] = (await app.store.journal.page({ first: 1 })).operations;
    expect(operation.state).toBe('INTERRUPTED');
    await eventually(() => rainMaker.store.has(email), 'the held create to land at RainMaker', 10_000);

    const DELETE = 'mutation($id: ID!) { deleteUser(input: { id: $id }) { userErrors { code } } }';
    const refused = await graphql<{ deleteUser: { userErrors: { code: string }[] } }>(app, DELETE, { id: userId });
    expect(refused.data!.deleteUser.userErrors.map((error) => error.code)).toEqual(['EMAIL_IN_USE']);
    expect(records(email)).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });

    now = Date.now() + INTERVAL_MS + 1_000;
    expect(await recovery.sweep()).toBe(1);
    // RainMaker cannot be asked without the password, which recovery never has: what landed there is removed.
    expect(records(email)).toEqual({ RAINMAKER: 0, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
    const deleted = await graphql<{ deleteUser: { userErrors: { code: string }[] } }>(app, DELETE, { id: userId });
    expect(deleted.data!.deleteUser.userErrors).toEqual([]);
    expect(records(email)).toEqual({ RAINMAKER: 0, ENGAGEMENT: 0, GREENARROW: 0, USER_MANAGEMENT: 0 });
    expect((await app.store.identities.userIdsByEmails([email])).size).toBe(0);
  });
});
