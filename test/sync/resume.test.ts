import { join } from 'node:path';
import type { Source } from '../../src/domain/types';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import { seedAccounts } from '../../src/simulators/kit/seed';
import type { Checkpoint } from '../../src/store';
import { CheckpointStore } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { noChanges, runSync, scratchDir, startSync, withDatabase, type SyncEvent } from './support';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * A sync that never has to start over: a sync killed halfway (SIGKILL, no chance to clean up) and run
 * again resumes from its checkpoint and finishes without duplicates; SIGINT stops it cleanly with
 * exit code 3. "Halfway" is made reachable by slowing each page of the listings, and found by
 * waiting for the checkpoint, never by a clock.
 */
const POPULATION = 536;
const PAGE_LATENCY_MS = 400;

describe('a sync stopped halfway', () => {
  const dir = scratchDir();
  let running: RunningSimulators;
  let vendorEnv: Record<string, string>;
  const accounts = seedAccounts(POPULATION)
    .map((account) => account.id)
    .join(',');

  beforeAll(async () => {
    running = await startSimulators(
      loadSimulatorConfig({
        DATA_DIR: ':memory:',
        SIM_POPULATION: String(POPULATION),
        ...SIMULATORS_ON_FREE_PORTS,
      }),
    );
    vendorEnv = simulatorEnv(running);
  });
  afterAll(async () => {
    await running.close();
    dir.remove();
  });

  function slowListings(on: boolean): void {
    running.simulators.ENGAGEMENT!.setFault('listMembers', on ? { latencyMs: PAGE_LATENCY_MS } : null);
    running.simulators.GREENARROW!.setFault('listUsers', on ? { latencyMs: PAGE_LATENCY_MS } : null);
  }

  function checkpointOf(dataDir: string, source: Source): Promise<Checkpoint | null> {
    return withDatabase(dataDir, (db) => new CheckpointStore(db).get(source, '')).catch(() => null);
  }

  /** What the vendors hold, by source: every record the sync can read. */
  function held(): Record<string, number> {
    const { ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = running.simulators;
    return {
      ENGAGEMENT: ENGAGEMENT!.store.size,
      GREENARROW: GREENARROW!.store.size,
      USER_MANAGEMENT: USER_MANAGEMENT!.store.all().length,
    };
  }

  /** Every record linked once, to one person, and each person at most once per vendor. */
  async function expectNoDuplicates(dataDir: string): Promise<void> {
    const found = await withDatabase(dataDir, async (db) => ({
      links: await db.query<{ source: string; n: number; records: number }>(
        'SELECT source, COUNT(*) AS n, COUNT(DISTINCT external_id) AS records FROM identities GROUP BY source ORDER BY source',
      ),
      rows: await db.query<{ source: string; n: number }>(
        'SELECT source, COUNT(*) AS n FROM vendor_records GROUP BY source ORDER BY source',
      ),
      twice: await db.query('SELECT user_id, source FROM identities GROUP BY user_id, source HAVING COUNT(*) > 1'),
      users: await db.query<{ n: number; emails: number }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT email) AS emails FROM users',
      ),
    }));
    const expected = held();
    expect(Object.fromEntries(found.links.map((row) => [row.source, row.n]))).toEqual(expected);
    expect(Object.fromEntries(found.links.map((row) => [row.source, row.records]))).toEqual(expected);
    expect(Object.fromEntries(found.rows.map((row) => [row.source, row.n]))).toEqual(expected);
    expect(found.twice).toEqual([]);
    // Everyone in the population is at one listable vendor at least, under their own email.
    expect(found.users[0]).toEqual({ n: found.users[0].emails, emails: expect.any(Number) });
  }

  it('killed with SIGKILL after some pages, it resumes at its checkpoint and finishes without duplicates', async () => {
    const dataDir = join(dir.path, 'killed');
    const env = { ...vendorEnv, DATA_DIR: dataDir, SYNC_ACCOUNT_IDS: accounts };
    slowListings(true);
    const first = startSync(env);
    await eventually(
      async () => ((await checkpointOf(dataDir, 'ENGAGEMENT'))?.records ?? 0) >= 200,
      'two pages of the listing to be checkpointed',
      60_000,
    );
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const stopped = (await checkpointOf(dataDir, 'ENGAGEMENT'))!;
    expect(stopped.state).toBe('RUNNING');
    expect(stopped.records).toBeGreaterThanOrEqual(200);
    expect(stopped.records).toBeLessThan(held()['ENGAGEMENT']);
    // The offset of the next page, and the last member read (each page starts at it again).
    expect(stopped.cursor).toMatch(new RegExp(`^${stopped.records}:\\d+$`));
    slowListings(false);

    const second = await runSync(env);
    expect(second.code).toBe(0);
    const resumed = second.events.find(
      (event: SyncEvent) => event.event === 'finished' && event['source'] === 'ENGAGEMENT',
    )!;
    expect(resumed).toMatchObject({ status: 'DONE', resumedFrom: stopped.records, records: held()['ENGAGEMENT'] });
    // The pages read before the kill are not read again (each page from the last member of the one before: 99 new).
    expect(resumed['pages']).toBe(Math.ceil((held()['ENGAGEMENT'] - stopped.records) / 99));
    await expectNoDuplicates(dataDir);

    const third = await runSync(env);
    expect(third.code).toBe(0);
    expect(noChanges(third.summary!.changes)).toBe(true);
  }, 120_000);

  it('interrupted with SIGINT, it stops after the page in hand with exit code 3, and the next run finishes', async () => {
    const dataDir = join(dir.path, 'interrupted');
    const env = { ...vendorEnv, DATA_DIR: dataDir, SYNC_ACCOUNT_IDS: accounts };
    slowListings(true);
    const first = startSync(env);
    await eventually(
      async () => ((await checkpointOf(dataDir, 'GREENARROW'))?.records ?? 0) >= 100,
      'a page of the listing to be checkpointed',
      60_000,
    );
    first.process.kill('SIGINT');
    expect((await first.exited).code).toBe(3);
    expect(first.events.find((event) => event.event === 'summary')).toMatchObject({
      status: 'INTERRUPTED',
      exitCode: 3,
    });
    expect(first.stderr()).toContain('SIGINT: stopping after the page in hand');
    slowListings(false);

    const second = await runSync(env);
    expect(second.code).toBe(0);
    await expectNoDuplicates(dataDir);
  }, 120_000);
});
