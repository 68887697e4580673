/**
 * The bounds every mutation input is held to before anything else happens: no vendor
 * is called, nothing is journaled and nothing is looked up for an input out of bounds. Without
 * them a 1 MB password went to all four vendors and a 1 MB idempotency key stayed in the journal
 * for ever. Problems name the field and a stable code, never the value.
 */
import { inputProblem, type Problem } from '../../domain/commands';
import type { EnvReader } from '../../platform/env';

/** The configurable bounds, in characters (Unicode code points). */
export interface InputBounds {
  /** Longest password (`INPUT_MAX_PASSWORD_LENGTH`). */
  maxPasswordLength: number;
  /** Longest idempotency key (`INPUT_MAX_IDEMPOTENCY_KEY_LENGTH`). */
  maxIdempotencyKeyLength: number;
  /** Longest of every other text field: names, user names, country, state, locale, phone, mail class name (`INPUT_MAX_TEXT_LENGTH`). */
  maxTextLength: number;
}

export const DEFAULT_INPUT_BOUNDS: InputBounds = {
  maxPasswordLength: 256,
  maxIdempotencyKeyLength: 128,
  maxTextLength: 256,
};

/** An email address can be no longer than this (RFC 5321's limit on a path, less its brackets): not configurable. */
export const MAX_EMAIL_LENGTH = 254;

/** Longest id (a gateway user id, an account id, a mail class id): ids are short by construction. */
export const MAX_ID_LENGTH = 128;

/** The characters an idempotency key may hold: printable ASCII without spaces, quotes or separators that need escaping. */
const IDEMPOTENCY_KEY_CHARACTERS = /^[A-Za-z0-9._~:+/=-]+$/;

/** C0 and C1 control characters (NUL included), DEL, the Unicode line and paragraph separators, and lone surrogates. */
const CONTROL_CHARACTERS =
  // Matching control characters is the point of this expression.
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001F\u007F-\u009F\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Fields that hold an id; fields that are not text at all are not walked (booleans, enums). */
const ID_FIELDS = new Set(['id', 'accountId']);

/** The command's keys that are not input fields of their own: `changes` holds updateUser's fields at the input's top level. */
const FLATTENED = new Set(['changes']);

/** The bounds from the environment, validated like every other setting. */
export function readInputBounds(read: EnvReader): InputBounds {
  return {
    maxPasswordLength: read.int('INPUT_MAX_PASSWORD_LENGTH', DEFAULT_INPUT_BOUNDS.maxPasswordLength, 8, 4_096),
    maxIdempotencyKeyLength: read.int(
      'INPUT_MAX_IDEMPOTENCY_KEY_LENGTH',
      DEFAULT_INPUT_BOUNDS.maxIdempotencyKeyLength,
      16,
      1_024,
    ),
    maxTextLength: read.int('INPUT_MAX_TEXT_LENGTH', DEFAULT_INPUT_BOUNDS.maxTextLength, 16, 65_536),
  };
}

/**
 * Every bound a command breaks, as input problems: `INPUT_TOO_LONG` for a value over its length,
 * `INVALID_CHARACTERS` for control characters (in any text but a password) or an idempotency key
 * outside its character set.
 */
export function inputBoundProblems(command: object, bounds: InputBounds = DEFAULT_INPUT_BOUNDS): Problem[] {
  const problems: Problem[] = [];
  walk(command, [], problems, bounds);
  return problems;
}

function walk(value: object, path: string[], problems: Problem[], bounds: InputBounds): void {
  for (const [key, item] of Object.entries(value)) {
    const field = FLATTENED.has(key) && path.length === 0 ? [] : [...path, key];
    if (typeof item === 'string') check(item, field, problems, bounds);
    else if (item !== null && typeof item === 'object' && !Array.isArray(item))
      walk(item as object, field, problems, bounds);
  }
}

function check(text: string, field: string[], problems: Problem[], bounds: InputBounds): void {
  const name = field.at(-1)!;
  const where = field.join('.');
  if (name === 'password') {
    if (longerThan(text, bounds.maxPasswordLength)) problems.push(tooLong(field, where, bounds.maxPasswordLength));
    return;
  }
  if (name === 'idempotencyKey') {
    const limit = bounds.maxIdempotencyKeyLength;
    if (longerThan(text, limit)) problems.push(tooLong(field, where, limit));
    else if (text !== '' && !IDEMPOTENCY_KEY_CHARACTERS.test(text)) {
      problems.push(
        inputProblem(
          field,
          `An idempotency key may hold only letters, digits and . _ ~ : + / = -`,
          null,
          'INVALID_CHARACTERS',
        ),
      );
    }
    return;
  }
  const limit = name === 'email' ? MAX_EMAIL_LENGTH : ID_FIELDS.has(name) ? MAX_ID_LENGTH : bounds.maxTextLength;
  const broken = textBoundBroken(text, limit);
  if (broken === 'INPUT_TOO_LONG') problems.push(tooLong(field, where, limit));
  if (broken === 'INVALID_CHARACTERS')
    problems.push(inputProblem(field, `${where} must not contain control characters`, null, 'INVALID_CHARACTERS'));
}

/**
 * The bound a text breaks, if any: INPUT_TOO_LONG past `limit` characters, INVALID_CHARACTERS for
 * a control character. The rule every text field is held to, in a mutation's input or a query's
 * arguments (src/services/query-arguments.ts).
 */
export function textBoundBroken(text: string, limit: number): 'INPUT_TOO_LONG' | 'INVALID_CHARACTERS' | null {
  if (longerThan(text, limit)) return 'INPUT_TOO_LONG';
  return CONTROL_CHARACTERS.test(text) ? 'INVALID_CHARACTERS' : null;
}

function tooLong(field: string[], where: string, limit: number): Problem {
  return inputProblem(field, `${where} must be at most ${limit} characters long`, null, 'INPUT_TOO_LONG');
}

/** Whether a text has more than `limit` code points, without walking all of a huge one. */
function longerThan(text: string, limit: number): boolean {
  // A code point is one or two UTF-16 units: the unit count bounds the code point count both ways.
  if (text.length <= limit) return false;
  if (text.length > 2 * limit) return true;
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > limit) return true;
  }
  return false;
}
