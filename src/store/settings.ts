import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvReader } from '../platform/env';

/**
 * How the gateway's database is reached: the embedded SQLite file by default, or PostgreSQL when
 * `DATABASE_URL` is set (the engine replicas share).
 */
export interface StoreSettings {
  /** `DATA_DIR`/usergraph.db, SQLite's file, or `:memory:` (nothing kept; for tests). Unused with PostgreSQL. */
  file: string;
  /** `DATA_DIR`: the data directory, or `:memory:`. */
  dataDir: string;
  /** `JOURNAL_KEY`: HMAC key for the journal's input hashes; when absent, one is generated and kept in the data directory. */
  journalKey?: string;
  /** Set when `DATABASE_URL` is: every table lives in that PostgreSQL database instead of the file. */
  postgres: PostgresSettings | null;
}

/** `sslmode` values, with libpq's meaning; `prefer` and `allow` (which fall back to plain text) are refused. */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  /**
   * The URL's password, read when a connection is opened. A function, so that no log line,
   * inspection or serialisation of the settings can show it.
   */
  password: (() => string) | null;
  /** From the URL's `sslmode`; `disable` when it has none. */
  sslMode: SslMode;
  /** `DATABASE_CA_FILE`: PEM certificates the server's must chain to; Node's own authorities when null. */
  ca: string | null;
  /** `DATABASE_SCHEMA`: the (existing) schema the tables live in; the role's `search_path` when null. */
  schema: string | null;
  /** `DATABASE_POOL_SIZE`: connections this process opens at most. */
  poolSize: number;
  /** `DATABASE_STATEMENT_TIMEOUT_MS`: the longest one statement may run (and a transaction sit idle). */
  statementTimeoutMs: number;
  /** `DATABASE_CONNECT_TIMEOUT_MS`: the longest a call waits for a connection, new or pooled. */
  connectTimeoutMs: number;
}

/** The variables read only with DATABASE_URL. */
const POSTGRES_ONLY = [
  'DATABASE_POOL_SIZE',
  'DATABASE_STATEMENT_TIMEOUT_MS',
  'DATABASE_CONNECT_TIMEOUT_MS',
  'DATABASE_CA_FILE',
  'DATABASE_SCHEMA',
] as const;

/** What a schema name may be: a plain identifier, so it never needs quoting rules of its own. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads the store's settings; problems are collected on `read`, and none repeats the URL (it may hold a password). */
export function readStoreSettings(read: EnvReader): StoreSettings {
  const dataDir = read.string('DATA_DIR', 'data');
  const postgres = readPostgresSettings(read);
  const journalKey = read.secret('JOURNAL_KEY', 16);
  if (read.raw('DATABASE_URL') !== undefined && read.raw('JOURNAL_KEY') === undefined) {
    read.problems.push(
      'JOURNAL_KEY: required when DATABASE_URL is set: every gateway sharing the database must hash inputs with the same key (at least 16 characters)',
    );
  }
  return { file: dataDir === ':memory:' ? ':memory:' : join(dataDir, 'usergraph.db'), dataDir, journalKey, postgres };
}

function readPostgresSettings(read: EnvReader): PostgresSettings | null {
  const value = read.raw('DATABASE_URL');
  if (value === undefined) {
    for (const name of POSTGRES_ONLY) {
      if (read.raw(name) !== undefined)
        read.problems.push(`${name}: only read with DATABASE_URL (PostgreSQL); set DATABASE_URL, or unset ${name}`);
    }
    return null;
  }
  const tuning = {
    poolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 1_000),
    statementTimeoutMs: read.int('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 100, 600_000),
    connectTimeoutMs: read.int('DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
  };
  const schema = read.raw('DATABASE_SCHEMA') ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    read.problems.push(
      `DATABASE_SCHEMA: expected a lower-case name of letters, digits and "_" (at most 63), got "${schema}"`,
    );
  }
  const ca = readCaFile(read);
  const url = parseDatabaseUrl(value);
  if (typeof url === 'string') {
    read.problems.push(`DATABASE_URL: ${url} (the value is not repeated here: it may hold a password)`);
    return null;
  }
  return { ...url, ca, schema: schema !== null && SCHEMA_NAME.test(schema) ? schema : null, ...tuning };
}

function readCaFile(read: EnvReader): string | null {
  const path = read.raw('DATABASE_CA_FILE');
  if (path === undefined) return null;
  try {
    const pem = readFileSync(path, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
    read.problems.push(`DATABASE_CA_FILE: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  } catch (error) {
    read.problems.push(
      `DATABASE_CA_FILE: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return null;
}

type ParsedUrl = Pick<PostgresSettings, 'host' | 'port' | 'database' | 'user' | 'password' | 'sslMode'>;

/**
 * `postgres://user:password@host:port/database?sslmode=…` as settings, or what is wrong with it.
 * Every part is explicit (no PG* variable, ~/.pgpass or operating-system user fills a gap), and
 * the only parameter read is `sslmode`: an unknown one is refused rather than ignored.
 */
export function parseDatabaseUrl(value: string): ParsedUrl | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected a URL such as postgres://user:password@host:5432/database';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return `expected the postgres:// (or postgresql://) scheme, got ${url.protocol.slice(0, 20)}//`;
  if (url.hostname === '') return 'name the server: postgres://user@host:5432/database';
  const port = url.port === '' ? 5432 : Number(url.port);
  const database = decodePart(url.pathname.replace(/^\//, ''));
  if (database === null || database === '' || database.includes('/'))
    return 'name one database in the path: postgres://user@host:5432/database';
  const user = decodePart(url.username);
  if (user === null || user === '') return 'name the user: postgres://user@host:5432/database';
  const password = decodePart(url.password);
  if (password === null) return 'the password is not valid percent-encoding';
  let sslMode: SslMode = 'disable';
  for (const [name, parameter] of url.searchParams) {
    if (name !== 'sslmode') return `unknown parameter "${name.slice(0, 40)}"; only sslmode is read`;
    if (!(SSL_MODES as readonly string[]).includes(parameter))
      return `sslmode: expected one of ${SSL_MODES.join(', ')}, got "${parameter.slice(0, 20)}"`;
    sslMode = parameter as SslMode;
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    database,
    user,
    password: password === '' ? null : () => password,
    sslMode,
  };
}

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * The database as logs and messages name it, `host:port/database as user`: never its password, and
 * no `user@host` (which the log would mask as an email address).
 */
export function describePostgres(settings: Pick<PostgresSettings, 'host' | 'port' | 'database' | 'user'>): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${host}:${settings.port}/${settings.database} as ${settings.user}`;
}
