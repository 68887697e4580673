/**
 * The gateway's database access, as the rest of the code sees it: a few async calls over SQL that
 * both SQLite (the embedded default) and PostgreSQL (shared by replicas) accept.
 *
 * Portability rules for every statement written against this interface:
 * - placeholders are PostgreSQL's `$1, $2, …`, numbered from 1 without gaps, and `params` holds
 *   exactly one value per number;
 * - column types are TEXT and INTEGER only; booleans are not bound (store 0/1 or a state word);
 * - timestamps are ISO-8601 UTC text (`Date#toISOString()`), which sorts and compares as text;
 * - upserts are `ON CONFLICT (…) DO UPDATE / DO NOTHING`, results of writes come from `RETURNING`;
 * - no engine-specific functions (no `json_*`, `datetime()`, `now()`, `ILIKE`); case-insensitive
 *   matching is done by storing lower-cased text and lower-casing the argument;
 * - `IN (…)` lists are built from generated placeholders, never from concatenated values.
 */

/** What may be bound to a placeholder. Dates go in as ISO text, booleans as words or 0/1. */
export type SqlValue = string | number | bigint | null;

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

export interface Database {
  /** Runs a statement that returns rows (`SELECT`, or a write with `RETURNING`). */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;

  /** Runs a statement for its effect. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;

  /** Runs a parameterless script of one or more statements (migrations). */
  exec(sql: string): Promise<void>;

  /**
   * Runs `fn` inside one transaction, committed when its promise resolves and rolled back when it
   * rejects. Every statement of the transaction must go through the handle `fn` receives; the outer
   * handle waits until the transaction ends (using it from inside `fn` is a TypeError, since it
   * would wait for itself). Nested calls on the inner handle become savepoints. Other callers wait
   * while it is open, so never await a vendor call inside one.
   */
  transaction<T>(fn: (db: Database) => Promise<T>): Promise<T>;

  /**
   * Statements executed through `query`, `run` and `exec` since the last reset (transaction
   * control is not counted). Tests assert "one query per batch" with it.
   */
  readonly queryCount: number;
  resetQueryCount(): void;

  /** Waits for queued work, then releases the connection. Later calls reject with DATABASE_CLOSED. */
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
