/**
 * `npm run soak -- --minutes N` (default 3): the gateway and its simulators under a bounded, mixed
 * load for N minutes, to see what no single test can: memory that creeps, operations left
 * unsettled, and the journal drifting from what the vendors hold. Not a test: it prints its figures
 * and exits 1 when a bound does not hold.
 *
 * What runs, all on loopback: the demo's gateway (its database in a temporary directory) in front
 * of the four simulators; `--concurrency` clients (8) sending a mix of reads (a page of users with
 * their usernames and permissions, a user by email, an account's members, `sources`, the audit
 * trail) and writes (creates, some keyed, some racing for one email; updates, password and
 * permission changes, deletes; at most 150 people at once, so the simulators' records stay level); a sync of every vendor at a third and at two thirds of the run;
 * and, every few seconds, a random fault at a random vendor (5xx, resets, hangs, latency), cleared
 * a little later. The last sixth of the run has no faults, then the run waits for every operation
 * to be settled (the gateway's recovery settles what was interrupted, RECOVERY_REPLAY_WAIT_S is 5 s
 * here).
 *
 * At the end it prints RSS and heapUsed after a full collection (at the end of warm-up and at the
 * end), the answers' error codes, the operations by state, and whether the journal and the vendors
 * agree: every record a vendor holds for the people the soak created is linked to a gateway user,
 * and every link points at a record the vendor holds, with what the gateway knows of any record
 * where they do not. The bounds it exits 1 on, with a last line `soak FAILED: ...` naming each
 * broken one: heap growth under SOAK_HEAP_GROWTH_MIB (10), every operation settled, the journal and
 * the vendors agreeing (the disagreeing records named), no unhandled rejection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Pool } from 'undici';
import type { Source } from '../../src/domain/types';
import { createLogger } from '../../src/platform/logger';
import { planSync, runSync } from '../../src/sync/run-sync';
import type { Fault } from '../../src/simulators/kit/framework';
import { bootGateway, type BootedGateway } from '../helpers/gateway';

const HEAP_GROWTH_BOUND_MIB = Number(process.env['SOAK_HEAP_GROWTH_MIB'] ?? 10);
/** People the soak keeps at once; past it, writes delete as much as they create. */
const LIVE_PEOPLE = 150;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`soak: --${name} must be a positive number`);
  return value;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('soak: run with node --expose-gc (npm run soak does)');

function memory(): { heapMiB: number; rssMiB: number } {
  gc!();
  gc!();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: round(heapUsed / 1_048_576), rssMiB: round(rss / 1_048_576) };
}
const round = (value: number) => Math.round(value * 10) / 10;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const READS = [
  '{ users(first: 20) { nodes { email username permissions { api } identities { source } } } }',
  '{ user(email: "ada.lovelace0@example.com") { email username displayName firstName permissions { api } } }',
  '{ account(id: "1") { users(first: 10) { nodes { email username permissions { ui } } } } }',
  '{ sources { source reachable circuit } }',
  '{ operations(first: 5) { nodes { state settledBy results { source status } } } }',
];
const PAYLOAD = 'user { id email } results { source status error { code } } userErrors { code }';
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { ${PAYLOAD} } }`;
const PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ${PAYLOAD} } }`;
const PERMISSIONS = `mutation($input: SetPermissionsInput!) { setPermissions(input: $input) { ${PAYLOAD} } }`;
const DELETE = `mutation($input: DeleteUserInput!) { deleteUser(input: $input) { ${PAYLOAD} } }`;

/** Faults the injector picks from, at one vendor's route at a time. */
const FAULTS: Fault[] = [
  { status: 503, probability: 0.5 },
  { status: 500, times: 3 },
  { reset: true, times: 2 },
  { reset: 'afterWork', times: 1 },
  { hang: true, times: 1 },
  { hang: 'afterWork', times: 1 },
  { latencyMs: 400 },
];

interface Payload {
  user: { id: string; email: string } | null;
  results: { source: string; status: string; error: { code: string } | null }[];
  userErrors: { code: string }[];
}

async function main(): Promise<void> {
  const minutes = option('minutes', 3);
  const concurrency = option('concurrency', 8);
  const durationMs = minutes * 60_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-soak-'));
  let unhandled = 0;
  process.on('unhandledRejection', () => (unhandled += 1));
  const logLevels: Record<string, number> = {};
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          const level = /"level":(\d+)/.exec(line)?.[1];
          if (level !== undefined) logLevels[level] = (logLevels[level] ?? 0) + 1;
        }
        done();
      },
    }),
  });
  const app: BootedGateway = await bootGateway(
    {
      DATA_DIR: dataDir,
      VENDOR_TIMEOUT_MS: '1000',
      VENDOR_BREAKER_HALF_OPEN_MS: '2000',
      RATE_LIMIT_REQUESTS: '1000000',
      MIRROR_REFRESH_INTERVAL_S: '15',
      RECOVERY_INTERVAL_S: '2',
      RECOVERY_REPLAY_WAIT_S: '5',
    },
    logger,
  );
  const client = new Pool(new URL(app.url).origin, { connections: concurrency });
  const path = new URL(app.url).pathname;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.tokens!.admin}` };
  const codes: Record<string, number> = {};
  const count = (code: string) => (codes[code] = (codes[code] ?? 0) + 1);
  let requests = 0;

  async function send(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    requests += 1;
    const response = await client.request({
      path,
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.body.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    if (response.statusCode !== 200) count(`HTTP ${response.statusCode}`);
    for (const error of answer.errors ?? []) count(error.extensions?.code ?? 'NO_CODE');
    return answer.data ?? {};
  }
  async function mutate(query: string, input: Record<string, unknown>): Promise<Payload | null> {
    const data = await send(query, { input });
    const payload = Object.values(data)[0] as Payload | undefined;
    for (const error of payload?.userErrors ?? []) count(error.code);
    for (const result of payload?.results ?? []) if (result.error) count(`${result.source} ${result.error.code}`);
    return payload ?? null;
  }

  let people = 0;
  const created: { id: string; email: string }[] = [];
  const person = (email: string) => ({
    email,
    password: 'Soak-Pass-1234',
    firstName: 'So',
    lastName: 'Ak',
    country: 'India',
    accountId: pick(['1', '2', '3']),
    username: email.split('@')[0].replace(/[^a-z0-9]/gi, ''),
    permissions: { api: pick(['READ_ONLY', 'NONE']) },
    onPartialFailure: Math.random() < 0.8 ? 'ROLLBACK' : 'KEEP',
  });
  async function write(): Promise<void> {
    const roll = Math.random();
    // A steady state: past LIVE_PEOPLE people, a create gives way to a delete, so that what the
    // simulators (in this process, in its heap) hold stays level and the heap measures the gateway.
    if (created.length >= LIVE_PEOPLE) {
      const gone = created.splice(Math.floor(Math.random() * created.length), 1)[0];
      await mutate(DELETE, { id: gone.id });
      return;
    }
    if (roll < 0.45 || created.length === 0) {
      people += 1;
      const email = `soak.${people}@example.org`;
      const keyed = Math.random() < 0.3 ? { idempotencyKey: `soak-${people}` } : {};
      // Now and then two at once for one person, as a double submit sends them.
      const racers = Math.random() < 0.15 ? 2 : 1;
      const input = { ...person(email), ...keyed };
      const payloads = await Promise.all(Array.from({ length: racers }, () => mutate(CREATE, input)));
      for (const payload of payloads) if (payload?.user) created.push(payload.user);
      return;
    }
    const target = pick(created);
    if (roll < 0.6) await mutate(UPDATE, { id: target.id, displayName: `Soaked ${requests}` });
    else if (roll < 0.7) await mutate(PASSWORD, { id: target.id, password: `Soak-Pass-${requests}` });
    else if (roll < 0.85)
      await mutate(PERMISSIONS, { id: target.id, permissions: { ui: pick(['NONE', 'READ_ONLY']) } });
    else {
      created.splice(created.indexOf(target), 1);
      await mutate(DELETE, { id: target.id });
    }
  }

  const started = Date.now();
  const faultsUntil = started + (durationMs * 5) / 6;
  const until = started + durationMs;
  const warmUpMs = Math.min(30_000, durationMs / 6);

  const workers = Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      try {
        if (Math.random() < 0.6) await send(pick(READS));
        else await write();
      } catch {
        count('CLIENT_ERROR');
      }
    }
  });

  const vendors = Object.values(app.simulators.simulators);
  const faultRoutes: Record<string, string[]> = {
    RAINMAKER: ['createUser', 'updatePassword', 'deleteUser'],
    ENGAGEMENT: ['createMember', 'listMembers', 'deleteMember'],
    GREENARROW: ['getUser', 'createUser', 'updateUser', 'deleteUser', 'listUsers'],
    USER_MANAGEMENT: ['getUser', 'addUser', 'modifyUser', 'deleteUser', 'usersByAccount'],
  };
  let faultsInjected = 0;
  const injector = (async () => {
    while (Date.now() < faultsUntil) {
      const source = pick(Object.keys(faultRoutes)) as Source;
      const simulator = app.simulators.simulators[source]!;
      const route = pick(faultRoutes[source]);
      simulator.setFault(route, pick(FAULTS));
      faultsInjected += 1;
      await sleep(1_000 + Math.random() * 2_000);
      simulator.setFault(route, null);
      // The simulators keep a log of every call (tests count them); in this process's heap it would
      // grow with the run and pass for the gateway's memory. The soak counts none of them.
      for (const each of vendors) each.resetCalls();
      await sleep(1_000 + Math.random() * 2_000);
    }
    for (const simulator of vendors) simulator.clearFaults();
  })();

  const syncs: string[] = [];
  const syncer = (async () => {
    for (const at of [1 / 3, 2 / 3]) {
      await sleep(Math.max(0, started + durationMs * at - Date.now()));
      const plan = await planSync(app.adapters, app.store, ['1', '2', '3']);
      const result = await runSync(
        { store: app.store, logger },
        plan,
        { dryRun: false, pagesPerSecond: 0, leaseTtlMs: 30_000, signal: new AbortController().signal },
        { progress: () => undefined, waiting: () => undefined, finished: () => undefined },
      );
      syncs.push(result.status);
    }
  })();

  await sleep(warmUpMs);
  for (const simulator of vendors) simulator.resetCalls();
  const baseline = memory();
  await Promise.all([...workers, injector, syncer]);

  // Every operation settled: what a fault interrupted is the gateway's recovery's to settle.
  const unsettled = async () =>
    (
      await app.store.db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM operations WHERE state IN ('PENDING', 'INTERRUPTED')`,
      )
    )[0].n;
  const settleBy = Date.now() + 60_000;
  while ((await unsettled()) > 0 && Date.now() < settleBy) await sleep(500);
  const left = await unsettled();
  const states = Object.fromEntries(
    (
      await app.store.db.query<{ state: string; settled_by: string | null; n: number }>(
        'SELECT state, settled_by, COUNT(*) AS n FROM operations GROUP BY state, settled_by ORDER BY state',
      )
    ).map((row) => [`${row.state}${row.settled_by ? ` by ${row.settled_by}` : ''}`, row.n]),
  );
  const agreement = await journalAndVendors(app);
  for (const simulator of vendors) simulator.resetCalls();
  const end = memory();
  await client.close();
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const summary = {
    minutes,
    concurrency,
    requests,
    people,
    faultsInjected,
    syncs,
    memory: { afterWarmUp: baseline, atEnd: end, heapGrowthMiB: round(end.heapMiB - baseline.heapMiB) },
    codes: Object.fromEntries(Object.entries(codes).sort(([a], [b]) => a.localeCompare(b))),
    operations: states,
    unsettledOperations: left,
    agreement,
    logLinesAtWarnOrAbove: logLevels,
    unhandledRejections: unhandled,
  };
  const holds = {
    heap: summary.memory.heapGrowthMiB < HEAP_GROWTH_BOUND_MIB,
    settled: left === 0,
    agreement: agreement.unlinkedVendorRecords.length === 0 && agreement.linksWithoutRecord.length === 0,
    noUnhandledRejection: unhandled === 0,
  };
  process.stderr.write(
    [
      `soak: ${minutes} min, ${requests} requests at concurrency ${concurrency}, ${people} people created, ${faultsInjected} faults, syncs ${syncs.join(', ')}`,
      `memory after warm-up: heap ${baseline.heapMiB} MiB, RSS ${baseline.rssMiB} MiB; at the end: heap ${end.heapMiB} MiB, RSS ${end.rssMiB} MiB (heap growth ${summary.memory.heapGrowthMiB} MiB, bound ${HEAP_GROWTH_BOUND_MIB})`,
      `error codes: ${JSON.stringify(summary.codes)}`,
      `operations: ${JSON.stringify(states)}; unsettled: ${left}`,
      `journal and vendors: ${agreement.vendorRecords} vendor records of the soak's people, ${agreement.links} links; unlinked records ${JSON.stringify(agreement.unlinkedVendorRecords)}, links without a record ${JSON.stringify(agreement.linksWithoutRecord)}${agreement.disagreements.length > 0 ? `; what the gateway knows of them: ${JSON.stringify(agreement.disagreements)}` : ''}`,
      `log lines at warn (40) and above: ${JSON.stringify(logLevels)}; unhandled rejections: ${unhandled}`,
      `bounds: ${JSON.stringify(holds)}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ ...summary, holds })}\n`);
  const failures = [
    ...(holds.heap
      ? []
      : [`the heap grew ${summary.memory.heapGrowthMiB} MiB, past its bound of ${HEAP_GROWTH_BOUND_MIB} MiB`]),
    ...(holds.settled ? [] : [`${left} operations were left unsettled (PENDING or INTERRUPTED)`]),
    ...(holds.agreement
      ? []
      : [
          `the journal and the vendors disagree: vendor records no link points at ${JSON.stringify(agreement.unlinkedVendorRecords)}, links to records no vendor holds ${JSON.stringify(agreement.linksWithoutRecord)}`,
        ]),
    ...(holds.noUnhandledRejection ? [] : [`${unhandled} promise rejections went unhandled`]),
  ];
  if (failures.length > 0) {
    process.stderr.write(`soak FAILED: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  }
}

/** The soak's people as the vendors hold them against the gateway's links: both ways, by `SOURCE externalId`. */
async function journalAndVendors(app: BootedGateway) {
  const soak = (email: string | null | undefined) => email?.startsWith('soak.') ?? false;
  const sims = app.simulators.simulators;
  const held = new Set<string>([
    ...sims
      .RAINMAKER!.store.all()
      .filter((user) => soak(user.userName))
      .map((user) => `RAINMAKER ${user.userName}`),
    ...sims
      .ENGAGEMENT!.store.all()
      .filter((member) => soak(member.email))
      .map((member) => `ENGAGEMENT ${member.id}`),
    ...sims
      .GREENARROW!.store.all()
      .filter((user) => soak(user.email))
      .map((user) => `GREENARROW ${user.id}`),
    ...sims
      .USER_MANAGEMENT!.store.all()
      .filter((user) => soak(user.emailAddress))
      .map((user) => `USER_MANAGEMENT ${user.id}`),
  ]);
  const rows = await app.store.db.query<{ source: string; external_id: string; email: string | null }>(
    `SELECT i.source, i.external_id, u.email FROM identities i JOIN users u ON u.id = i.user_id WHERE i.status != 'ORPHANED'`,
  );
  const linked = new Set(rows.filter((row) => soak(row.email)).map((row) => `${row.source} ${row.external_id}`));
  const unlinkedVendorRecords = [...held].filter((record) => !linked.has(record));
  const linksWithoutRecord = [...linked].filter((record) => !held.has(record));
  // For each disagreement, what the gateway knows of the record: its link (any status) and the steps naming it.
  const explain = async (record: string) => {
    const [source, externalId] = record.split(' ');
    const links = await app.store.db.query<{ status: string; user_id: string }>(
      'SELECT status, user_id FROM identities WHERE source = $1 AND external_id = $2',
      [source, externalId],
    );
    const steps = await app.store.db.query<{ operation_id: string; action: string; state: string }>(
      'SELECT operation_id, action, state FROM operation_steps WHERE source = $1 AND external_id = $2',
      [source, externalId],
    );
    return { record, links, steps };
  };
  return {
    vendorRecords: held.size,
    links: linked.size,
    unlinkedVendorRecords,
    linksWithoutRecord,
    disagreements: await Promise.all([...unlinkedVendorRecords, ...linksWithoutRecord].map(explain)),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
