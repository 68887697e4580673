import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Operation, type OperationStep, type Store } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { TEST_AUTH_ENV, post, GatewayProcesses } from '../helpers/gateway-process';
import { startTestVendors, type TestVendors } from '../helpers/vendor-fixture';

/**
 * A gateway process is killed (SIGKILL) in the middle of a createUser fan-out: RainMaker and
 * Engagement have answered, GreenArrow hangs before doing anything, and user-management created the
 * record but never answered. After a restart the journal shows the operation interrupted with the
 * vendors already written; replaying the idempotency key finishes only what was missing, and every
 * vendor ends with exactly one record, matching the gateway's identity links.
 *
 * The simulators live in this (the test's) process, so their records outlive the killed gateway,
 * which is the production entry (src/index.ts) and reaches them as it would reach real vendors:
 * base URLs and credentials from its environment.
 */

const PASSWORD = 'Crash-Test-Pass-9';
const KEY = 'crash-create-ada';
const INPUT = {
  email: 'ada.crash@example.org',
  password: PASSWORD,
  firstName: 'Ada',
  lastName: 'Crash',
  country: 'India',
  accountId: '2',
  username: 'ada.crash',
  idempotencyKey: KEY,
};
const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id email identities { source externalId } }
    results { source status externalId retryable error { code message } }
    userErrors { code message }
    replayed
  }
}`;

interface Payload {
  user: { id: string; email: string; identities: { source: string; externalId: string }[] } | null;
  results: { source: string; status: string; externalId: string | null; retryable: boolean; error: unknown }[];
  userErrors: unknown[];
  replayed: boolean;
}

describe('a gateway killed in the middle of createUser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-crash-'));
  let vendors: TestVendors;
  let env: Record<string, string>;
  let store: Store | undefined;

  beforeAll(async () => {
    vendors = await startTestVendors();
    env = {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(dataDir, 'data'),
      LOG_LEVEL: 'info',
      // Long enough that only the kill ends the hung calls.
      VENDOR_TIMEOUT_MS: '120000',
      ...TEST_AUTH_ENV,
      ...vendors.env,
    };
  });

  afterAll(async () => {
    await gateways.killAll();
    await store?.close();
    await vendors?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const gateways = new GatewayProcesses(() => env);
  const start = () => gateways.start();
  const journalSteps = async (operation: Operation) =>
    (await store!.journal.steps(operation.id)).map((step: OperationStep) => [
      step.source,
      step.action,
      step.state,
      step.externalId,
    ]);
  const records = () => ({
    RAINMAKER: vendors.simulators.RAINMAKER.store.all().filter((user) => user.userName === INPUT.email),
    ENGAGEMENT: vendors.simulators.ENGAGEMENT.store.all().filter((member) => member.email === INPUT.email),
    GREENARROW: vendors.simulators.GREENARROW.store.all().filter((user) => user.email === INPUT.email),
    USER_MANAGEMENT: vendors.simulators.USER_MANAGEMENT.store.all().filter((user) => user.emailAddress === INPUT.email),
  });

  it('journals the vendors written, resumes only the missing ones on replay, and ends with one record per vendor', async () => {
    vendors.simulators.GREENARROW.setFault('createUser', { hang: true });
    vendors.simulators.USER_MANAGEMENT.setFault('addUser', { hang: 'afterWork' });
    const first = await start();
    store = await openStore({ file: join(env['DATA_DIR'], 'usergraph.db') });

    // The client's request dies with the gateway; its outcome is what the journal says.
    const lost = post<{ createUser: Payload }>(first, CREATE, { input: INPUT }).then(
      () => 'answered',
      () => 'connection lost',
    );
    await eventually(async () => (await store!.journal.operationByKey(KEY)) !== null, 'the operation to be journaled');
    const operation = (await store.journal.operationByKey(KEY))!;
    await eventually(async () => {
      const states = Object.fromEntries(
        (await store!.journal.steps(operation.id)).map((step) => [step.source, step.state]),
      );
      const settled =
        states['RAINMAKER'] === 'SUCCEEDED' &&
        states['ENGAGEMENT'] === 'SUCCEEDED' &&
        states['GREENARROW'] === 'STARTED';
      return settled && records().USER_MANAGEMENT.length === 1;
    }, 'RainMaker and Engagement to be written, GreenArrow and user-management to hang');

    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(await lost).toBe('connection lost');

    const engagementId = records().ENGAGEMENT[0].id;
    const userManagementId = String(records().USER_MANAGEMENT[0].id);
    expect(await store.journal.operation(operation.id)).toMatchObject({ state: 'PENDING', payload: null });
    expect(await journalSteps(operation)).toEqual(
      expect.arrayContaining([
        ['RAINMAKER', 'create', 'SUCCEEDED', INPUT.email],
        ['ENGAGEMENT', 'create', 'SUCCEEDED', engagementId],
        ['GREENARROW', 'create', 'STARTED', null],
        // user-management holds the record, but the gateway never heard: the step stays uncertain.
        ['USER_MANAGEMENT', 'create', 'STARTED', null],
      ]),
    );
    expect(await journalSteps(operation)).toHaveLength(4);

    // Restart: the new process marks the dead one's operation interrupted and says what it wrote.
    for (const simulator of Object.values(vendors.simulators)) simulator.clearFaults();
    const second = await start();
    expect(await store.journal.operation(operation.id)).toMatchObject({ state: 'INTERRUPTED' });
    const warning = second.logs.find(
      (entry) =>
        entry['msg'] ===
        'operation interrupted by an earlier stop; replay its idempotency key to finish it, or the gateway settles it itself after RECOVERY_REPLAY_WAIT_S',
    );
    expect(warning).toMatchObject({
      operation: { id: operation.id, mutation: 'createUser', idempotencyKey: KEY },
      written: expect.arrayContaining([
        // RainMaker's id is the email address, which a warn line never holds (the journal and `operations` have it).
        { source: 'RAINMAKER', action: 'create', externalId: '[email]' },
        { source: 'ENGAGEMENT', action: 'create', externalId: engagementId },
      ]),
      uncertain: expect.arrayContaining([
        { source: 'GREENARROW', action: 'create' },
        { source: 'USER_MANAGEMENT', action: 'create' },
      ]),
    });

    // Replay: RainMaker and Engagement are not called again; each uncertain step first looks for
    // what the interrupted attempt may have made: GreenArrow (by email) had nothing, so it is
    // created; user-management's account lists this person's record, which is adopted unsent.
    for (const simulator of Object.values(vendors.simulators)) simulator.resetCalls();
    const replay = await post<{ createUser: Payload }>(second, CREATE, { input: INPUT });
    expect(replay.errors).toBeUndefined();
    const payload = replay.data!.createUser;
    const greenArrowId = String(records().GREENARROW[0]?.id);
    expect(payload.userErrors).toEqual([]);
    expect(payload.replayed).toBe(true);
    expect(payload.results).toEqual([
      { source: 'RAINMAKER', status: 'SUCCEEDED', externalId: INPUT.email, retryable: false, error: null },
      { source: 'ENGAGEMENT', status: 'SUCCEEDED', externalId: engagementId, retryable: false, error: null },
      { source: 'GREENARROW', status: 'SUCCEEDED', externalId: greenArrowId, retryable: false, error: null },
      { source: 'USER_MANAGEMENT', status: 'SUCCEEDED', externalId: userManagementId, retryable: false, error: null },
    ]);
    expect([
      vendors.simulators.RAINMAKER.calls(),
      vendors.simulators.ENGAGEMENT.calls(),
      vendors.simulators.GREENARROW.calls(),
      vendors.simulators.USER_MANAGEMENT.calls(),
    ]).toEqual([{}, {}, { getUser: 1, createUser: 1 }, { usersByAccount: 1 }]);

    const held = records();
    for (const [source, found] of Object.entries(held)) expect([source, found.length]).toEqual([source, 1]);
    expect(payload.user!.email).toBe(INPUT.email);
    expect(
      Object.fromEntries(payload.user!.identities.map((identity) => [identity.source, identity.externalId])),
    ).toEqual({
      RAINMAKER: INPUT.email,
      ENGAGEMENT: engagementId,
      GREENARROW: greenArrowId,
      USER_MANAGEMENT: userManagementId,
    });
    expect(await store.journal.operation(operation.id)).toMatchObject({ state: 'COMPLETED' });
    expect((await journalSteps(operation)).map(([source, , state]) => [source, state])).toEqual(
      expect.arrayContaining([
        ['RAINMAKER', 'SUCCEEDED'],
        ['ENGAGEMENT', 'SUCCEEDED'],
        ['GREENARROW', 'SUCCEEDED'],
        ['USER_MANAGEMENT', 'SUCCEEDED'],
      ]),
    );

    // A second replay answers from the journal alone.
    for (const simulator of Object.values(vendors.simulators)) simulator.resetCalls();
    const again = await post<{ createUser: Payload }>(second, CREATE, { input: INPUT });
    expect(again.data!.createUser).toEqual(payload);
    expect(Object.values(vendors.simulators).map((simulator) => simulator.calls())).toEqual([{}, {}, {}, {}]);

    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.logs.map((entry) => entry['msg']).slice(-2)).toEqual(['stopping', 'stopped']);
    // Two gateway processes start from source, one after the other: on a busy machine that alone takes a while.
  }, 90_000);

  it('left the password and the vendor credentials in no database file and no log line of either process', () => {
    const secrets = [
      PASSWORD,
      ...['RAINMAKER_SECRET_ACCESS_KEY', 'ENGAGEMENT_PASSWORD', 'GREENARROW_PASSWORD', 'USER_MANAGEMENT_API_KEY'].map(
        (name) => env[name],
      ),
    ];
    const files = readdirSync(env['DATA_DIR'], { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(0);
    const lines = gateways.started.flatMap((gateway) => gateway.logs.map((entry) => JSON.stringify(entry)));
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const file of files) expect([file, readFileSync(file).includes(secret)]).toEqual([file, false]);
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
