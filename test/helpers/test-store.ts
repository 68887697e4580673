import { randomBytes } from 'node:crypto';
import {
  openDatabase,
  openStore,
  parseDatabaseUrl,
  type Database,
  type PostgresSettings,
  type Store,
  type StoreOptions,
  type StoreTarget,
} from '../../src/store';
import { openPostgresDatabase } from '../../src/store/postgres';

/**
 * The engine the store's tests (and the gateway suites that boot through test/helpers/gateway.ts)
 * run on: SQLite in `npm test`, PostgreSQL in `npm run test:pg`, whose global setup
 * (test/support/postgres-run.js) creates this run's database and sets the two variables read here.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env['USERGRAPH_TEST_ENGINE'] === 'postgres' ? 'postgres' : 'sqlite';

/** This run's PostgreSQL database, as settings with the test defaults; only under `npm run test:pg`. */
export function testPostgresSettings(overrides: Partial<PostgresSettings> = {}): PostgresSettings {
  const url = process.env['USERGRAPH_TEST_DATABASE_URL'];
  if (url === undefined) throw new Error('no test database: run PostgreSQL tests with npm run test:pg');
  const parsed = parseDatabaseUrl(url);
  if (typeof parsed === 'string') throw new Error(`USERGRAPH_TEST_DATABASE_URL: ${parsed}`);
  return {
    ...parsed,
    ca: null,
    schema: null,
    poolSize: 10,
    statementTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    ...overrides,
  };
}

let schemas = 0;

/**
 * A schema of its own in this run's database, as empty as a new `:memory:` SQLite database: each
 * test gets one, and the run's database (dropped at the end) takes them all with it.
 */
export async function freshSchema(): Promise<string> {
  const name = `t_${process.pid}_${++schemas}_${randomBytes(3).toString('hex')}`;
  const admin = openPostgresDatabase(testPostgresSettings());
  try {
    await admin.exec(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.close();
  }
  return name;
}

/** A new, empty database of the engine under test: SQLite in memory, or a fresh PostgreSQL schema. */
export async function freshTarget(overrides: Partial<PostgresSettings> = {}): Promise<StoreTarget> {
  if (TEST_ENGINE === 'sqlite') return { file: ':memory:' };
  return { postgres: testPostgresSettings({ ...overrides, schema: await freshSchema() }) };
}

/** A migrated store on a new, empty database of the engine under test. */
export async function openTestStore(options: Omit<StoreOptions, 'file' | 'postgres'> = {}): Promise<Store> {
  return openStore({ ...(await freshTarget()), ...options });
}

/** A new, empty database of the engine under test, not migrated. */
export async function openTestDatabase(): Promise<Database> {
  return openDatabase(await freshTarget());
}

/**
 * The variables that put a gateway on a new, empty database of the engine under test: none for
 * SQLite (the caller's DATA_DIR applies), DATABASE_URL, DATABASE_SCHEMA and JOURNAL_KEY for PostgreSQL.
 */
export async function testDatabaseEnv(): Promise<Record<string, string>> {
  if (TEST_ENGINE === 'sqlite') return {};
  return {
    DATABASE_URL: process.env['USERGRAPH_TEST_DATABASE_URL']!,
    DATABASE_SCHEMA: await freshSchema(),
    JOURNAL_KEY: randomBytes(24).toString('base64url'),
  };
}
