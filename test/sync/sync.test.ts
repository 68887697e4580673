import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { SEED_ACCOUNTS, seedPeople } from '../../src/simulators/kit/seed';
import { spawnSimulators, type SimulatorsProcess } from '../helpers/gateway-process';
import { noChanges, query, runSync, scratchDir, startGateway } from './support';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * Importing the people the vendors already have: the simulators run alone (`npm run simulators`), a gateway on an empty
 * database with no simulators of its own; after `npm run sync` a seeded person is found with their
 * identities at every vendor that holds them and their GreenArrow permissions; a second sync
 * changes nothing; a dry run reports the same changes and writes nothing.
 */
const PEOPLE = seedPeople();
const ACCOUNT_IDS = SEED_ACCOUNTS.map((account) => account.id).join(',');

/** The vendors that can be read, and whether a seeded person is at each. */
function listedAt(person: (typeof PEOPLE)[number]): string[] {
  const at: string[] = [];
  if (person.in.engagement) at.push('ENGAGEMENT');
  if (person.in.greenarrow) at.push('GREENARROW');
  if (person.in.userManagement) at.push('USER_MANAGEMENT');
  return at;
}

describe('npm run sync against the simulators run alone', () => {
  const dir = scratchDir();
  let simulators: SimulatorsProcess;
  let vendorEnv: Record<string, string>;
  let syncEnv: Record<string, string>;
  let gateway: App | undefined;
  let predicted: Record<string, number> = {};

  beforeAll(async () => {
    simulators = await spawnSimulators([], {
      DATA_DIR: join(dir.path, 'vendors'),
      ...SIMULATORS_ON_FREE_PORTS,
    });
    vendorEnv = Object.fromEntries(
      simulators
        .stdout()
        .trim()
        .split('\n')
        .map((line) => {
          const at = line.indexOf('=');
          return [line.slice(0, at), line.slice(at + 1).replace(/^'(.*)'$/, '$1')];
        }),
    );
    syncEnv = { ...vendorEnv, DATA_DIR: join(dir.path, 'gateway'), SYNC_ACCOUNT_IDS: ACCOUNT_IDS };
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    simulators.process.kill('SIGTERM');
    await simulators.exited;
    dir.remove();
  });

  it('a dry run on the empty database reports what it would change and writes nothing', async () => {
    const { code, summary } = await runSync({ ...syncEnv, DATA_DIR: join(dir.path, 'dry') }, ['--dry-run']);
    expect(code).toBe(0);
    expect(summary).toMatchObject({ dryRun: true, status: 'DONE' });
    expect(summary!.changes['linksCreated']).toBeGreaterThan(0);
    predicted = summary!.changes;
    expect(existsSync(join(dir.path, 'dry'))).toBe(false);
  }, 60_000);

  it('imports every listable vendor, says RainMaker cannot be listed, and the gateway then knows everyone', async () => {
    const { code, summary, events, report } = await runSync(syncEnv);
    expect(code).toBe(0);
    expect(summary).toMatchObject({ dryRun: false, status: 'DONE' });
    // The dry run predicted exactly what the real run changed.
    expect(summary!.changes).toEqual(predicted);
    const start = events.find((event) => event.event === 'start')!;
    expect(start['skipped']).toEqual([
      { source: 'RAINMAKER', reason: expect.stringContaining('cannot list its users') },
    ]);
    expect(
      (start['walks'] as { source: string; scope: string }[]).map((walk) => `${walk.source}:${walk.scope}`),
    ).toEqual(['ENGAGEMENT:', 'GREENARROW:', ...SEED_ACCOUNTS.map((account) => `USER_MANAGEMENT:${account.id}`)]);
    expect(events.some((event) => event.event === 'progress')).toBe(true);
    expect(
      (report!['sources'] as { source: string; listedBy: string; compared: boolean }[]).map(
        ({ source, listedBy, compared }) => ({ source, listedBy, compared }),
      ),
    ).toEqual([
      { source: 'RAINMAKER', listedBy: 'NONE', compared: false },
      { source: 'ENGAGEMENT', listedBy: 'LISTING', compared: true },
      { source: 'GREENARROW', listedBy: 'LISTING', compared: true },
      { source: 'USER_MANAGEMENT', listedBy: 'ACCOUNTS', compared: true },
    ]);

    gateway = await startGateway(vendorEnv, syncEnv['DATA_DIR']);
    const known = PEOPLE.filter((person) => listedAt(person).length > 0);
    const aliases = known.map(
      (person, index) =>
        `p${index}: user(email: "${person.email.toUpperCase()}") { email identities { source status syncedAt } permissions { injection api ui disabled } firstName displayName }`,
    );
    const result = await query<
      Record<
        string,
        {
          email: string;
          identities: { source: string; status: string; syncedAt: string }[];
          permissions: Record<string, unknown> | null;
          firstName: string | null;
        }
      >
    >(gateway.url, `{ ${aliases.join('\n')} }`);
    expect(result.errors).toBeUndefined();
    known.forEach((person, index) => {
      const user = result.data![`p${index}`];
      expect(user.email).toBe(person.email);
      expect(user.identities.map((identity) => identity.source)).toEqual(listedAt(person));
      for (const identity of user.identities) {
        expect(identity.status).toBe('ACTIVE');
        expect(identity.syncedAt).toEqual(expect.any(String));
      }
      if (person.in.greenarrow) {
        expect(user.permissions).toEqual({
          injection: person.permissions.injection,
          api: person.permissions.api,
          ui: person.permissions.ui,
          disabled: person.permissions.disabled,
        });
      } else {
        expect(user.permissions).toBeNull();
      }
      if (person.in.engagement) expect(user.firstName).toBe(person.firstName);
    });
  }, 60_000);

  it('a second sync, while the gateway runs, reports no changes', async () => {
    const { code, summary } = await runSync({ ...syncEnv, SYNC_ACCOUNT_IDS: '' });
    expect(code).toBe(0);
    expect(summary!.status).toBe('DONE');
    expect(noChanges(summary!.changes)).toBe(true);
  }, 60_000);

  it('says how to use it, and refuses what it does not understand with exit code 2', async () => {
    const help = await runSync(syncEnv, ['--help']);
    expect(help.code).toBe(0);
    const bad = await runSync(syncEnv, ['--source', 'NOWHERE']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--source: expected one of RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT');
    const unconfigured = await runSync({ DATA_DIR: join(dir.path, 'none') });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('No vendor is configured');
  }, 60_000);

  it('runs as `npx usergraph sync` in the repository', () => {
    const root = join(__dirname, '..', '..');
    const npx = spawnSync('npx', ['--no-install', 'usergraph', 'sync', '--help'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    });
    expect(npx.status).toBe(0);
    expect(npx.stdout).toContain('npx usergraph sync');
  }, 120_000);
});
