/**
 * The checks every engine applies to a statement before it runs, so that a statement written against
 * the port fails the same way on SQLite and on PostgreSQL (see the rules in `database.ts`).
 */
import type { SqlValue, TransactionOptions } from './database';

/**
 * Rewrites PostgreSQL's `$n` placeholders to SQLite's numbered `?n`, outside quotes and comments,
 * and counts them. A bare `?` is refused: it would not run on PostgreSQL.
 */
export function translatePlaceholders(sql: string): { sql: string; parameterCount: number } {
  let out = '';
  const used = new Set<number>();
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    const next = sql[index + 1];
    if (char === "'" || char === '"') {
      const end = closingQuote(sql, index, char);
      out += sql.slice(index, end);
      index = end;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(index, stop);
      index = stop;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(index, stop);
      index = stop;
    } else if (char === '$' && next !== undefined && next >= '0' && next <= '9') {
      let stop = index + 1;
      while (stop < sql.length && sql[stop] >= '0' && sql[stop] <= '9') stop++;
      const number = Number(sql.slice(index + 1, stop));
      if (number < 1) throw new TypeError(`placeholders are numbered from $1; found $${number} in: ${sql}`);
      used.add(number);
      out += `?${number}`;
      index = stop;
    } else if (char === '?') {
      throw new TypeError(`write placeholders as $1, $2, … (PostgreSQL style), not "?", in: ${sql}`);
    } else {
      out += char;
      index++;
    }
  }
  const parameterCount = used.size === 0 ? 0 : Math.max(...used);
  if (used.size !== parameterCount) {
    const missing = Array.from({ length: parameterCount }, (_, i) => i + 1).filter((n) => !used.has(n));
    throw new TypeError(
      `placeholders must be numbered without gaps; missing ${missing.map((n) => `$${n}`).join(', ')} in: ${sql}`,
    );
  }
  return { sql: out, parameterCount };
}

/** Index just past the quote closing the one at `start`; a doubled quote is an escaped one. */
function closingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return sql.length;
}

/** PostgreSQL demands exactly one value per placeholder; both engines refuse anything else up front, alike. */
export function checkedParams(parameterCount: number, params: readonly SqlValue[] = []): readonly SqlValue[] {
  const given: unknown = params;
  if (!Array.isArray(given)) throw new TypeError('params must be an array of values for $1, $2, …');
  if (params.length !== parameterCount) {
    throw new TypeError(`the statement has ${parameterCount} placeholder(s) but ${params.length} value(s) were given`);
  }
  params.forEach((value: unknown, position) => {
    const type = typeof value;
    if (value !== null && type !== 'string' && type !== 'number' && type !== 'bigint') {
      const shown =
        value instanceof Date ? 'a Date (bind date.toISOString())' : type === 'boolean' ? 'a boolean' : type;
      throw new TypeError(`$${position + 1} is ${shown}; bind strings, numbers, bigints or null`);
    }
    if (type === 'number' && !Number.isFinite(value))
      throw new TypeError(`$${position + 1} is ${String(value)}; bind finite numbers`);
  });
  return params;
}

/** Refuses options a transaction cannot honour, the same way on every engine. */
export function assertTransactionOptions(options: TransactionOptions, nesting: 'top' | 'nested' = 'top'): void {
  if (options === null || typeof options !== 'object') throw new TypeError('transaction() options must be an object');
  if (options.lock !== undefined && (typeof options.lock !== 'string' || options.lock === ''))
    throw new TypeError('a transaction lock is a non-empty name');
  if (options.unbounded !== undefined && typeof options.unbounded !== 'boolean')
    throw new TypeError('transaction() unbounded is true or false');
  if (options.unbounded && nesting === 'nested')
    throw new TypeError('only a top-level transaction can be unbounded; a nested one runs under its parent');
}
