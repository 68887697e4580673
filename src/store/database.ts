/**
 * The gateway's database access, as the rest of the code sees it: a few async calls over SQL that
 * both SQLite (the embedded default, `sqlite.ts`) and PostgreSQL (shared by replicas, `postgres.ts`)
 * accept.
 *
 * Portability rules for every statement written against this interface:
 * - placeholders are PostgreSQL's `$1, $2, …`, numbered from 1 without gaps, and `params` holds
 *   exactly one value per number;
 * - column types are TEXT and INTEGER only; booleans are not bound (store 0/1 or a state word);
 *   integers come back as numbers on both engines (counts included);
 * - timestamps are ISO-8601 UTC text (`Date#toISOString()`), which sorts and compares as text;
 * - upserts are `ON CONFLICT (…) DO UPDATE / DO NOTHING`, results of writes come from `RETURNING`;
 * - no engine-specific functions (no `json_*`, `datetime()`, `now()`, `ILIKE`); case-insensitive
 *   matching is done by storing lower-cased text and lower-casing the argument;
 * - `IN (…)` lists are built from generated placeholders, never from concatenated values.
 *
 * Concurrency rules. On PostgreSQL many callers (and many processes) run at once; nothing waits for
 * another unless the database makes it. So a decision is never "read, then write what the read
 * allowed" across two statements; it is one statement the database decides atomically:
 * - a uniqueness is a constraint, and a write that may meet it is `INSERT … ON CONFLICT DO NOTHING /
 *   DO UPDATE … WHERE …` with `RETURNING`, the empty result saying someone else got there first;
 * - a change of state is `UPDATE … WHERE state = <the state it leaves>` (or the owner it requires),
 *   and `changes` (or `RETURNING`) says whether this caller made it;
 * - work that must not interleave with the same work elsewhere runs in `transaction(fn, { lock })`.
 * A transaction sees what others committed before each of its statements (PostgreSQL's READ
 * COMMITTED; SQLite runs one transaction at a time): a row read inside one may have changed by the
 * next statement unless a constraint or a conditional write pins it.
 */

/** What may be bound to a placeholder. Dates go in as ISO text, booleans as words or 0/1. */
export type SqlValue = string | number | bigint | null;

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

/** How a transaction runs. */
export interface TransactionOptions {
  /**
   * A name no other transaction holding the same one may overlap with, in any process sharing the
   * database: the second waits until the first ends. PostgreSQL: a transaction-scoped advisory lock
   * taken first (so it holds behind a transaction-pooling proxy too), held until the outermost
   * transaction ends even when taken by a nested one. SQLite: every transaction
   * already excludes all others (the file's write lock), so the name adds nothing there.
   */
  lock?: string;
  /**
   * No statement timeout inside this transaction, for schema changes: waiting for another process's
   * migration, or rewriting a large table, may take longer than any request should. Top-level
   * transactions only (a TypeError on a nested one).
   */
  unbounded?: boolean;
}

export interface Database {
  /** Which engine this is, for what is said about it (logs, health) and for tests of its catalog. */
  readonly engine: 'sqlite' | 'postgres';

  /** Runs a statement that returns rows (`SELECT`, or a write with `RETURNING`). */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;

  /**
   * Runs a statement that returns rows, as `query` does (same parameters, errors, counting and
   * durability), but answers each row as an array of its values in the order of the statement's
   * result columns. Reading rows as arrays skips building an object per row, which is most of what
   * a batch of a few hundred rows costs: the hot batch reads use it. Name the columns in the
   * `SELECT` (or `RETURNING`), never `*`, so that their order is the statement's own.
   */
  queryRows<Row extends readonly unknown[] = unknown[]>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;

  /** Runs a statement for its effect. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;

  /** Runs a parameterless script of one or more statements (migrations). */
  exec(sql: string): Promise<void>;

  /**
   * Runs `fn` inside one transaction, committed when its promise resolves and rolled back when it
   * rejects. Every statement of the transaction must go through the handle `fn` receives; using the
   * outer handle from inside `fn` is a TypeError (on SQLite it would wait for the transaction, on
   * PostgreSQL it would run outside it and could wait on the transaction's own locks). Nested calls
   * on the inner handle become savepoints.
   *
   * - Keep it short and never await a vendor call inside one: on SQLite every other caller waits
   *   while it is open, on PostgreSQL it holds a pooled connection and its rows' locks.
   * - A statement that fails inside a transaction fails the transaction on PostgreSQL: to recover
   *   from an expected failure (a constraint) and go on, run that statement in a nested
   *   `transaction()`, which rolls back to its savepoint alone.
   * - `fn` may run more than once: PostgreSQL retries a transaction it cancelled to break a deadlock
   *   or a serialisation conflict. Keep it free of effects outside the database.
   */
  transaction<T>(fn: (db: Database) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /**
   * Statements executed through `query`, `queryRows`, `run` and `exec` since the last reset
   * (transaction control is not counted). Tests assert "one query per batch" with it.
   */
  readonly queryCount: number;
  resetQueryCount(): void;

  /**
   * Failures are the store's errors (`errors.ts`): a database that cannot be reached, or does not
   * answer within its timeouts, fails the call with STORE_UNAVAILABLE on every engine, and the next
   * call tries again (PostgreSQL's pool reconnects by itself).
   *
   * Waits for the work in hand, then releases the connection(s). Later calls reject with
   * DATABASE_CLOSED.
   */
  close(): Promise<void>;
}

/** Builds `$first, $first+1, …` for an `IN (…)` list of `count` values. */
export function placeholders(count: number, first = 1): string {
  if (!Number.isInteger(count) || count < 1)
    throw new TypeError(`placeholders() needs at least one value, got ${count}`);
  return Array.from({ length: count }, (_, index) => `$${first + index}`).join(', ');
}

/**
 * The most values one `IN (…)` list carries. A batch larger than this is split into several
 * queries; DataLoader batches are capped below it, so a batch is still one query.
 */
export const MAX_VALUES_PER_LIST = 1000;

/** Splits `values` into lists of at most MAX_VALUES_PER_LIST for `IN (…)` queries. */
export function chunksForList<T>(values: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += MAX_VALUES_PER_LIST) {
    chunks.push(values.slice(start, start + MAX_VALUES_PER_LIST));
  }
  return chunks;
}
