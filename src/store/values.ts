import { SOURCES, type Source } from '../domain/types';

/**
 * The checks and conversions every store module applies to what it binds. The store validates its
 * arguments itself (TypeError naming the argument) rather than letting a bad value reach SQL.
 */

/** Timestamps are ISO-8601 UTC text: they sort as text and mean the same on every engine. */
export function iso(date: Date, what: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${what} must be a valid Date`);
  return date.toISOString();
}

export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string')
    throw new TypeError(`${what} must be a string, got ${value === null ? 'null' : typeof value}`);
}

export function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
}

export function assertOneOf<T extends string>(values: readonly T[], value: unknown, what: string): asserts value is T {
  if (!(values as readonly unknown[]).includes(value))
    throw new TypeError(`${what} must be one of ${values.join(', ')}; got ${JSON.stringify(value)}`);
}

export function assertSource(source: unknown): asserts source is Source {
  assertOneOf(SOURCES, source, 'source');
}
