/**
 * The bounds every argument of a query is held to, as mutation inputs are (src/services/writes/
 * input-bounds.ts), checked before anything resolves so that no vendor is asked about a value out
 * of bounds: without them `user(email:)` sent a 1 MB address to GreenArrow as a 1 MB URL, and an
 * argument that was not an address at all answered null with no hint. Problems name the argument
 * and a stable code, never the value.
 */
import { MAX_EMAIL_LENGTH, MAX_ID_LENGTH, textBoundBroken, type InputBounds } from './writes/input-bounds';

/** One string a query's arguments carry: where (the argument, then the keys inside it) and whether its type is an ID. */
export interface ArgumentText {
  path: readonly string[];
  value: string;
  isId: boolean;
}

export interface ArgumentProblem {
  /** The argument's dotted path, e.g. `email` or `filter.emailContains`. */
  argument: string;
  code: 'INPUT_TOO_LONG' | 'INVALID_CHARACTERS' | 'BAD_USER_INPUT';
  message: string;
}

/** Arguments that name a person by email address: held to an address's length, and to being one. */
const EMAIL_ARGUMENTS = new Set(['email']);
/** Arguments that hold part of an address: held to an address's length only. */
const EMAIL_PART_ARGUMENTS = new Set(['emailContains']);

/** Something@something, without spaces: enough to tell an address from anything else before asking a vendor. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+$/;

/**
 * Every bound the texts of a query's arguments break: `INPUT_TOO_LONG` past an email's 254
 * characters, an ID's 128, or INPUT_MAX_TEXT_LENGTH for other text; `INVALID_CHARACTERS` for a
 * control character; `BAD_USER_INPUT` for an email argument that is not an address.
 */
export function queryArgumentProblems(texts: readonly ArgumentText[], bounds: InputBounds): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  for (const { path, value, isId } of texts) {
    const name = path.at(-1) ?? '';
    const argument = path.join('.');
    const email = EMAIL_ARGUMENTS.has(name);
    const limit =
      email || EMAIL_PART_ARGUMENTS.has(name) ? MAX_EMAIL_LENGTH : isId ? MAX_ID_LENGTH : bounds.maxTextLength;
    const broken = textBoundBroken(value, limit);
    if (broken === 'INPUT_TOO_LONG')
      problems.push({ argument, code: broken, message: `\`${argument}\` must be at most ${limit} characters long` });
    else if (broken === 'INVALID_CHARACTERS')
      problems.push({ argument, code: broken, message: `\`${argument}\` must not contain control characters` });
    else if (email && !EMAIL_ADDRESS.test(value.trim()))
      problems.push({ argument, code: 'BAD_USER_INPUT', message: `\`${argument}\` is not an email address` });
  }
  return problems;
}
