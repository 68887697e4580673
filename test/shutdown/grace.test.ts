import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { TEST_API_KEY, TEST_AUTH_ENV, post, GatewayProcesses } from '../helpers/gateway-process';
import { startTestVendors, type TestVendors } from '../helpers/vendor-fixture';

/**
 * A mutation that cannot finish within SHUTDOWN_GRACE_MS (one vendor never answers its create): the
 * stop journals it INTERRUPTED, never COMPLETED; the hung vendor's step stays STARTED (it may have
 * landed), not FAILED, though closing the pool cut the call; the client is answered 503
 * SHUTDOWN_INTERRUPTED; the process exits 0 in bounded time; and a replay of the key after a
 * restart finishes what was left.
 */

const KEY = 'grace-create-ada';
const INPUT = {
  email: 'ada.grace@example.org',
  password: 'Grace-Test-Pass-9',
  firstName: 'Ada',
  lastName: 'Grace',
  country: 'India',
  accountId: '2',
  username: 'ada.grace',
  idempotencyKey: KEY,
};
const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { user { id } results { source status externalId } userErrors { code } replayed }
}`;

describe('a stop whose grace runs out', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-grace-'));
  let vendors: TestVendors;
  let store: Store | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    vendors = await startTestVendors();
    env = {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(dataDir, 'data'),
      MIRROR_REFRESH_INTERVAL_S: '0',
      SHUTDOWN_GRACE_MS: '1000',
      // Long enough that only the stop ends the hung call.
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
  const records = () => ({
    RAINMAKER: vendors.simulators.RAINMAKER.store.all().filter((user) => user.userName === INPUT.email).length,
    ENGAGEMENT: vendors.simulators.ENGAGEMENT.store.all().filter((member) => member.email === INPUT.email).length,
    GREENARROW: vendors.simulators.GREENARROW.store.all().filter((user) => user.email === INPUT.email).length,
    USER_MANAGEMENT: vendors.simulators.USER_MANAGEMENT.store.all().filter((user) => user.emailAddress === INPUT.email)
      .length,
  });

  it('journals the mutation INTERRUPTED with the hung step uncertain, answers 503, exits 0, and a replay finishes it', async () => {
    vendors.simulators.GREENARROW.setFault('createUser', { hang: true });
    const first = await start();
    store = await openStore({ file: join(env['DATA_DIR'], 'usergraph.db') });
    const opened = store;

    const answer = fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ query: CREATE, variables: { input: INPUT } }),
    }).then(async (response) => ({
      status: response.status,
      connection: response.headers.get('connection'),
      body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] },
    }));
    await eventually(async () => (await opened.journal.operationByKey(KEY)) !== null, 'the operation to be journaled');
    const operation = (await opened.journal.operationByKey(KEY))!;
    const states = async () =>
      Object.fromEntries((await opened.journal.steps(operation.id)).map((step) => [step.source, step.state]));
    await eventually(async () => {
      const now = await states();
      return (
        now['RAINMAKER'] === 'SUCCEEDED' &&
        now['ENGAGEMENT'] === 'SUCCEEDED' &&
        now['USER_MANAGEMENT'] === 'SUCCEEDED' &&
        now['GREENARROW'] === 'STARTED'
      );
    }, 'three vendors to be written and GreenArrow to hang');

    first.process.kill('SIGTERM');
    const answered = await answer;
    expect(await first.exited).toBe(0);
    expect(answered.status).toBe(503);
    expect(answered.connection).toBe('close');
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('SHUTDOWN_INTERRUPTED');

    expect(await opened.journal.operation(operation.id)).toMatchObject({ state: 'INTERRUPTED', payload: null });
    expect(await states()).toEqual({
      ENGAGEMENT: 'SUCCEEDED',
      GREENARROW: 'STARTED',
      RAINMAKER: 'SUCCEEDED',
      USER_MANAGEMENT: 'SUCCEEDED',
    });
    expect(records()).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 0, USER_MANAGEMENT: 1 });
    const report = first.logs.find(
      (line) =>
        line['msg'] ===
        'operation interrupted by this stop; replay its idempotency key to finish it, or the gateway settles it itself after RECOVERY_REPLAY_WAIT_S',
    );
    expect(report).toMatchObject({
      operation: { id: operation.id, mutation: 'createUser', idempotencyKey: KEY },
      written: expect.arrayContaining([
        expect.objectContaining({ source: 'RAINMAKER' }),
        expect.objectContaining({ source: 'ENGAGEMENT' }),
        expect.objectContaining({ source: 'USER_MANAGEMENT' }),
      ]),
      uncertain: [{ source: 'GREENARROW', action: 'create' }],
    });
    expect(first.logs.at(-1)?.['msg']).toBe('stopped');

    // The next start does not report it again (it is no dead process's), and its key finishes it.
    vendors.simulators.GREENARROW.clearFaults();
    const second = await start();
    const replay = await post<{
      createUser: { results: { source: string; status: string }[]; userErrors: unknown[]; replayed: boolean };
    }>(second, CREATE, { input: INPUT });
    expect(replay.data?.createUser.userErrors).toEqual([]);
    expect(replay.data?.createUser.replayed).toBe(true);
    expect(replay.data?.createUser.results.map((result) => result.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(records()).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
    expect(await opened.journal.operation(operation.id)).toMatchObject({ state: 'COMPLETED' });
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});
