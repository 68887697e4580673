import { join } from 'node:path';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import { GENERATED_ACCOUNT_SIZE, seedAccounts, seedPeople } from '../../src/simulators/kit/seed';
import { query, runSync, scratchDir, startGateway } from './support';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * The vendors' size must not change a request's cost, nor stop a sync: at about 100 and 10,000
 * people per vendor (SIM_POPULATION 136 and 10,036: the sample's 36 and one or a hundred generated
 * accounts of 100 people, each of them at every vendor). After a sync, a request costs the same
 * vendor calls at both sizes and never calls Engagement, which is read from the mirror; the sync of
 * 10,000 per vendor completes, and its time and peak memory are printed (no threshold: the machine
 * decides those).
 *
 * The account asked for is account 4, the first generated one: the same 100 people at both sizes,
 * so the same page.
 */
const SMALL = 136;
const LARGE = 10_036;

const USER_QUERY = `query ($email: String!) { user(email: $email) {
  id email displayName firstName lastName country subscriptions { email sms voice } active
  permissions { injection api ui disabled mailClass { name } } account { id }
  identities { source externalId status syncedAt } } }`;
const ACCOUNT_QUERY = `{ account(id: "4") { users(first: ${GENERATED_ACCOUNT_SIZE}) { totalCount nodes {
  email displayName firstName country subscriptions { email sms } active permissions { api ui injection }
  identities { source externalId syncedAt } } } } }`;

type Calls = Record<string, Record<string, number>>;

interface Measured {
  population: number;
  perVendor: Record<string, number>;
  sync: { elapsedMs: number; maxRssKb: number };
  userCalls: Calls;
  accountCalls: Calls;
  /** The same account page asked again in the same process: GreenArrow's batch strategy has learned the listing's size. */
  accountAgainCalls: Calls;
}

function callsOf(running: RunningSimulators): Calls {
  const calls: Calls = {};
  for (const [source, simulator] of Object.entries(running.simulators)) {
    const counts = simulator.calls();
    if (Object.keys(counts).length > 0) calls[source] = counts;
  }
  return calls;
}

function resetCalls(running: RunningSimulators): void {
  for (const simulator of Object.values(running.simulators)) simulator.resetCalls();
}

async function measure(population: number, dataDir: string): Promise<Measured> {
  const running = await startSimulators(
    loadSimulatorConfig({
      DATA_DIR: ':memory:',
      SIM_POPULATION: String(population),
      ...SIMULATORS_ON_FREE_PORTS,
    }),
  );
  try {
    const { ENGAGEMENT, GREENARROW, USER_MANAGEMENT, RAINMAKER } = running.simulators;
    const perVendor = {
      ENGAGEMENT: ENGAGEMENT!.store.size,
      GREENARROW: GREENARROW!.store.size,
      USER_MANAGEMENT: USER_MANAGEMENT!.store.all().length,
      RAINMAKER: RAINMAKER!.store.all().length,
    };
    const env = {
      ...simulatorEnv(running),
      DATA_DIR: dataDir,
      SYNC_ACCOUNT_IDS: seedAccounts(population)
        .map((account) => account.id)
        .join(','),
    };
    const synced = await runSync(env);
    expect(synced.code).toBe(0);
    expect(synced.summary!.changes['recordsAdded']).toBe(
      perVendor.ENGAGEMENT + perVendor.GREENARROW + perVendor.USER_MANAGEMENT,
    );

    const gateway = await startGateway(simulatorEnv(running), dataDir);
    try {
      const person = seedPeople(population)[40];
      resetCalls(running);
      const user = await query<{ user: { identities: { source: string }[]; firstName: string; permissions: unknown } }>(
        gateway.url,
        USER_QUERY,
        { email: person.email },
      );
      expect(user.errors).toBeUndefined();
      expect(user.data!.user.identities.map((identity) => identity.source)).toEqual([
        'ENGAGEMENT',
        'GREENARROW',
        'USER_MANAGEMENT',
      ]);
      expect(user.data!.user.firstName).toBe(person.firstName);
      expect(user.data!.user.permissions).not.toBeNull();
      const userCalls = callsOf(running);

      resetCalls(running);
      const account = await query<{
        account: { users: { totalCount: number; nodes: { email: string; firstName: string; permissions: unknown }[] } };
      }>(gateway.url, ACCOUNT_QUERY);
      expect(account.errors).toBeUndefined();
      const nodes = account.data!.account.users.nodes;
      expect(nodes).toHaveLength(GENERATED_ACCOUNT_SIZE);
      expect(nodes.every((node) => node.firstName !== null && node.permissions !== null)).toBe(true);
      const accountCalls = callsOf(running);

      resetCalls(running);
      expect((await query(gateway.url, ACCOUNT_QUERY)).errors).toBeUndefined();
      const accountAgainCalls = callsOf(running);
      return {
        population,
        perVendor,
        sync: { elapsedMs: synced.summary!.elapsedMs, maxRssKb: synced.summary!.maxRssKb },
        userCalls,
        accountCalls,
        accountAgainCalls,
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await running.close();
  }
}

describe('vendors of about 100 and 10,000 people each', () => {
  const dir = scratchDir();
  const measured: Measured[] = [];

  beforeAll(async () => {
    measured.push(await measure(SMALL, join(dir.path, 'small')));
    measured.push(await measure(LARGE, join(dir.path, 'large')));
    const lines = measured.map(
      (m) =>
        `population ${m.population} (per vendor ${JSON.stringify(m.perVendor)}): sync ${(m.sync.elapsedMs / 1000).toFixed(1)} s, peak RSS ${(m.sync.maxRssKb / 1024).toFixed(0)} MB; ` +
        `user(email:) ${JSON.stringify(m.userCalls)}; account(id){users(first: 100)} ${JSON.stringify(m.accountCalls)}, asked again ${JSON.stringify(m.accountAgainCalls)}`,
    );
    console.log(`sync at scale (npm run test:scale):\n${lines.join('\n')}`);
  }, 300_000);
  afterAll(() => dir.remove());

  it('syncs 10,000 people per vendor to the end', () => {
    const large = measured[1];
    for (const source of ['ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'])
      expect(large.perVendor[source]).toBeGreaterThanOrEqual(10_000);
    expect(large.sync.maxRssKb).toBeGreaterThan(0);
  });

  it('costs the same vendor calls for user(email:) and for an account of 100 at both sizes, and never calls Engagement', () => {
    const [small, large] = measured as [Measured, Measured];
    expect(large.userCalls).toEqual(small.userCalls);
    expect(large.accountCalls).toEqual(small.accountCalls);
    expect(small.userCalls).toEqual({ GREENARROW: { getUser: 1 }, USER_MANAGEMENT: { getUser: 1 } });
    expect(small.accountCalls).toEqual({ USER_MANAGEMENT: { usersByAccount: 1 }, GREENARROW: { listUsers: 2 } });
    for (const calls of [
      small.userCalls,
      small.accountCalls,
      large.userCalls,
      large.accountCalls,
      small.accountAgainCalls,
      large.accountAgainCalls,
    ]) {
      expect(calls['ENGAGEMENT']).toBeUndefined();
    }
  });

  it('never costs more GreenArrow calls for a page than the people on it, however large the vendor', () => {
    // Asked again, the page reads the two GreenArrow pages that hold its people, by number, at both sizes.
    for (const m of measured) expect(m.accountAgainCalls).toEqual(measured[0].accountCalls);
    for (const m of measured) {
      const greenArrow = Object.values(m.accountAgainCalls['GREENARROW'] ?? {}).reduce((sum, count) => sum + count, 0);
      expect(greenArrow).toBeLessThanOrEqual(GENERATED_ACCOUNT_SIZE);
      expect(m.accountAgainCalls['USER_MANAGEMENT']).toEqual({ usersByAccount: 1 });
    }
  });
});
