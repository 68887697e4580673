import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { silentLogger, type Logger } from '../platform/logger';
import type { Database, RunResult, SqlValue, TransactionOptions } from './database';
import { ConstraintViolationError, DatabaseClosedError, DatabaseError, type ConstraintKind } from './errors';
import { assertTransactionOptions, checkedParams, translatePlaceholders } from './statements';
import { WalSync } from './wal-sync';

export interface SqliteOptions {
  /** A database file (its directory is created when missing) or `':memory:'`. */
  file: string;
  logger?: Logger;
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

/**
 * Opens the embedded database: WAL journal (readers never block the writer), foreign keys on, and
 * every write durable before it is answered (a committed journal step survives a crash of the
 * process and of the machine): `synchronous = NORMAL`, with the WAL flushed to the disk after each
 * commit off the event loop and shared by the commits made meanwhile (wal-sync.ts), rather than
 * `synchronous = FULL`'s flush inside each COMMIT, which holds up every request.
 */
export function openSqliteDatabase(options: SqliteOptions): Database {
  const { file, logger = silentLogger, busyTimeoutMs = 5000 } = options;
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`openSqliteDatabase() needs a file path or ':memory:', got ${JSON.stringify(file)}`);
  }
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new TypeError(`openSqliteDatabase() busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  const inMemory = file === ':memory:';
  if (!inMemory) {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    makeOwnerOnly(file);
  }

  const connection = new BetterSqlite3(file, { timeout: busyTimeoutMs });
  let wal: boolean;
  try {
    const journalMode = connection.pragma('journal_mode = WAL', { simple: true });
    wal = !inMemory && journalMode === 'wal';
    // Without WAL (a file system that cannot share memory), each COMMIT flushes the disk itself.
    connection.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    if (!inMemory && journalMode !== 'wal') {
      logger.warn({ file, journalMode }, 'the database file could not be switched to WAL mode');
    }
  } catch (error) {
    connection.close();
    throw error;
  }
  logger.debug({ file }, 'database opened');
  return new SqliteDatabase(connection, logger, file, wal ? new WalSync(`${file}-wal`) : null);
}

/**
 * The database holds emails, phones and names: its file is created readable by its owner only,
 * like journal.key. SQLite gives the `-wal` and `-shm` files it creates the mode of the database
 * file; ones left with a wider mode by an earlier version are narrowed too.
 */
function makeOwnerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat !== undefined && (stat.mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

interface PreparedStatement {
  statement: BetterSqlite3.Statement<unknown[], unknown>;
  /** Highest `$n` in the statement; `params` must carry exactly this many values. */
  parameterCount: number;
  /** Whether the statement answers rows as arrays (`raw`) now: one statement serves query() and queryRows(). */
  arrays: boolean;
}

/** How a statement's rows come back: objects keyed by column (query), or arrays of values (queryRows). */
type RowShape = 'objects' | 'arrays';

/** Enough to keep every fixed statement of the store prepared without growing with IN-list sizes. */
const STATEMENT_CACHE_SIZE = 256;

/** One better-sqlite3 connection with the statement cache and counters both handles share. */
class Connection {
  queryCount = 0;
  /** Statements run that may have written (not read-only): what a commit has to make durable. */
  writes = 0;
  private readonly statements = new Map<string, PreparedStatement>();

  constructor(readonly raw: BetterSqlite3.Database) {}

  all(sql: string, params: readonly SqlValue[] | undefined, shape: RowShape): unknown[] {
    const prepared = this.prepare(sql);
    if (!prepared.statement.reader) {
      const method = shape === 'arrays' ? 'queryRows' : 'query';
      throw new TypeError(`${method}() is for statements that return rows; use run() for a write without RETURNING`);
    }
    const bound = bind(prepared, params);
    const arrays = shape === 'arrays';
    // Switched only when the other method last ran this statement: all() runs to its end before
    // anything else can use the statement, so the mode set here is the one it reads with.
    if (prepared.arrays !== arrays) {
      prepared.statement.raw(arrays);
      prepared.arrays = arrays;
    }
    this.queryCount++;
    if (!prepared.statement.readonly) this.writes++;
    return translateErrors(() => prepared.statement.all(bound));
  }

  run(sql: string, params: readonly SqlValue[] | undefined): RunResult {
    const prepared = this.prepare(sql);
    const bound = bind(prepared, params);
    this.queryCount++;
    if (!prepared.statement.readonly) this.writes++;
    return { changes: translateErrors(() => prepared.statement.run(bound)).changes };
  }

  exec(sql: string): void {
    if (translatePlaceholders(sql).parameterCount > 0)
      throw new TypeError('exec() runs scripts without parameters; use run()');
    this.queryCount++;
    this.writes++;
    translateErrors(() => this.raw.exec(sql));
  }

  /** Transaction control, not counted as a query. */
  control(sql: string): void {
    translateErrors(() => this.raw.exec(sql));
  }

  close(): void {
    this.statements.clear();
    this.raw.close();
  }

  private prepare(sql: string): PreparedStatement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Re-inserting keeps the Map's insertion order usable as least-recently-used order.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const translated = translatePlaceholders(sql);
    const prepared = {
      statement: translateErrors(() => this.raw.prepare(translated.sql)),
      parameterCount: translated.parameterCount,
      arrays: false,
    };
    this.statements.set(sql, prepared);
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.statements.keys().next().value as string;
      this.statements.delete(oldest);
    }
    return prepared;
  }
}

/** A value, and whether the work that made it wrote to the database. */
interface Written<T> {
  value: T;
  wrote: boolean;
}

/** Which handle's transaction the current async context runs in, to catch the self-deadlock. */
interface Scope {
  readonly active: boolean;
}

/** The handle returned by `openSqliteDatabase`: serialises transactions on its one connection. */
class SqliteDatabase implements Database {
  readonly engine = 'sqlite';
  private readonly connection: Connection;
  private readonly scope = new AsyncLocalStorage<Scope>();
  /** Transactions and statements queued behind one; zero means the connection is free right now. */
  private queued = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;

  constructor(
    raw: BetterSqlite3.Database,
    private readonly logger: Logger,
    private readonly file: string,
    /** Flushes the WAL after commits (null in memory, or without WAL: nothing to flush, or COMMIT does it). */
    private readonly walSync: WalSync | null,
  ) {
    this.connection = new Connection(raw);
  }

  /** How many times the WAL was flushed to the disk (commits made together share one). */
  get walSyncs(): number {
    return this.walSync?.syncs ?? 0;
  }

  get queryCount(): number {
    return this.connection.queryCount;
  }

  resetQueryCount(): void {
    this.connection.queryCount = 0;
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return (await this.rows(sql, params, 'objects')) as Row[];
  }

  async queryRows<Row extends readonly unknown[] = unknown[]>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> {
    return (await this.rows(sql, params, 'arrays')) as Row[];
  }

  /** query() and queryRows(): a statement's rows in `shape`, answered once a write among them is durable. */
  private async rows(sql: string, params: readonly SqlValue[] | undefined, shape: RowShape): Promise<unknown[]> {
    return this.durably(await this.statement(() => this.written(() => this.connection.all(sql, params, shape))));
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.durably(await this.statement(() => this.written(() => this.connection.run(sql, params))));
  }

  async exec(sql: string): Promise<void> {
    return this.durably(await this.statement(() => this.written(() => this.connection.exec(sql))));
  }

  /** A lock's name adds nothing here: BEGIN IMMEDIATE already excludes every other transaction. */
  async transaction<T>(fn: (db: Database) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    assertTransactionOptions(options);
    this.assertUsable('transaction');
    const committed = await this.enqueue(async () => {
      const handle = new SqliteTransaction(this.connection, 0);
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
      this.connection.control('BEGIN IMMEDIATE');
      try {
        const result = await this.written(() => this.scope.run(handle, () => fn(handle)));
        handle.end();
        this.connection.control('COMMIT');
        return result;
      } catch (error) {
        handle.end();
        if (this.connection.raw.inTransaction) this.connection.control('ROLLBACK');
        throw error;
      }
    });
    // Flushed after the connection is free again: transactions committed meanwhile share the flush.
    return this.durably(committed);
  }

  async close(): Promise<void> {
    if (this.scope.getStore()?.active)
      throw new TypeError('close() was called inside a transaction, which would wait for itself');
    this.closing ??= this.tail.then(async () => {
      this.connection.close();
      await this.walSync?.close();
      this.logger.debug({ file: this.file }, 'database closed');
    });
    return this.closing;
  }

  /**
   * `work`'s value, with whether it wrote: work that wrote (in autocommit, or a transaction's
   * body) has its commit flushed by durably() before the caller gets the value.
   */
  private written<T>(work: () => T): Written<Awaited<T>> | Promise<Written<Awaited<T>>> {
    const before = this.connection.writes;
    const value = work();
    if (value instanceof Promise)
      return value.then((settled: Awaited<T>) => ({ value: settled, wrote: this.connection.writes !== before }));
    return { value: value as Awaited<T>, wrote: this.connection.writes !== before };
  }

  /** The value once what its work committed is on the disk (at once when it wrote nothing, or in memory). */
  private async durably<T>(written: Written<T>): Promise<T> {
    if (written.wrote && this.walSync !== null) await this.walSync.durable();
    return written.value;
  }

  /** Runs one statement now when the connection is free, otherwise after the queued transactions. */
  private statement<T>(work: () => T): Promise<T> {
    this.assertUsable('statement');
    if (this.queued === 0) return Promise.resolve(work());
    return this.enqueue(async () => work());
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(async () => {
      try {
        return await work();
      } finally {
        this.queued--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private assertUsable(what: string): void {
    if (this.closing) throw new DatabaseClosedError();
    if (this.scope.getStore()?.active) {
      throw new TypeError(
        `a ${what} was sent through the outer database handle from inside a transaction, where it would wait ` +
          'for the transaction to end: use the handle that transaction() passed to your function',
      );
    }
  }
}

/** The handle inside a transaction: statements run at once, nested transactions are savepoints. */
class SqliteTransaction implements Database, Scope {
  readonly engine = 'sqlite';
  private ended = false;
  private child: SqliteTransaction | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly depth: number,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  get queryCount(): number {
    return this.connection.queryCount;
  }

  resetQueryCount(): void {
    this.connection.queryCount = 0;
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    this.assertUsable();
    return this.connection.all(sql, params, 'objects') as Row[];
  }

  async queryRows<Row extends readonly unknown[] = unknown[]>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<Row[]> {
    this.assertUsable();
    return this.connection.all(sql, params, 'arrays') as Row[];
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    this.assertUsable();
    return this.connection.run(sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable();
    this.connection.exec(sql);
  }

  async transaction<T>(fn: (db: Database) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    assertTransactionOptions(options, 'nested');
    this.assertUsable();
    const savepoint = `tx_${this.depth + 1}`;
    const child = new SqliteTransaction(this.connection, this.depth + 1);
    this.child = child;
    this.connection.control(`SAVEPOINT ${savepoint}`);
    try {
      const result = await fn(child);
      child.end();
      this.connection.control(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      child.end();
      this.connection.control(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      this.connection.control(`RELEASE SAVEPOINT ${savepoint}`);
      throw error;
    } finally {
      this.child = null;
    }
  }

  async close(): Promise<void> {
    throw new TypeError('close() belongs to the database, not to a transaction handle');
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

/** better-sqlite3 binds `?n` by name; the values are checked as every engine checks them. */
function bind(prepared: PreparedStatement, params: readonly SqlValue[] = []): Record<string, SqlValue> {
  const bound: Record<string, SqlValue> = {};
  checkedParams(prepared.parameterCount, params).forEach((value, position) => {
    bound[String(position + 1)] = value;
  });
  return bound;
}

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UNIQUE',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UNIQUE',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'FOREIGN_KEY',
  SQLITE_CONSTRAINT_CHECK: 'CHECK',
  SQLITE_CONSTRAINT_NOTNULL: 'NOT_NULL',
};

/**
 * Turns the driver's errors into the store's engine-neutral classes (what a PostgreSQL driver's
 * errors map to as well). The driver's class is recognised by its code, not by `instanceof`: the
 * native addon keeps the SqliteError class of whichever module instance loaded it first.
 */
function translateErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const driverCode = (error as { code?: unknown } | null)?.code;
    if (typeof driverCode !== 'string' || !driverCode.startsWith('SQLITE_')) throw error;
    const message = (error as { message?: unknown }).message;
    const text = typeof message === 'string' ? message : driverCode;
    const kind = CONSTRAINT_KINDS[driverCode];
    throw kind
      ? new ConstraintViolationError(kind, driverCode, text, { cause: error })
      : new DatabaseError(driverCode, text, { cause: error });
  }
}
