/**
 * `npm run bench [-- OPTIONS]`: the gateway against a hand-written floor, under load, on loopback.
 *
 * It starts the four simulators (bench/vendors.ts, a process of their own), imports their people
 * into a gateway database with the sync, and then, per scenario (bench/scenarios.ts): sets the
 * vendors' latency, starts the production gateway (dist/src/index.js, with a copy of that database
 * and a token) and the floor (bench/floor.js), checks that both answer the scenario's request with
 * the same data by the same vendor calls, warms both up, and drives them in turns (gateway, floor,
 * gateway, floor, ...; with `--baseline`, another build of the gateway between them) with autocannon. Per round it measures requests per second, p50 and
 * p99, vendor calls per operation (the simulators' call logs), CPU per operation and peak RSS of
 * the process under load (/proc), and how much of the machine other processes used meanwhile
 * (the noise). It prints the medians per scenario with the gateway/floor ratios, and writes
 * everything as JSON with `--json FILE`.
 *
 * Timings are figures, never verdicts: the exit code is 1 only when something did not work (a
 * request that failed, the two sides disagreeing on data or calls, a process that would not start).
 * Every process it starts is stopped when it ends, fails, or is interrupted.
 */
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SOURCES } from '../src/domain/types';
import { baselineEntry } from './baseline';
import { summarizeProfile, type ProfileSummary } from './profile';
import {
  Children,
  GATEWAY_ENTRY,
  Vendors,
  cpuMs,
  machineBusyMs,
  runSync,
  sampleRss,
  startFloor,
  startGateway,
  type Server,
} from './processes';
import { DOCUMENTS, SCENARIOS, answeredWell, createVariables, readVariables, type Scenario } from './scenarios';
import type { CallCounts } from './vendors-protocol';

const USAGE = `usage: npm run bench -- [OPTIONS]

  --smoke              every scenario very briefly (1 s of warm-up, one round of 1 s a side): proves it works
  --duration S         seconds per round (default 10)
  --warmup S           seconds of unmeasured load per side before the rounds (default 3)
  --rounds N           measured rounds per side, interleaved (default 3)
  --connections N      requests in flight at once, for every scenario (default: the scenario's, 20 or 10)
  --scenario NAMES     only the scenarios whose names contain one of these (comma-separated)
  --json FILE          also write every figure as JSON to FILE
  --auth KIND          how requests authenticate: api-key (default) or jwt (HS256); the floor checks the same
  --baseline REF       also measure the gateway as built from git commit REF, in the same rounds (bench/baseline.ts)
  --profile DIR        run the gateway under --cpu-prof; one profile per scenario in DIR, summarised
  --list               list the scenarios and exit

exit codes: 0 done, 1 something did not work (see the messages), 2 bad arguments`;

interface Options {
  auth: 'api-key' | 'jwt';
  baseline: string | null;
  durationS: number;
  warmupS: number;
  rounds: number;
  connections: number | null;
  filters: string[];
  jsonFile: string | null;
  profileDir: string | null;
  smoke: boolean;
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Options | 'list' {
  const options: Options = {
    auth: 'api-key',
    baseline: null,
    durationS: 10,
    warmupS: 3,
    rounds: 3,
    connections: null,
    filters: [],
    jsonFile: null,
    profileDir: null,
    smoke: false,
  };
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const text = inline ?? args[++i];
      if (text === undefined || text === '') throw new UsageError(`${flag} needs a value`);
      return text;
    };
    const number = (min: number, max: number) => {
      const parsed = Number(value());
      if (!Number.isFinite(parsed) || parsed < min || parsed > max)
        throw new UsageError(`${flag}: expected a number from ${min} to ${max}`);
      return parsed;
    };
    given.add(flag);
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      case '--list':
        return 'list';
      case '--smoke':
        options.smoke = true;
        break;
      case '--duration':
        options.durationS = number(1, 3_600);
        break;
      case '--warmup':
        options.warmupS = number(0, 3_600);
        break;
      case '--rounds':
        options.rounds = Math.round(number(1, 100));
        break;
      case '--connections':
        options.connections = Math.round(number(1, 1_000));
        break;
      case '--scenario':
        options.filters.push(
          ...value()
            .split(',')
            .filter((name) => name !== ''),
        );
        break;
      case '--json':
        options.jsonFile = resolve(value());
        break;
      case '--auth': {
        const kind = value();
        if (kind !== 'api-key' && kind !== 'jwt')
          throw new UsageError(`--auth: expected api-key or jwt, got "${kind}"`);
        options.auth = kind;
        break;
      }
      case '--baseline':
        options.baseline = value();
        break;
      case '--profile':
        options.profileDir = resolve(value());
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(args[i])}`);
    }
  }
  if (options.smoke) {
    if (!given.has('--duration')) options.durationS = 1;
    if (!given.has('--warmup')) options.warmupS = 1;
    if (!given.has('--rounds')) options.rounds = 1;
  }
  return options;
}

/** What one measured round of one side gave. */
interface Round {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Requests that failed: transport errors, timeouts, non-2xx, or an answer with errors or a vendor not written. */
  failed: number;
  /** Successful vendor calls per completed request, and the calls that failed (any vendor, any route). */
  vendorCallsPerOp: number;
  vendorCallsFailed: number;
  /** Every vendor route's calls in the round (with the requests cut off at its end). */
  calls: CallCounts;
  /** CPU (all threads, user and system) of the process under load, per completed request. */
  cpuMsPerOp: number;
  peakRssMiB: number;
  /** Cores' worth of CPU that processes other than the benchmark's used during the round. */
  otherCores: number;
}

/** A round's numbers alone. */
type Figures = Omit<Round, 'calls'>;

/** The gateway of this checkout, the one of `--baseline`, and the hand-written floor. */
type Side = 'gateway' | 'baseline' | 'floor';

interface ScenarioResult {
  name: string;
  title: string;
  latencyMs: Scenario['latencyMs'];
  connections: number;
  /** The check before the rounds: one request each, compared. */
  /** The sides measured, in the order of their rounds. */
  sides: Side[];
  check: { sameData: boolean; sameCalls: boolean; calls: Partial<Record<Side, CallCounts>>; problems: string[] };
  rounds: Partial<Record<Side, Round[]>>;
  median: Partial<Record<Side, Figures>>;
  /** Each gateway over the floor (and over the baseline): requests per second, and CPU per operation. */
  ratio: Partial<
    Record<'gateway' | 'baseline' | 'gatewayOverBaseline', { requestsPerSecond: number; cpuPerOp: number }>
  >;
  profile?: ProfileSummary;
}

const log = (text: string) => process.stderr.write(`${text}\n`);

/** The token every request carries, and the variables that make the gateway and the floor accept it. */
interface Credentials {
  token: string;
  gateway: Record<string, string>;
  floor: Record<string, string>;
}

/** An admin API key, and its hash for the gateway (AUTH_API_KEYS) and the floor. */
function apiKeyCredentials(): Credentials {
  const token = randomBytes(24).toString('base64url');
  const sha256 = createHash('sha256').update(token).digest('hex');
  return { token, gateway: { AUTH_API_KEYS: `bench:admin:${sha256}` }, floor: { FLOOR_API_KEY_SHA256: sha256 } };
}

/** An HS256 JWT with the admin role for a fresh secret (AUTH_JWT_SECRET), valid for a day. */
async function jwtCredentials(): Promise<Credentials> {
  const secret = randomBytes(32).toString('base64url');
  const token = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setAudience('usergraph')
    .setIssuedAt()
    .setExpirationTime('24h')
    .sign(new TextEncoder().encode(secret));
  return { token, gateway: { AUTH_JWT_SECRET: secret }, floor: { FLOOR_JWT_SECRET: secret } };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of each figure over the rounds (a figure's median may come from another round than the next one's). */
function medianRound(rounds: readonly Round[]): Figures {
  const keys = (Object.keys(rounds[0]) as (keyof Round)[]).filter((key): key is keyof Figures => key !== 'calls');
  return Object.fromEntries(keys.map((key) => [key, median(rounds.map((round) => round[key]))])) as unknown as Figures;
}

function totalCalls(counts: CallCounts, outcome: 'answered' | 'failed'): number {
  let total = 0;
  for (const routes of Object.values(counts)) for (const route of Object.values(routes)) total += route[outcome];
  return total;
}

/** The counts as `SOURCE route: n`, for messages. */
function describeCalls(counts: CallCounts): string {
  return SOURCES.flatMap((source) =>
    Object.entries(counts[source] ?? {}).map(
      ([route, { answered, failed }]) => `${source} ${route} ${answered}${failed > 0 ? ` (+${failed} failed)` : ''}`,
    ),
  ).join(', ');
}

/** The data of an answer without what is different every time (new ids). */
function comparable(operation: Scenario['operation'], data: unknown): unknown {
  if (operation !== 'createUser' || data === null || typeof data !== 'object') return data;
  const created = (data as { createUser?: { results?: { source: string; status: string }[]; userErrors?: unknown } })
    .createUser;
  return {
    results: created?.results?.map(({ source, status }) => ({ source, status })),
    userErrors: created?.userErrors,
  };
}

class Bench {
  private readonly children = new Children();
  private readonly work = mkdtempSync(join(tmpdir(), 'usergraph-bench-'));
  /** What every request carries, and what the gateway and the floor are told to accept. */
  private credentials: Credentials = apiKeyCredentials();
  private readonly runTag = randomBytes(3).toString('hex');
  private vendors: Vendors | null = null;
  /** The production entry built from `--baseline`'s commit, or null without one. */
  private baselineEntry: string | null = null;
  private template = '';
  private vendorEnv: Record<string, string> = {};

  constructor(private readonly options: Options) {}

  get workDir(): string {
    return this.work;
  }

  async setUp(): Promise<void> {
    if (this.options.baseline !== null) {
      log(`Building the baseline gateway from ${this.options.baseline}`);
      this.baselineEntry = baselineEntry(this.options.baseline);
    }
    if (this.options.auth === 'jwt') this.credentials = await jwtCredentials();
    log(`Starting the simulators (logs in ${this.work})`);
    this.vendors = await Vendors.start(this.children, join(this.work, 'vendors.log'));
    this.vendorEnv = { PATH: process.env['PATH'] ?? '', ...this.vendors.ready.env };
    this.template = join(this.work, 'database');
    log(`Importing the vendors' people into the gateway's database (npm run sync)`);
    await runSync(
      this.children,
      {
        ...this.vendorEnv,
        DATA_DIR: this.template,
        SYNC_ACCOUNT_IDS: this.vendors.ready.syncAccountIds.join(','),
        LOG_LEVEL: 'warn',
      },
      join(this.work, 'sync.log'),
    );
  }

  async stop(): Promise<void> {
    this.vendors?.stop();
    await this.children.stopAll();
  }

  removeWorkDir(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  /** The gateway as a user runs it, with a token; only what load on one token and exact call counts need is changed. */
  private gatewayEnv(dataDir: string): Record<string, string> {
    return {
      ...this.vendorEnv,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      ...this.credentials.gateway,
      // One token sends every request: the default of 600 a minute per token would refuse the load.
      RATE_LIMIT_REQUESTS: '1000000',
      // The mirror's background walk of Engagement would add calls of its own to the counts.
      MIRROR_REFRESH_INTERVAL_S: '0',
    };
  }

  private floorEnv(): Record<string, string> {
    return {
      ...this.vendorEnv,
      HOST: '127.0.0.1',
      PORT: '0',
      ...this.credentials.floor,
      FLOOR_ACCOUNT_IDS: this.vendors!.ready.syncAccountIds.join(','),
    };
  }

  private body(scenario: Scenario, tag: string, n: number): string {
    const document = DOCUMENTS[scenario.operation];
    const variables =
      scenario.operation === 'createUser'
        ? createVariables(tag, n, this.vendors!.ready.accounts[scenario.account ?? 'small'])
        : readVariables(scenario.operation);
    return JSON.stringify({ ...document, variables });
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.credentials.token}` };
  }

  /** autocannon's settings for a run of `durationS` against `server`; creates get a new person per request. */
  private load(scenario: Scenario, server: Server, tag: string, durationS: number): autocannon.Options {
    const headers = this.headers();
    const common = {
      url: server.url,
      connections: this.options.connections ?? scenario.connections,
      duration: durationS,
      method: 'POST',
      headers,
      timeout: 60,
      verifyBody: (body: string) => answeredWell(scenario.operation, body),
    };
    if (scenario.operation !== 'createUser') return { ...common, body: this.body(scenario, tag, 0) };
    let n = 0;
    return {
      ...common,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (request) => ({ ...request, body: this.body(scenario, tag, n++) }),
        },
      ],
    };
  }

  /** One request, its data and the vendor calls it made. */
  private async probe(scenario: Scenario, server: Server, tag: string): Promise<{ data: unknown; calls: CallCounts }> {
    await this.vendors!.request({ type: 'reset' });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: this.headers(),
      body: this.body(scenario, tag, 0),
    });
    const answer = (await response.json()) as { data?: unknown; errors?: unknown };
    if (response.status !== 200 || answer.errors !== undefined)
      throw new Error(
        `${scenario.name}: ${server.url} answered ${response.status} ${JSON.stringify(answer).slice(0, 500)}`,
      );
    const { counts } = await this.vendors!.request({ type: 'counts' });
    return { data: comparable(scenario.operation, answer.data), calls: counts ?? {} };
  }

  /**
   * The vendor calls since the last reset, once they stop changing: when a round ends, the requests
   * still in flight finish at the server (and call their vendors) although no one waits for them.
   */
  private async settledCalls(): Promise<CallCounts> {
    let previous: CallCounts | undefined;
    for (let polls = 0; polls < 100; polls += 1) {
      const { counts = {} } = await this.vendors!.request({ type: 'counts' });
      if (previous !== undefined && isDeepStrictEqual(previous, counts) && totalCalls(counts, 'failed') === 0)
        return counts;
      previous = counts;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return previous!;
  }

  private async round(
    scenario: Scenario,
    server: Server,
    others: readonly ChildProcess[],
    tag: string,
  ): Promise<Round> {
    const vendors = this.vendors!;
    // Requests cut off at the end of the warm-up or of the other side's round are finished first.
    await this.settledCalls();
    await vendors.request({ type: 'reset' });
    const pid = server.process.pid!;
    const benchPids = [pid, vendors.process.pid!, ...others.map((child) => child.pid!)];
    const benchCpu = () => benchPids.reduce((sum, each) => sum + cpuMs(each), 0);
    const harnessCpu = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const before = { server: cpuMs(pid), bench: benchCpu(), harness: harnessCpu(), machine: machineBusyMs() };
    const rss = sampleRss(pid);
    const started = performance.now();
    const result = await autocannon(this.load(scenario, server, tag, this.options.durationS));
    const peakRssMiB = rss.stop();
    const counts = await this.settledCalls();
    const after = { server: cpuMs(pid), bench: benchCpu(), harness: harnessCpu(), machine: machineBusyMs() };
    const completed = result.requests.total;
    // What was sent is what the server did: the requests cut off at the end were finished all the same.
    const sent = result.requests.sent;
    const perSent = (value: number) => (sent === 0 ? 0 : value / sent);
    const ours = after.bench - before.bench + (after.harness - before.harness);
    return {
      requestsPerSecond: completed / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      completed,
      failed: result.errors + result.timeouts + result.non2xx + result.mismatches,
      vendorCallsPerOp: perSent(totalCalls(counts, 'answered')),
      vendorCallsFailed: totalCalls(counts, 'failed'),
      calls: counts,
      cpuMsPerOp: perSent(after.server - before.server),
      peakRssMiB,
      otherCores: Math.max(0, after.machine - before.machine - ours) / (performance.now() - started),
    };
  }

  async scenario(scenario: Scenario, index: number): Promise<ScenarioResult> {
    const vendors = this.vendors!;
    const { warmupS, rounds, profileDir } = this.options;
    log(`\n[${scenario.name}] ${scenario.title}`);
    await vendors.request({ type: 'latency', latencyMs: scenario.latencyMs });
    const sides: Side[] = this.baselineEntry === null ? ['gateway', 'floor'] : ['gateway', 'baseline', 'floor'];
    const servers: Partial<Record<Side, Server>> = {};
    try {
      for (const side of sides) {
        const logFile = join(this.work, `${side}-${scenario.name}.log`);
        if (side === 'floor') {
          servers.floor = await startFloor(this.children, this.floorEnv(), logFile);
          continue;
        }
        // Each gateway on its own copy of the database the sync made.
        const dataDir = join(this.work, `${side}-${scenario.name}`);
        cpSync(this.template, dataDir, { recursive: true });
        const profile =
          profileDir === null
            ? undefined
            : { dir: profileDir, name: `${scenario.name}${side === 'baseline' ? '.baseline' : ''}.cpuprofile` };
        const entry = side === 'baseline' ? this.baselineEntry! : GATEWAY_ENTRY;
        servers[side] = await startGateway(this.children, entry, this.gatewayEnv(dataDir), logFile, profile);
      }
      const tag = (side: Side, round: string) => `b${this.runTag}.${index}.${side}.${round}`;

      const probes: Partial<Record<Side, { data: unknown; calls: CallCounts }>> = {};
      for (const side of sides) probes[side] = await this.probe(scenario, servers[side]!, tag(side, 'check'));
      const floor = probes.floor!;
      const problems: string[] = [];
      let sameData = true;
      let sameCalls = true;
      for (const side of sides) {
        if (side === 'floor') continue;
        const probe = probes[side]!;
        if (!isDeepStrictEqual(probe.data, floor.data)) {
          sameData = false;
          problems.push(
            `the floor's data differs from the ${side}'s:\n  ${side} ${JSON.stringify(probe.data).slice(0, 2_000)}\n  floor ${JSON.stringify(floor.data).slice(0, 2_000)}`,
          );
        }
        if (!isDeepStrictEqual(probe.calls, floor.calls)) {
          sameCalls = false;
          problems.push(
            `the floor's vendor calls differ from the ${side}'s:\n  ${side} ${describeCalls(probe.calls)}\n  floor ${describeCalls(floor.calls)}`,
          );
        }
      }
      log(
        `  one request each: ${describeCalls(floor.calls)}${problems.length > 0 ? '' : ` (the same for ${sides.join(', ')})`}`,
      );
      for (const problem of problems) log(`  PROBLEM: ${problem}`);

      if (warmupS > 0) {
        for (const side of sides) await autocannon(this.load(scenario, servers[side]!, tag(side, 'warm'), warmupS));
      }
      const measured: Partial<Record<Side, Round[]>> = {};
      for (let round = 1; round <= rounds; round += 1) {
        for (const side of sides) {
          const others = sides.filter((other) => other !== side).map((other) => servers[other]!.process);
          const figures = await this.round(scenario, servers[side]!, others, tag(side, String(round)));
          (measured[side] ??= []).push(figures);
          log(
            `  ${side.padEnd(8)} round ${round}/${rounds}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
              `${figures.vendorCallsPerOp.toFixed(2)} calls/op, ${figures.cpuMsPerOp.toFixed(2)} ms CPU/op, ${figures.peakRssMiB.toFixed(0)} MiB, ` +
              `others used ${figures.otherCores.toFixed(2)} cores${figures.failed > 0 ? `, ${figures.failed} FAILED requests` : ''}` +
              `${figures.vendorCallsFailed > 0 ? `, ${figures.vendorCallsFailed} failed vendor calls` : ''}`,
          );
          log(`    calls: ${describeCalls(figures.calls)} for ${figures.completed} answered requests`);
        }
      }
      const median: Partial<Record<Side, Figures>> = {};
      for (const side of sides) median[side] = medianRound(measured[side]!);
      const over = (a: Figures, b: Figures) => ({
        requestsPerSecond: a.requestsPerSecond / b.requestsPerSecond,
        cpuPerOp: a.cpuMsPerOp / b.cpuMsPerOp,
      });
      return {
        name: scenario.name,
        title: scenario.title,
        latencyMs: scenario.latencyMs,
        connections: this.options.connections ?? scenario.connections,
        sides,
        check: {
          sameData,
          sameCalls,
          calls: Object.fromEntries(sides.map((side) => [side, probes[side]!.calls])),
          problems,
        },
        rounds: measured,
        median,
        ratio: {
          gateway: over(median.gateway!, median.floor!),
          ...(median.baseline
            ? {
                baseline: over(median.baseline, median.floor!),
                gatewayOverBaseline: over(median.gateway!, median.baseline),
              }
            : {}),
        },
      };
    } finally {
      // A gateway writes its CPU profile as it exits.
      for (const side of sides) if (servers[side]) await this.children.stop(servers[side].process);
      if (scenario.operation === 'createUser') await vendors.request({ type: 'cleanup' });
    }
  }
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function table(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'side', 'req/s', 'p50 ms', 'p99 ms', 'calls/op', 'CPU ms/op', 'RSS MiB', 'vs floor'];
  const widths = [56, 8, 7, 7, 7, 8, 9, 7, 8];
  const row = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i], i >= 2)).join('  ');
  const lines = [row(header), widths.map((width) => '-'.repeat(width)).join('  ')];
  for (const result of results) {
    for (const side of result.sides) {
      const m = result.median[side]!;
      const ratio = side === 'floor' ? undefined : result.ratio[side];
      lines.push(
        row([
          side === result.sides[0] ? result.title : '',
          side,
          m.requestsPerSecond.toFixed(0),
          m.p50Ms.toFixed(0),
          m.p99Ms.toFixed(0),
          m.vendorCallsPerOp.toFixed(2),
          m.cpuMsPerOp.toFixed(2),
          m.peakRssMiB.toFixed(0),
          ratio === undefined ? '' : `${ratio.requestsPerSecond.toFixed(2)}x`,
        ]),
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let options: Options | 'list';
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'list') {
    for (const scenario of SCENARIOS) process.stdout.write(`${scenario.name.padEnd(22)} ${scenario.title}\n`);
    return 0;
  }
  const filters = options.filters;
  const scenarios = SCENARIOS.filter(
    (scenario) => filters.length === 0 || filters.some((filter) => scenario.name.includes(filter)),
  );
  if (scenarios.length === 0) {
    process.stderr.write(`no scenario matches ${filters.join(', ')} (npm run bench -- --list)\n`);
    return 2;
  }
  if (options.profileDir !== null) mkdirSync(options.profileDir, { recursive: true });

  const bench = new Bench(options);
  let interrupted: NodeJS.Signals | null = null;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted !== null) return;
    interrupted = signal;
    log(`\n${signal}: stopping everything the benchmark started`);
    void bench.stop().finally(() => {
      bench.removeWorkDir();
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const results: ScenarioResult[] = [];
  let failed = false;
  try {
    await bench.setUp();
    for (const [index, scenario] of scenarios.entries()) results.push(await bench.scenario(scenario, index));
  } catch (error) {
    if (interrupted !== null) return 130;
    log(`\nThe benchmark failed: ${(error as Error).stack ?? String(error)}\n(logs kept in ${bench.workDir})`);
    failed = true;
  } finally {
    if (interrupted === null) await bench.stop();
  }
  if (results.length === 0) return 1;

  if (options.profileDir !== null) {
    const profiles = new Set(readdirSync(options.profileDir));
    for (const result of results) {
      const file = `${result.name}.cpuprofile`;
      if (profiles.has(file)) result.profile = summarizeProfile(join(options.profileDir, file));
    }
  }

  const { durationS, warmupS, rounds } = options;
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  process.stdout.write(
    `\n${command}\n${cpus().length} cores, Node ${process.version}; ${options.auth === 'jwt' ? 'an HS256 JWT' : 'an API key'}; ${rounds} round(s) of ${durationS} s per side after ${warmupS} s of warm-up, interleaved; medians\n\n${table(results)}\n`,
  );
  const others = results.flatMap((result) =>
    result.sides.flatMap((side) => result.rounds[side]!.map((round) => round.otherCores)),
  );
  process.stdout.write(
    `\nNoise: other processes used ${median(others).toFixed(2)} cores (median; max ${Math.max(...others).toFixed(2)}) of ${cpus().length} during the rounds; load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} at the end.\n`,
  );
  if (options.baseline !== null) {
    process.stdout.write(`\nThis checkout's gateway over the baseline's (${options.baseline}), in the same rounds:\n`);
    for (const result of results) {
      const ratio = result.ratio.gatewayOverBaseline!;
      process.stdout.write(
        `  ${result.title.padEnd(56)}  req/s ${ratio.requestsPerSecond.toFixed(2)}x  CPU/op ${ratio.cpuPerOp.toFixed(2)}x\n`,
      );
    }
  }
  for (const result of results) {
    if (result.profile === undefined) continue;
    process.stdout.write(`\nWhere the gateway's CPU went in ${result.name} (${result.profile.file}):\n`);
    for (const item of result.profile.categories.slice(0, 12))
      process.stdout.write(`  ${item.percent.toFixed(1).padStart(5)}%  ${item.name}\n`);
  }

  const problems = results.flatMap((result) => [
    ...result.check.problems.map((problem) => `${result.name}: ${problem}`),
    ...result.sides.flatMap((side) =>
      result.rounds[side]!.some((round) => round.failed > 0)
        ? [`${result.name}: requests to the ${side} failed (see the rounds above)`]
        : [],
    ),
  ]);
  if (options.jsonFile !== null) {
    const report = {
      command,
      at: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version, loadAverage: loadavg() },
      options: {
        auth: options.auth,
        durationS,
        warmupS,
        rounds,
        connections: options.connections,
        smoke: options.smoke,
      },
      scenarios: results,
      problems,
    };
    writeFileSync(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nEvery figure as JSON: ${options.jsonFile}\n`);
  }
  for (const problem of problems) process.stderr.write(`\nPROBLEM ${problem}\n`);
  if (failed || problems.length > 0) return 1;
  bench.removeWorkDir();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
