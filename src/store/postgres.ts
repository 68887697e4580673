import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { silentLogger, type Logger } from '../platform/logger';
import type { Database, RunResult, SqlValue, TransactionOptions } from './database';
import {
  ConstraintViolationError,
  DatabaseClosedError,
  DatabaseError,
  StoreUnavailableError,
  type ConstraintKind,
} from './errors';
import { describePostgres, type PostgresSettings } from './settings';
import { assertTransactionOptions, checkedParams, translatePlaceholders } from './statements';

/**
 * The client gives up on an answer this long after the server's own statement timeout would have
 * cancelled it: only a server that stopped answering at all (a hung host, a dropped network) gets
 * there, and without it a request would wait for TCP to notice, minutes later.
 */
const ANSWER_GRACE_MS = 1_000;
/** A pooled connection unused this long is closed; the pool opens another when one is needed. */
const IDLE_CONNECTION_MS = 10_000;
/** Attempts of a transaction PostgreSQL cancelled to break a deadlock or a serialisation conflict. */
const TRANSACTION_ATTEMPTS = 3;
/** SQLSTATEs of those cancellations: the same transaction run again may well succeed. */
const CONFLICT_CODES = new Set(['40P01', '40001']);
/** The longest timer Node keeps (about 24.8 days): "no timeout" for an unbounded transaction's statements. */
const NO_ANSWER_DEADLINE_MS = 2 ** 31 - 1;
/** int8 (what COUNT(*) and SUM return): a number, as SQLite answers, while it is exact. */
const INT8_OID = 20;

/**
 * Opens the PostgreSQL engine: a pool of at most `poolSize` connections, opened when first needed
 * and again after the server comes back. Every connection runs with the statement timeout (also as
 * the idle-in-transaction timeout), TCP keep-alive, `application_name` usergraph and the schema's
 * `search_path`; the settings' password is read only when a connection authenticates.
 */
export function openPostgresDatabase(settings: PostgresSettings, logger: Logger = silentLogger): Database {
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    // A function even without a password: pg would otherwise look for one in ~/.pgpass.
    password: () => settings.password?.() ?? (undefined as unknown as string),
    ssl: tlsOptions(settings),
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: IDLE_CONNECTION_MS,
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + ANSWER_GRACE_MS,
    keepAlive: true,
    application_name: 'usergraph',
    options: settings.schema === null ? undefined : `-c search_path=${settings.schema}`,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  return new PostgresDatabase(pool, logger, describePostgres(settings), settings.connectTimeoutMs);
}

/** libpq's sslmode meanings: require encrypts (and verifies the chain only when given a CA file), verify-ca checks the chain, verify-full the host name too. */
export function tlsOptions(settings: PostgresSettings): false | ConnectionOptions {
  const ca = settings.ca ?? undefined;
  switch (settings.sslMode) {
    case 'disable':
      return false;
    case 'require':
      return ca === undefined ? { rejectUnauthorized: false } : { ca, checkServerIdentity: () => undefined };
    case 'verify-ca':
      return { ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ca, servername: settings.host };
  }
}

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID && format !== 'binary') return parseInt8;
  return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
}

function parseInt8(value: string): number | bigint {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}

/** What both handles share: the pool, the counter and what has been said about the server's availability. */
class Shared {
  queryCount = 0;
  /** When the server stopped answering, as far as this process saw; null while it answers. */
  private unavailableSince: number | null = null;
  /** Highest `$n` of each statement text seen, so a statement is scanned once. */
  private readonly parameterCounts = new Map<string, number>();

  constructor(
    readonly pool: pg.Pool,
    private readonly logger: Logger,
    readonly name: string,
    readonly connectTimeoutMs: number,
  ) {}

  parameterCount(sql: string): number {
    let count = this.parameterCounts.get(sql);
    if (count === undefined) {
      count = translatePlaceholders(sql).parameterCount;
      // Statements are fixed texts but for IN-list lengths: a bound keeps odd lengths from piling up.
      if (this.parameterCounts.size >= 1024) this.parameterCounts.clear();
      this.parameterCounts.set(sql, count);
    }
    return count;
  }

  /**
   * A connection from the pool; STORE_UNAVAILABLE when none can be had in time. Release it once: a
   * connection that failed (or broke while held) is closed instead of going back to the pool.
   */
  async connect(): Promise<HeldConnection> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failed(connectFailure(error, this.connectTimeoutMs));
    }
    this.answered();
    // The pool listens for a connection's failure only while it sits idle; unheard, one failing
    // while held (between two statements of a transaction) would end the process.
    let brokenWhileHeld: Error | undefined;
    const onError = (error: Error) => {
      brokenWhileHeld = error;
      this.logger.debug({ database: this.name, err: error }, 'a database connection in use closed');
    };
    client.on('error', onError);
    return {
      client,
      release: (broken) => {
        client.off('error', onError);
        client.release(broken ?? brokenWhileHeld);
      },
    };
  }

  /** Runs one statement on `client`; errors become the store's. With `arrays`, rows come back as arrays of values. */
  async send(
    client: pg.PoolClient,
    sql: string,
    params: readonly SqlValue[] | null,
    options: { counted: boolean; unbounded: boolean; arrays?: boolean },
  ): Promise<pg.QueryResult> {
    if (options.counted) this.queryCount++;
    try {
      const result = await client.query({
        text: sql,
        values: params === null ? undefined : (params as unknown[]),
        ...(options.arrays ? { rowMode: 'array' } : {}),
        ...(options.unbounded ? { query_timeout: NO_ANSWER_DEADLINE_MS } : {}),
      } as pg.QueryConfig);
      this.answered();
      return result;
    } catch (error) {
      throw this.failed(statementFailure(error));
    }
  }

  private answered(): void {
    if (this.unavailableSince === null) return;
    const unavailableMs = Date.now() - this.unavailableSince;
    this.unavailableSince = null;
    this.logger.info({ database: this.name, unavailableMs }, 'the database answers again');
  }

  private failed(error: Error): Error {
    if (error instanceof StoreUnavailableError && this.unavailableSince === null) {
      this.unavailableSince = Date.now();
      this.logger.warn(
        { database: this.name, reason: error.reason },
        'the database is unavailable: calls that need it fail with STORE_UNAVAILABLE until it answers again',
      );
    }
    return error;
  }
}

interface HeldConnection {
  client: pg.PoolClient;
  release(broken?: Error): void;
}

/** Which handle's transaction the current async context runs in, to refuse the outer handle inside it. */
interface Scope {
  readonly active: boolean;
}

/** The handle returned by `openPostgresDatabase`: each statement on a pooled connection, each transaction on one held for it. */
class PostgresDatabase implements Database {
  readonly engine = 'postgres';
  private readonly shared: Shared;
  private readonly scope = new AsyncLocalStorage<Scope>();
  private closing: Promise<void> | null = null;
  /** Statements and transactions under way, which close() lets finish (the pool would strand those still queued). */
  private readonly working = new Set<Promise<unknown>>();

  constructor(pool: pg.Pool, logger: Logger, name: string, connectTimeoutMs: number) {
    this.shared = new Shared(pool, logger, name, connectTimeoutMs);
    // A pooled connection that fails while idle (the server restarted) is dropped by the pool; the
    // next call opens a new one. Without a listener the failure would end the process.
    pool.on('error', (error) => logger.debug({ database: name, err: error }, 'an idle database connection closed'));
  }

  get queryCount(): number {
    return this.shared.queryCount;
  }

  resetQueryCount(): void {
    this.shared.queryCount = 0;
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    const result = await this.statement(sql, checkedParams(this.shared.parameterCount(sql), params));
    return result.rows as Row[];
  }

  async queryRows<Row extends readonly unknown[] = unknown[]>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> {
    const result = await this.statement(sql, checkedParams(this.shared.parameterCount(sql), params), true);
    return result.rows as Row[];
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    const result = await this.statement(sql, checkedParams(this.shared.parameterCount(sql), params));
    return { changes: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    if (this.shared.parameterCount(sql) > 0) throw new TypeError('exec() runs scripts without parameters; use run()');
    await this.statement(sql, null);
  }

  async transaction<T>(fn: (db: Database) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    assertTransactionOptions(options);
    this.assertUsable('transaction');
    return this.track(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(fn, options);
        } catch (error) {
          const conflict = error instanceof DatabaseError && CONFLICT_CODES.has(error.driverCode);
          if (!conflict || attempt >= TRANSACTION_ATTEMPTS) throw error;
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.scope.getStore()?.active)
      throw new TypeError('close() was called inside a transaction, which would wait for itself');
    this.closing ??= (async () => {
      while (this.working.size > 0) await Promise.allSettled([...this.working]);
      await this.shared.pool.end();
    })();
    return this.closing;
  }

  private track<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.working.add(running);
    const forget = () => this.working.delete(running);
    running.then(forget, forget);
    return running;
  }

  private statement(sql: string, params: readonly SqlValue[] | null, arrays = false): Promise<pg.QueryResult> {
    this.assertUsable('statement');
    return this.track(() => this.send(sql, params, arrays));
  }

  private async send(sql: string, params: readonly SqlValue[] | null, arrays: boolean): Promise<pg.QueryResult> {
    const connection = await this.shared.connect();
    let broken: Error | undefined;
    try {
      return await this.shared.send(connection.client, sql, params, { counted: true, unbounded: false, arrays });
    } catch (error) {
      if (error instanceof StoreUnavailableError) broken = error;
      throw error;
    } finally {
      connection.release(broken);
    }
  }

  private async attempt<T>(fn: (db: Database) => Promise<T>, options: TransactionOptions): Promise<T> {
    const connection = await this.shared.connect();
    const unbounded = options.unbounded === true;
    const handle = new PostgresTransaction(this.shared, connection.client, 0, unbounded);
    let broken: Error | undefined;
    try {
      await handle.control('BEGIN');
      if (unbounded) await handle.control('SET LOCAL statement_timeout = 0');
      if (options.lock !== undefined) await handle.lock(options.lock);
      const result = await this.scope.run(handle, () => fn(handle));
      handle.end();
      await handle.control('COMMIT');
      return result;
    } catch (error) {
      handle.end();
      if (error instanceof StoreUnavailableError) broken = error;
      else {
        try {
          await handle.control('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
      }
      throw error;
    } finally {
      connection.release(broken);
    }
  }

  private assertUsable(what: string): void {
    if (this.closing) throw new DatabaseClosedError();
    if (this.scope.getStore()?.active) {
      throw new TypeError(
        `a ${what} was sent through the outer database handle from inside a transaction, where it would run ` +
          'outside the transaction (and could wait on its locks): use the handle that transaction() passed to your function',
      );
    }
  }
}

/** The handle inside a transaction: statements on its connection, nested transactions as savepoints. */
class PostgresTransaction implements Database, Scope {
  readonly engine = 'postgres';
  private ended = false;
  private child: PostgresTransaction | null = null;

  constructor(
    private readonly shared: Shared,
    private readonly client: pg.PoolClient,
    private readonly depth: number,
    private readonly unbounded: boolean,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  get queryCount(): number {
    return this.shared.queryCount;
  }

  resetQueryCount(): void {
    this.shared.queryCount = 0;
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return (await this.rows(sql, params, false)) as Row[];
  }

  async queryRows<Row extends readonly unknown[] = unknown[]>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> {
    return (await this.rows(sql, params, true)) as Row[];
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    this.assertUsable();
    const checked = checkedParams(this.shared.parameterCount(sql), params);
    const result = await this.shared.send(this.client, sql, checked, { counted: true, unbounded: this.unbounded });
    return { changes: result.rowCount ?? 0 };
  }

  /** query() and queryRows(): rows as objects, or with `arrays` as arrays of values. */
  private async rows(sql: string, params: readonly SqlValue[] | undefined, arrays: boolean): Promise<unknown[]> {
    this.assertUsable();
    const checked = checkedParams(this.shared.parameterCount(sql), params);
    const result = await this.shared.send(this.client, sql, checked, {
      counted: true,
      unbounded: this.unbounded,
      arrays,
    });
    return result.rows as unknown[];
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable();
    if (this.shared.parameterCount(sql) > 0) throw new TypeError('exec() runs scripts without parameters; use run()');
    await this.shared.send(this.client, sql, null, { counted: true, unbounded: this.unbounded });
  }

  async transaction<T>(fn: (db: Database) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    assertTransactionOptions(options, 'nested');
    this.assertUsable();
    const savepoint = `tx_${this.depth + 1}`;
    const child = new PostgresTransaction(this.shared, this.client, this.depth + 1, this.unbounded);
    this.child = child;
    await this.control(`SAVEPOINT ${savepoint}`);
    try {
      if (options.lock !== undefined) await child.lock(options.lock);
      const result = await fn(child);
      child.end();
      await this.control(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      child.end();
      // A lost connection has no savepoint to go back to; the outer transaction fails with it.
      if (!(error instanceof StoreUnavailableError)) {
        await this.control(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        await this.control(`RELEASE SAVEPOINT ${savepoint}`);
      }
      throw error;
    } finally {
      this.child = null;
    }
  }

  async close(): Promise<void> {
    throw new TypeError('close() belongs to the database, not to a transaction handle');
  }

  /** Transaction control, not counted as a query. */
  async control(sql: string): Promise<void> {
    await this.shared.send(this.client, sql, null, { counted: false, unbounded: this.unbounded });
  }

  /** Takes the transaction-scoped advisory lock of `name` (held until the outermost transaction ends). */
  async lock(name: string): Promise<void> {
    await this.shared.send(this.client, 'SELECT pg_advisory_xact_lock($1)', [advisoryKey(name)], {
      counted: false,
      unbounded: this.unbounded,
    });
  }

  end(): void {
    this.ended = true;
  }

  private assertUsable(): void {
    if (this.ended) throw new TypeError('this transaction handle was used after its transaction ended');
    if (this.child)
      throw new TypeError(
        'this transaction handle was used while a nested transaction was open: use the nested handle',
      );
  }
}

/**
 * The advisory-lock key of a name: the first 8 bytes of SHA-256("usergraph:" + name) as a signed
 * 64-bit integer, so that names never collide in practice and an operator can compute the key
 * they see in `pg_locks` (classid, objid: its high and low halves).
 */
export function advisoryKey(name: string): string {
  const digest = createHash('sha256').update(`usergraph:${name}`).digest();
  return digest.readBigInt64BE(0).toString();
}

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = {
  '23505': 'UNIQUE',
  '23503': 'FOREIGN_KEY',
  '23514': 'CHECK',
  '23502': 'NOT_NULL',
};

/**
 * SQLSTATEs that say the server cannot serve now, not that the statement is wrong: connection
 * exceptions (class 08), too many connections, the server shutting down or starting, a statement
 * or an idle transaction past its timeout.
 */
function unavailableReason(sqlState: string): string | null {
  if (sqlState.startsWith('08')) return 'the connection failed';
  switch (sqlState) {
    case '53300':
      return 'the server has no connection to spare';
    case '57P01':
    case '57P02':
      return 'the server is shutting down';
    case '57P03':
      return 'the server is starting up';
    case '57014':
      return 'a statement ran past DATABASE_STATEMENT_TIMEOUT_MS';
    case '25P03':
      return 'a transaction sat idle past DATABASE_STATEMENT_TIMEOUT_MS';
    default:
      return null;
  }
}

/** An error the server sent has a five-character SQLSTATE and a severity; anything else came from the client's side. */
function sqlStateOf(error: unknown): string | null {
  const candidate = error as { code?: unknown; severity?: unknown } | null;
  return typeof candidate?.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && candidate.severity !== undefined
    ? candidate.code
    : null;
}

/** Why no connection could be had, in words that hold no credential. */
function connectFailure(error: unknown, connectTimeoutMs: number): StoreUnavailableError {
  const sqlState = sqlStateOf(error);
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : '';
  let reason: string;
  if (sqlState !== null && sqlState.startsWith('28')) reason = 'the server refused the credentials';
  else if (sqlState === '3D000') reason = 'the server has no such database';
  else if (sqlState !== null) reason = unavailableReason(sqlState) ?? `the server refused the connection (${sqlState})`;
  else if (/timeout/i.test(text)) reason = `no connection within DATABASE_CONNECT_TIMEOUT_MS (${connectTimeoutMs} ms)`;
  else reason = networkReason(error) ?? 'the connection failed';
  return new StoreUnavailableError(reason, { cause: error });
}

/** A statement's failure as the store's error class. */
function statementFailure(error: unknown): Error {
  const sqlState = sqlStateOf(error);
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(error);
  if (sqlState === null) {
    // Not the server's answer: the connection broke or the answer never came.
    const reason = /read timeout/i.test(text)
      ? 'the server did not answer within DATABASE_STATEMENT_TIMEOUT_MS'
      : (networkReason(error) ?? 'the connection was lost');
    return new StoreUnavailableError(reason, { cause: error });
  }
  const unavailable = unavailableReason(sqlState);
  if (unavailable !== null) return new StoreUnavailableError(unavailable, { cause: error });
  const kind = CONSTRAINT_KINDS[sqlState];
  return kind
    ? new ConstraintViolationError(kind, sqlState, text, { cause: error })
    : new DatabaseError(sqlState, text, { cause: error });
}

function networkReason(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection (is it running?)';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the server cannot be reached';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return "the server's name does not resolve";
    default:
      return typeof code === 'string' && /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(code)
        ? `the server's TLS certificate was refused (${code})`
        : null;
  }
}
