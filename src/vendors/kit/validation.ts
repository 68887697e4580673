import type { z } from 'zod';

/**
 * The one way a contract turns a request body into a command or into field problems. Each vendor
 * words its problems its own way (GreenArrow says `email is not a known attribute`, Engagement
 * answers one sentence for every invalid attribute), so the wording is the contract's; walking
 * zod's issues and naming the field is done here, once.
 */

/** One problem with a request, named by its wire field (`(body)` for the body as a whole). */
export interface FieldProblem {
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** How a vendor words a problem; the defaults are RainMaker's and user-management's. */
export interface ProblemWording {
  /** The field of an issue about the value as a whole (default `(body)`). */
  root?: string;
  /** The message for a key the schema does not know, given its dotted path. */
  unknownKey?: (field: string) => string;
  /** The message for any other issue, given the field, zod's reason, and whether it is about the whole value. */
  invalid?: (field: string, reason: string, atRoot: boolean) => string;
}

const DEFAULT_WORDING: Required<ProblemWording> = {
  root: '(body)',
  unknownKey: (field) => `Unknown field "${field}"`,
  invalid: (field, reason, atRoot) => (atRoot ? reason : `${field} ${reason}`),
};

/** zod's issues as field problems, one per unknown key and one per other issue, in zod's order. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], wording: ProblemWording = {}): FieldProblem[] {
  const { root, unknownKey, invalid } = { ...DEFAULT_WORDING, ...wording };
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...path, key].join('.');
        problems.push({ field, message: unknownKey(field) });
      }
    } else {
      const atRoot = path.length === 0;
      const field = atRoot ? root : path.join('.');
      problems.push({ field, message: invalid(field, issue.message, atRoot) });
    }
  }
  return problems;
}

/**
 * Parses a value with a schema, then applies the rules a schema cannot say (a password policy, a
 * mandatory state for the USA); the value is accepted only when neither finds a problem.
 */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  options: { wording?: ProblemWording; rules?: (value: z.output<Schema>) => FieldProblem[] } = {},
): Validation<z.output<Schema>> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues, options.wording) };
  const problems = options.rules?.(parsed.data) ?? [];
  return problems.length === 0 ? { ok: true, value: parsed.data } : { ok: false, problems };
}

/** The problems of a validation, none when it passed: what the gateway's validate-first step wants. */
export function problemsOf(result: Validation<unknown>): FieldProblem[] {
  return result.ok ? [] : result.problems;
}

/**
 * zod's error for a value of the wrong type: "is required" when it is absent, otherwise what was
 * expected, so that a message reads `password is required` or `active must be 0 or 1`.
 */
export function expected(what: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'is required' : `must be ${what}`);
}

/**
 * A problem found on a wire body, renamed for the gateway's callers: the field becomes its domain
 * path, and so does the message's leading field name, when the message starts with it.
 */
export function renameField(problem: FieldProblem, domainFieldOf: (wireField: string) => string): FieldProblem {
  const field = domainFieldOf(problem.field);
  const prefix = `${problem.field} `;
  const message = problem.message.startsWith(prefix)
    ? `${field} ${problem.message.slice(prefix.length)}`
    : problem.message;
  return { field, message };
}
