import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { TEST_AUTH_ENV, post, GatewayProcesses } from '../helpers/gateway-process';
import { startTestVendors, type TestVendors } from '../helpers/vendor-fixture';

/**
 * No operation left for a human: a gateway process is killed (SIGKILL)
 * with creates without an idempotency key in flight, which nobody can ever replay. At each vendor
 * the kill finds them in another state: RainMaker created the user but never answered (and cannot
 * be read), Engagement answered, GreenArrow hangs before doing anything, user-management created
 * the record but never answered. After a restart the gateway settles each operation itself, by its
 * `onPartialFailure`: with ROLLBACK nothing is left anywhere; with KEEP the records it could confirm
 * are kept and linked, and RainMaker's, which it could not, is removed. Either way no vendor holds a
 * record the gateway does not link, and `operations` shows each settled by RECOVERY.
 */

const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { results { source status } }
}`;
const OPERATIONS = `{ operations(first: 50) { nodes { id mutation state settledBy idempotencyKey
  results { source status externalId } steps { source action state } } } }`;

interface OperationNode {
  id: string;
  mutation: string;
  state: string;
  settledBy: string | null;
  idempotencyKey: string | null;
  results: { source: string; status: string; externalId: string | null }[] | null;
  steps: { source: string; action: string; state: string }[];
}

const PER_POLICY = 3;

describe('interrupted creates without a key, settled by the gateway after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-recovery-'));
  let vendors: TestVendors;
  let env: Record<string, string>;
  let store: Store | undefined;
  const gateways = new GatewayProcesses(() => env);

  beforeAll(async () => {
    vendors = await startTestVendors();
    env = {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(dataDir, 'data'),
      LOG_LEVEL: 'info',
      // Long enough that only the kill ends the hung calls.
      VENDOR_TIMEOUT_MS: '120000',
      MIRROR_REFRESH_INTERVAL_S: '0',
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

  const people = Array.from({ length: 2 * PER_POLICY }, (_, index) => ({
    email: `recover.${index}@example.org`,
    password: 'Recovery-Pass-5',
    firstName: 'Re',
    lastName: `Cover${index}`,
    country: 'India',
    accountId: '2',
    username: `recover.${index}`,
    onPartialFailure: index < PER_POLICY ? 'ROLLBACK' : 'KEEP',
  }));

  /** Every record the vendors hold for the people of this test, as `SOURCE externalId`. */
  function vendorRecords(): string[] {
    const emails = new Set(people.map((person) => person.email));
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = vendors.simulators;
    return [
      ...RAINMAKER.store
        .all()
        .filter((user) => emails.has(user.userName))
        .map((user) => `RAINMAKER ${user.userName}`),
      ...ENGAGEMENT.store
        .all()
        .filter((member) => emails.has(member.email))
        .map((member) => `ENGAGEMENT ${member.id}`),
      ...GREENARROW.store
        .all()
        .filter((user) => emails.has(user.email))
        .map((user) => `GREENARROW ${user.id}`),
      ...USER_MANAGEMENT.store
        .all()
        .filter((user) => emails.has(user.emailAddress))
        .map((user) => `USER_MANAGEMENT ${user.id}`),
    ].sort();
  }

  async function linkedRecords(): Promise<string[]> {
    const rows = await store!.db.query<{ source: string; external_id: string }>(
      'SELECT source, external_id FROM identities',
    );
    return rows.map((row) => `${row.source} ${row.external_id}`).sort();
  }

  it('settles every one by its policy, leaving no vendor record the gateway does not link', async () => {
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = vendors.simulators;
    RAINMAKER.setFault('createUser', { hang: 'afterWork' });
    GREENARROW.setFault('createUser', { hang: true });
    USER_MANAGEMENT.setFault('addUser', { hang: 'afterWork' });
    const first = await gateways.start();
    store = await openStore({ file: join(env['DATA_DIR'], 'usergraph.db') });
    const opened = store;

    const lost = people.map((input) =>
      post(first, CREATE, { input }).then(
        () => 'answered',
        () => 'connection lost',
      ),
    );
    await eventually(async () => {
      const steps = await opened.db.query<{ source: string; state: string }>(
        'SELECT source, state FROM operation_steps',
      );
      const count = (source: string, state: string) =>
        steps.filter((step) => step.source === source && step.state === state).length;
      return (
        count('RAINMAKER', 'STARTED') === people.length &&
        count('ENGAGEMENT', 'SUCCEEDED') === people.length &&
        count('GREENARROW', 'STARTED') === people.length &&
        USER_MANAGEMENT.store.all().filter((user) => user.emailAddress.startsWith('recover.')).length ===
          people.length &&
        RAINMAKER.store.all().filter((user) => user.userName.startsWith('recover.')).length === people.length
      );
    }, 'every create to be in flight: RainMaker and user-management written unanswered, Engagement answered, GreenArrow hung');

    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(await Promise.all(lost)).toEqual(people.map(() => 'connection lost'));
    // Records the gateway has not linked: what a human had to find by hand before.
    expect(await linkedRecords()).toEqual([]);
    expect(vendorRecords()).toHaveLength(3 * people.length);

    for (const simulator of Object.values(vendors.simulators)) {
      simulator.clearFaults();
      simulator.resetCalls();
    }
    env = { ...env, VENDOR_TIMEOUT_MS: '5000' };
    const second = await gateways.start();
    // The documented time: the first sweep runs at startup; each operation costs a few vendor calls.
    await eventually(async () => {
      const states = await opened.db.query<{ state: string }>('SELECT state FROM operations');
      return states.length === people.length && states.every((row) => row.state === 'COMPLETED');
    }, 'recovery to settle every interrupted operation');

    const answer = await post<{ operations: { nodes: OperationNode[] } }>(second, OPERATIONS, {});
    expect(answer.errors).toBeUndefined();
    const operations = answer.data!.operations.nodes;
    expect(operations).toHaveLength(people.length);
    for (const operation of operations) {
      expect([operation.mutation, operation.state, operation.settledBy, operation.idempotencyKey]).toEqual([
        'createUser',
        'COMPLETED',
        'RECOVERY',
        null,
      ]);
      // No step is left uncertain: the journal says what each vendor holds.
      expect(operation.steps.filter((step) => step.state === 'STARTED')).toEqual([]);
    }
    const outcomes = operations.map((operation) =>
      Object.fromEntries(operation.results!.map((result) => [result.source, result.status])),
    );
    const rolledBack = {
      RAINMAKER: 'FAILED',
      ENGAGEMENT: 'ROLLED_BACK',
      GREENARROW: 'FAILED',
      USER_MANAGEMENT: 'ROLLED_BACK',
    };
    const kept = { RAINMAKER: 'FAILED', ENGAGEMENT: 'SUCCEEDED', GREENARROW: 'FAILED', USER_MANAGEMENT: 'SUCCEEDED' };
    expect(outcomes.filter((outcome) => JSON.stringify(outcome) === JSON.stringify(rolledBack))).toHaveLength(
      PER_POLICY,
    );
    expect(outcomes.filter((outcome) => JSON.stringify(outcome) === JSON.stringify(kept))).toHaveLength(PER_POLICY);
    // By policy: with ROLLBACK nobody is left anywhere; with KEEP, Engagement's and user-management's records.
    for (const person of people) {
      const held = [
        ENGAGEMENT.store.all().some((member) => member.email === person.email),
        USER_MANAGEMENT.store.all().some((user) => user.emailAddress === person.email),
        RAINMAKER.store.has(person.email),
        GREENARROW.store.all().some((user) => user.email === person.email),
      ];
      const keep = person.onPartialFailure === 'KEEP';
      expect([person.email, held]).toEqual([person.email, [keep, keep, false, false]]);
    }

    // The journal and the vendors agree: every record a vendor holds is linked, and nothing else.
    expect(vendorRecords()).toEqual(await linkedRecords());
    expect(vendorRecords()).toHaveLength(2 * PER_POLICY);
    // Recovery never sent a create again.
    expect(
      Object.values(vendors.simulators).map((simulator) =>
        Object.keys(simulator.calls()).filter((route) => /create|addUser/i.test(route)),
      ),
    ).toEqual([[], [], [], []]);
    expect(
      second.logs.filter(
        (line) => line['msg'] === 'recovery settled an interrupted operation: the journal and the vendors agree again',
      ),
    ).toHaveLength(people.length);

    const metrics = await fetch(new URL('/metrics', second.url), {
      headers: { authorization: `Bearer ${second.token}` },
    }).then((response) => response.text());
    expect(metrics).toContain(`usergraph_journal_operations_recovered_total{mutation="createUser"} ${people.length}`);

    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // Two gateway processes start from source, one after the other: on a busy machine that alone takes a while.
  }, 120_000);
});
