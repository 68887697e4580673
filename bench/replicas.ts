/**
 * `npm run bench:replicas`: the account page and `createUser` against one gateway on SQLite, one on
 * PostgreSQL and two replicas on one PostgreSQL database, with autocannon. Prints requests per
 * second, database statements per operation (from each replica's `usergraph_store_queries_total`
 * on /metrics, before and after the run) and p50/p99 latency. A benchmark, not a test: it judges
 * no timing, and fails only when a request fails.
 *
 *   npm run bench:replicas                  10 s per run
 *   npm run bench:replicas -- --duration 3  shorter runs
 *   npm run bench:replicas -- --json        the figures as JSON on stdout
 *
 * The vendors are bench/vendors.ts's simulators (answering at once); the people are imported with
 * `npm run sync` into the SQLite file and into the PostgreSQL database (made on
 * USERGRAPH_TEST_POSTGRES_URL's server, postgres://postgres@127.0.0.1:5432/postgres by default, and
 * dropped at the end). With two replicas the load is split in two autocannon runs at once, one per
 * replica, each with half the connections: requests per second is their sum, p50 their mean and p99
 * the higher of the two.
 */
import autocannon from 'autocannon';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Children, GATEWAY_ENTRY, Vendors, runSync, startGateway, type Server } from './processes';
import { DOCUMENTS, answeredWell, createVariables, readVariables, type Operation } from './scenarios';

const SERVER = process.env['USERGRAPH_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Figures {
  setup: string;
  operation: string;
  requestsPerSecond: number;
  statementsPerOperation: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

const log = (text: string) => process.stderr.write(`${text}\n`);

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const SCENARIOS: { operation: Operation; title: string; connections: number }[] = [
  { operation: 'accountPage', title: 'account page of 100', connections: 20 },
  { operation: 'createUser', title: 'createUser', connections: 10 },
];

class ReplicaBench {
  private readonly children = new Children();
  readonly work = mkdtempSync(join(tmpdir(), 'usergraph-bench-replicas-'));
  private readonly token = randomBytes(24).toString('base64url');
  private readonly journalKey = randomBytes(24).toString('base64url');
  private readonly databaseName = `usergraph_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  private databaseCreated = false;
  private vendors: Vendors | null = null;
  private runs = 0;

  constructor(private readonly durationS: number) {}

  private get databaseUrl(): string {
    const url = new URL(SERVER);
    url.pathname = `/${this.databaseName}`;
    return url.toString();
  }

  private baseEnv(): Record<string, string> {
    return { PATH: process.env['PATH'] ?? '', ...this.vendors!.ready.env, LOG_LEVEL: 'warn' };
  }

  private gatewayEnv(store: Record<string, string>): Record<string, string> {
    return {
      ...this.baseEnv(),
      ...store,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_API_KEYS: `bench:admin:${createHash('sha256').update(this.token).digest('hex')}`,
      RATE_LIMIT_REQUESTS: '1000000',
      MIRROR_REFRESH_INTERVAL_S: '0',
    };
  }

  async setUp(): Promise<{ sqlite: Record<string, string>; postgres: Record<string, string> }> {
    log(`Starting the simulators (logs in ${this.work})`);
    this.vendors = await Vendors.start(this.children, join(this.work, 'vendors.log'));
    const syncAccounts = { SYNC_ACCOUNT_IDS: this.vendors.ready.syncAccountIds.join(',') };
    const sqlite = { DATA_DIR: join(this.work, 'sqlite') };
    await onServer((client) => client.query(`CREATE DATABASE "${this.databaseName}"`));
    this.databaseCreated = true;
    const postgres = { DATABASE_URL: this.databaseUrl, JOURNAL_KEY: this.journalKey, DATA_DIR: join(this.work, 'pg') };
    log("Importing the vendors' people (npm run sync) into the SQLite file and into PostgreSQL");
    await runSync(this.children, { ...this.baseEnv(), ...sqlite, ...syncAccounts }, join(this.work, 'sync-sqlite.log'));
    await runSync(this.children, { ...this.baseEnv(), ...postgres, ...syncAccounts }, join(this.work, 'sync-pg.log'));
    return { sqlite, postgres };
  }

  async measure(setup: string, store: Record<string, string>, replicas: number): Promise<Figures[]> {
    log(`\n[${setup}]`);
    const servers: Server[] = [];
    for (let index = 0; index < replicas; index += 1)
      servers.push(
        await startGateway(
          this.children,
          GATEWAY_ENTRY,
          this.gatewayEnv(store),
          join(this.work, `${setup.replace(/\W+/g, '-')}-${index}.log`),
        ),
      );
    const figures: Figures[] = [];
    try {
      for (const scenario of SCENARIOS) {
        // A short warm-up, unmeasured.
        await this.load(servers, scenario.operation, scenario.connections, 2);
        const before = await this.statements(servers);
        const result = await this.load(servers, scenario.operation, scenario.connections, this.durationS);
        const after = await this.statements(servers);
        const row: Figures = {
          setup,
          operation: scenario.title,
          requestsPerSecond: Math.round(result.requests / this.durationS),
          // The replicas' background work (lease heartbeats, recovery sweeps) is a few statements per 10 s.
          statementsPerOperation: Math.round(((after - before) / Math.max(1, result.requests)) * 100) / 100,
          p50Ms: result.p50,
          p99Ms: result.p99,
          requests: result.requests,
        };
        figures.push(row);
        log(
          `  ${scenario.title}: ${row.requestsPerSecond} req/s, ${row.statementsPerOperation} statements/op, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms`,
        );
        if (scenario.operation === 'createUser') await this.vendors!.request({ type: 'cleanup' });
      }
    } finally {
      for (const server of servers) await this.children.stop(server.process);
    }
    return figures;
  }

  /** The statements every server has sent so far, from its /metrics. */
  private async statements(servers: readonly Server[]): Promise<number> {
    let total = 0;
    for (const server of servers) {
      const response = await fetch(new URL('/metrics', server.url), {
        headers: { authorization: `Bearer ${this.token}` },
      });
      const text = await response.text();
      const match = /^usergraph_store_queries_total\{engine="[a-z]+"\} (\d+)$/m.exec(text);
      if (match === null) throw new Error(`${server.url}: /metrics has no usergraph_store_queries_total`);
      total += Number(match[1]);
    }
    return total;
  }

  /** One autocannon run per server at once, the connections split between them. */
  private async load(
    servers: readonly Server[],
    operation: Operation,
    connections: number,
    durationS: number,
  ): Promise<{ requests: number; p50: number; p99: number }> {
    const tag = `r${randomBytes(3).toString('hex')}.${++this.runs}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${this.token}` };
    const body = (n: number, server: number) =>
      JSON.stringify({
        ...DOCUMENTS[operation],
        variables:
          operation === 'createUser'
            ? createVariables(`${tag}.${server}`, n, this.vendors!.ready.accounts.small)
            : readVariables(operation),
      });
    const results = await Promise.all(
      servers.map((server, index) => {
        let n = 0;
        return autocannon({
          url: server.url,
          connections: Math.max(1, Math.round(connections / servers.length)),
          duration: durationS,
          method: 'POST',
          headers,
          timeout: 60,
          verifyBody: (text: string) => answeredWell(operation, text),
          requests: [{ method: 'POST', headers, setupRequest: (request) => ({ ...request, body: body(n++, index) }) }],
        });
      }),
    );
    results.forEach((result, index) => {
      const failed = result.errors + result.non2xx + result.mismatches + result.timeouts;
      if (failed > 0) throw new Error(`${servers[index].url}: ${failed} request(s) failed during ${operation}`);
    });
    return {
      requests: results.reduce((sum, result) => sum + result.requests.total, 0),
      p50: results.reduce((sum, result) => sum + result.latency.p50, 0) / results.length,
      p99: Math.max(...results.map((result) => result.latency.p99)),
    };
  }

  async stop(): Promise<void> {
    this.vendors?.stop();
    await this.children.stopAll();
    if (this.databaseCreated)
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`));
    rmSync(this.work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const durationS = Number(option('--duration') ?? 10);
  if (!Number.isInteger(durationS) || durationS < 1) {
    log('--duration takes a whole number of seconds');
    return 2;
  }
  const bench = new ReplicaBench(durationS);
  const stopping = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopping);
  process.once('SIGTERM', stopping);
  try {
    const { sqlite, postgres } = await bench.setUp();
    const figures = [
      ...(await bench.measure('one gateway, SQLite', sqlite, 1)),
      ...(await bench.measure('one gateway, PostgreSQL', postgres, 1)),
      ...(await bench.measure('two replicas, PostgreSQL', postgres, 2)),
    ];
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    else {
      process.stdout.write(
        `\n| Set-up | Operation | req/s | statements/op | p50 ms | p99 ms |\n| --- | --- | ---: | ---: | ---: | ---: |\n`,
      );
      for (const row of figures)
        process.stdout.write(
          `| ${row.setup} | ${row.operation} | ${row.requestsPerSecond} | ${row.statementsPerOperation} | ${row.p50Ms} | ${row.p99Ms} |\n`,
        );
    }
    return 0;
  } catch (error) {
    log(`bench:replicas failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await bench.stop();
  }
}

void main().then((code) => process.exit(code));
