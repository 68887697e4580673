import { z } from 'zod';
import { expected, validate, type FieldProblem, type Validation } from '../kit/validation';

/**
 * The wire contract of ESP RainMaker's cloud-to-cloud admin user management
 * (vendor-docs/rainmaker-c2c-admin-users.txt and the RainMaker section of NOTES.md). The simulator
 * validates requests and builds responses with these definitions and the client decodes responses
 * with them, so the two cannot drift.
 *
 * Assumptions where the vendor document is silent (each is also listed in docs/vendors/rainmaker.md):
 * - Paths: `POST|PUT|DELETE /{version}/admin/user2` create, update the password, delete; the user
 *   is named in the JSON body, also for DELETE (NOTES.md).
 * - Status codes: success answers 200; a malformed or invalid request, an unsupported version, a
 *   reserved locale and a duplicate create answer 400; an unknown user on update or delete answers
 *   404; a missing, unknown, wrong or expired signature answers 403. Every answer, errors included,
 *   is the documented `{ "status", "description" }` envelope, {@link AckResponse}.
 * - `{version}` other than one of {@link SUPPORTED_API_VERSIONS} answers 400 "Invalid API version"
 *   (simulator option `supportedVersions`).
 * - A duplicate create answers 400 with a description containing "already exists"
 *   ({@link messages.userExists}); the client recognises it by {@link USER_EXISTS_PATTERN}.
 * - `user_name` is an email address (loosely checked, at most 254 characters) or an E.164 phone
 *   number (`+`, then 8 to 15 digits, the first not 0). Email user names compare case-insensitively
 *   and are stored lower-cased; phone numbers are compared as given.
 * - Passwords follow Cognito's default minimum length of {@link DEFAULT_MIN_PASSWORD_LENGTH}
 *   characters (RainMaker's user pools are Cognito pools); simulator option `minPasswordLength`.
 * - Unknown body fields answer 400, as do wrong types and bad JSON. Query parameters other than
 *   `locale` are ignored, and `locale` is ignored on update and delete.
 * - Messages never echo a submitted value, so no password or user name ends up in an error or a log.
 */

/** The only `{version}` the vendor documents. */
export const DEFAULT_API_VERSION = 'v1';
export const SUPPORTED_API_VERSIONS: readonly string[] = [DEFAULT_API_VERSION];

/** A version travels as one path segment; anything else could change the path. */
export const API_VERSION_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Name of the query parameter that carries the preferred locale on create. */
export const LOCALE_QUERY = 'locale';

/** What the vendor uses when the locale is omitted or empty: the admin's configured default. */
export const DEFAULT_LOCALE = 'no_locale';

/** Reserved for the vendor's internal use; sending it is an "Invalid locale" error. */
export const RESERVED_LOCALES: readonly string[] = ['rm_non_branded'];

/** Cognito's default password policy minimum. */
export const DEFAULT_MIN_PASSWORD_LENGTH = 8;

/** Paths of every endpoint, below the base URL. One path, three methods. */
export const paths = {
  /** `POST` create, `PUT` update password, `DELETE` delete. */
  users: (version: string): string => `/${encodeURIComponent(version)}/admin/user2`,
} as const;

/** Simulator route patterns for the same paths (`:param` segments). */
export const routePatterns = {
  users: '/:version/admin/user2',
} as const;

/** Loose on purpose: the vendor says only "valid email address". */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EMAIL_LENGTH = 254;

/** E.164: a plus sign, then a country code and subscriber number of 8 to 15 digits in all. */
export const PHONE_PATTERN = /^\+[1-9]\d{7,14}$/;

/** How the client tells a duplicate (400) from any other rejection (400). */
export const USER_EXISTS_PATTERN = /already exists/i;

/** Documented and assumed descriptions, shared by the simulator (to answer) and tests (to match). */
export const messages = {
  created: 'User created successfully',
  passwordUpdated: 'User password updated successfully',
  deleted: 'User deleted successfully',
  invalidApiVersion: 'Invalid API version',
  invalidLocale: 'Invalid locale',
  invalidUserName: 'user_name must be a valid email address or an E.164 phone number',
  userExists: 'User already exists',
  userNotFound: 'User does not exist',
  invalidJson: 'Request body is not valid JSON',
  bodyRequired: 'Request body is required',
  invalidRequest: 'Invalid request',
} as const;

const STATUSES = ['success', 'failure'] as const;
export type AckStatus = (typeof STATUSES)[number];

/**
 * Every answer of the API, success and failure alike. Extra fields are dropped, so nothing the
 * contract does not name travels further.
 */
export const ackResponseSchema = z.object({
  status: z.enum(STATUSES),
  description: z.string(),
});
export type AckResponse = z.infer<typeof ackResponseSchema>;

const NOT_AN_OBJECT = 'Request body must be a JSON object';

const userName = () => z.string({ error: expected('a string') });
const password = () => z.string({ error: expected('a string') });

/** Body of `POST /{version}/admin/user2`. */
export const createUserRequestSchema = z.strictObject(
  { user_name: userName(), password: password() },
  { error: NOT_AN_OBJECT },
);
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** Body of `PUT /{version}/admin/user2`. */
export const updatePasswordRequestSchema = z.strictObject(
  { user_name: userName(), password: password() },
  { error: NOT_AN_OBJECT },
);
export type UpdatePasswordRequest = z.infer<typeof updatePasswordRequestSchema>;

/** Body of `DELETE /{version}/admin/user2`. */
export const deleteUserRequestSchema = z.strictObject({ user_name: userName() }, { error: NOT_AN_OBJECT });
export type DeleteUserRequest = z.infer<typeof deleteUserRequestSchema>;

/** The vendor's rules for input values; the defaults are the assumptions named above. */
export interface RainMakerRules {
  minPasswordLength: number;
  reservedLocales: readonly string[];
}

export const DEFAULT_RULES: RainMakerRules = {
  minPasswordLength: DEFAULT_MIN_PASSWORD_LENGTH,
  reservedLocales: RESERVED_LOCALES,
};

/** Why a user name is not acceptable, or null when it is an email address or E.164 number. */
export function userNameProblem(userName: unknown): string | null {
  if (typeof userName !== 'string') return messages.invalidUserName;
  if (PHONE_PATTERN.test(userName)) return null;
  if (userName.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(userName)) return null;
  return messages.invalidUserName;
}

/** Why a password is not acceptable, or null. */
export function passwordProblem(
  password: unknown,
  rules: Pick<RainMakerRules, 'minPasswordLength'> = DEFAULT_RULES,
): string | null {
  if (typeof password !== 'string' || password === '') return 'password is required';
  if ([...password].length < rules.minPasswordLength)
    return `password must be at least ${rules.minPasswordLength} characters long`;
  return null;
}

/** Why a locale is not acceptable (only the reserved ones are not), or null. Case-insensitive. */
export function localeProblem(
  locale: string | undefined,
  rules: Pick<RainMakerRules, 'reservedLocales'> = DEFAULT_RULES,
): string | null {
  if (locale === undefined) return null;
  const normalized = normalizeLocale(locale);
  return rules.reservedLocales.some((reserved) => reserved.toLowerCase() === normalized)
    ? messages.invalidLocale
    : null;
}

/** Why a `{version}` is not supported, or null. */
export function apiVersionProblem(
  version: string,
  supported: readonly string[] = SUPPORTED_API_VERSIONS,
): string | null {
  return supported.includes(version) ? null : messages.invalidApiVersion;
}

/** The locale the vendor works with: lower-cased; omitted or empty means {@link DEFAULT_LOCALE}. */
export function normalizeLocale(locale: string | undefined): string {
  return locale === undefined || locale === '' ? DEFAULT_LOCALE : locale.toLowerCase();
}

/** The key a user name is stored and compared under: emails lower-cased, phone numbers as given. */
export function normalizeUserName(userName: string): string {
  return PHONE_PATTERN.test(userName) ? userName : userName.toLowerCase();
}

/**
 * Every problem the API would answer 400 for in a create, before it looks for duplicates; the
 * gateway runs this before its first vendor call.
 */
export function createProblems(
  input: { userName: unknown; password: unknown; locale?: string },
  rules: RainMakerRules = DEFAULT_RULES,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const userName = userNameProblem(input.userName);
  if (userName) problems.push({ field: 'user_name', message: userName });
  const password = passwordProblem(input.password, rules);
  if (password) problems.push({ field: 'password', message: password });
  const locale = localeProblem(input.locale, rules);
  if (locale) problems.push({ field: LOCALE_QUERY, message: locale });
  return problems;
}

/** Like {@link createProblems}, for a password update. */
export function updatePasswordProblems(
  input: { userName: unknown; password: unknown },
  rules: RainMakerRules = DEFAULT_RULES,
): FieldProblem[] {
  return createProblems({ userName: input.userName, password: input.password }, rules);
}

/** Validates a create body (already parsed from JSON): shape first, then the value rules. */
export function validateCreateUser(
  body: unknown,
  rules: RainMakerRules = DEFAULT_RULES,
): Validation<CreateUserRequest> {
  return validate(createUserRequestSchema, body, {
    rules: (value) => createProblems({ userName: value.user_name, password: value.password }, rules),
  });
}

/** Validates a password update body (already parsed from JSON). */
export function validateUpdatePassword(
  body: unknown,
  rules: RainMakerRules = DEFAULT_RULES,
): Validation<UpdatePasswordRequest> {
  return validate(updatePasswordRequestSchema, body, {
    rules: (value) => updatePasswordProblems({ userName: value.user_name, password: value.password }, rules),
  });
}

/** Validates a delete body (already parsed from JSON). */
export function validateDeleteUser(body: unknown): Validation<DeleteUserRequest> {
  return validate(deleteUserRequestSchema, body, {
    rules: (value) => {
      const problem = userNameProblem(value.user_name);
      return problem ? [{ field: 'user_name', message: problem }] : [];
    },
  });
}

/** One description for the envelope: "Invalid request: password is required; ...". */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return `${messages.invalidRequest}: ${problems.map((problem) => problem.message).join('; ')}`;
}

/** Whether a 400 description says the user already exists, which the client reports as a conflict. */
export function isUserExistsDescription(description: string): boolean {
  return USER_EXISTS_PATTERN.test(description);
}
