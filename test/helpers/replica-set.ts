import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseDatabaseUrl, type Database } from '../../src/store';
import { openPostgresDatabase } from '../../src/store/postgres';
import { TEST_API_KEY, TEST_AUTH_ENV, spawnGateway, type GatewayProcess } from './gateway-process';
import { startTestVendors, type TestVendors } from './vendor-fixture';

/**
 * Several production gateway processes (replicas) on one PostgreSQL database of the test's own and
 * the simulators (in the test's process, so that the test counts and faults vendor calls), as a
 * team deploys them behind a load balancer; the test spreads its requests across them itself.
 *
 * The database is created on the shared server (USERGRAPH_TEST_POSTGRES_URL, by default
 * postgres://postgres@127.0.0.1:5432/postgres) under the name `usergraph_test_<pid>_<hex>`, which
 * `npm run test:pg`'s setup recognises: one a killed run left behind is dropped by the next run of
 * either. `close()` stops every replica, the simulators, and drops the database.
 */
export interface ReplicaSet {
  /** The replicas started so far, in order; a killed one stays in the list. */
  replicas: GatewayProcess[];
  vendors: TestVendors;
  /** The replicas' database, for the test's own queries (the journal, links, leases). */
  db: Database;
  /** The environment every replica got, without the database URL's password (there is none here). */
  env: Record<string, string>;
  /** Starts one more replica with the set's environment and `extra` on top. */
  add(extra?: Record<string, string>): Promise<GatewayProcess>;
  /** Stops every replica still running (SIGKILL: nothing of theirs is kept past the test), the simulators and the database. */
  close(): Promise<void>;
}

const SERVER = process.env['USERGRAPH_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `work` with a connection to the shared server's maintenance database. */
async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `the replica suite needs PostgreSQL at ${new URL(SERVER).host} (set USERGRAPH_TEST_POSTGRES_URL to use another): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface ReplicaSetOptions {
  /** How many replicas to start at once (they migrate the empty database together). */
  replicas: number;
  /** Variables every replica gets on top of the set's own. */
  env?: Record<string, string>;
}

export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const name = `usergraph_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const parsed = parseDatabaseUrl(databaseUrl);
  if (typeof parsed === 'string') throw new Error(`the replica set's database URL: ${parsed}`);
  let vendors: TestVendors | undefined;
  let db: Database | undefined;
  const replicas: GatewayProcess[] = [];
  const close = async () => {
    for (const replica of replicas) {
      if (replica.process.exitCode === null && replica.process.signalCode === null) replica.process.kill('SIGKILL');
      await replica.exited;
    }
    await db?.close();
    await vendors?.close();
    await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  try {
    vendors = await startTestVendors();
    const env: Record<string, string> = {
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      JOURNAL_KEY: randomBytes(24).toString('base64url'),
      // Every replica's own SQLite file is never used with DATABASE_URL; nothing lands in the checkout.
      DATA_DIR: ':memory:',
      ...TEST_AUTH_ENV,
      ...vendors.env,
      ...options.env,
    };
    const add = async (extra: Record<string, string> = {}) => {
      const replica = await spawnGateway({ ...env, ...extra }, { entry: 'src/index.ts', token: TEST_API_KEY });
      replicas.push(replica);
      return replica;
    };
    // Started together: they meet an empty database and migrate it under the lock at the same moment.
    await Promise.all(Array.from({ length: options.replicas }, () => add()));
    db = openPostgresDatabase({
      ...parsed,
      ca: null,
      schema: null,
      poolSize: 4,
      statementTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
    });
    return { replicas, vendors, db, env, add, close };
  } catch (error) {
    await close();
    throw error;
  }
}
