import { z } from 'zod';
import { expected, problemsOf, validate, type FieldProblem, type Validation } from '../kit/validation';

/**
 * The wire contract of the in-house user-management API (vendor-docs/user-management-api.txt and
 * the User-management section of NOTES.md). The simulator validates requests and builds responses
 * with these definitions and the client decodes responses with them, so the two cannot drift.
 *
 * Assumptions where the vendor document is silent (each is also listed in docs/vendors/user-management.md):
 * - Authentication is an API key in a header; the header's name is configurable
 *   (`UserManagementSettings.apiKeyHeader`, simulator option `apiKeyHeader`), default `X-Api-Key`.
 *   A missing or wrong key answers 401.
 * - Every failure answers the same JSON shape, {@link ErrorBody}: `{ "error": "..." }`, plus the
 *   existing user's `id` on a 409. The client also reads a `message` field, in case the real
 *   vendor uses that name.
 * - Responses are JSON: a user object for get/add/modify/delete, an array of them for an account.
 *   `active` is answered as the number 0 or 1; the client also accepts "0"/"1" and booleans, and
 *   ids as numbers or digit strings.
 * - Unknown user or account ids answer 404. An unknown `defaultAccountId` in a write answers 400.
 * - `defaultAccountId` is accepted as an integer or a string of digits (the vendor's example sends
 *   `active` as a string, so the API evidently coerces); the client always sends an integer.
 * - In a modify request `null` means "leave unchanged" (the document gives `null` as the default of
 *   every field), and an empty object changes nothing.
 * - Usernames are unique case-insensitively (409); so are email addresses unless the simulator's
 *   `uniqueEmail` option is off.
 * - DELETE answers 200 with the deleted user; the client also accepts 204 with no body.
 * - Request bodies must be `text/javascript` or `application/json` (any parameters, such as a
 *   charset, allowed); any other content type answers 415.
 * - Messages never echo a submitted value, so no password or address ends up in an error or a log.
 */

/** Default name of the header that carries the API key. */
export const DEFAULT_API_KEY_HEADER = 'X-Api-Key';

/** Default prefix of the account listing path; the other paths have none. */
export const DEFAULT_ACCOUNT_PATH_PREFIX = '/pub';

/**
 * The content type the client sends. The vendor's examples send `text/javascript` for a JSON body,
 * so the client does the same rather than relying on the API accepting `application/json`.
 */
export const REQUEST_CONTENT_TYPE = 'text/javascript';

/** Media types (without parameters) the API accepts for a request body. */
export const ACCEPTED_CONTENT_TYPES: readonly string[] = ['text/javascript', 'application/json'];

/** The id path segment that makes `POST|PUT /usr/new` an add instead of a modify. */
export const NEW_USER_SEGMENT = 'new';

/** Paths of every endpoint, below the base URL. */
export const paths = {
  /** `GET {prefix}/usr/acc/{accountId}`; only this path carries the account path prefix. */
  usersByAccount: (prefix: string, accountId: string): string => `${prefix}/usr/acc/${encodeURIComponent(accountId)}`,
  /** `GET|POST|PUT|DELETE /usr/{userId}` */
  user: (userId: string): string => `/usr/${encodeURIComponent(userId)}`,
  /** `POST|PUT /usr/new` */
  newUser: `/usr/${NEW_USER_SEGMENT}`,
} as const;

/** Simulator route patterns for the same paths (`:param` segments). */
export const routePatterns = {
  usersByAccount: (prefix: string): string => `${prefix}/usr/acc/:accountId`,
  user: '/usr/:userId',
  newUser: `/usr/${NEW_USER_SEGMENT}`,
} as const;

/** Ids at this API are integers; anything else cannot name a record. */
export const ID_PATTERN = /^\d+$/;

/** Deliberately loose: the vendor documents no rule, so only the obvious shape is enforced. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Documented messages of the API, shared by the simulator (to answer) and tests (to match). */
export const messages = {
  missingApiKey: 'Missing API key',
  invalidApiKey: 'Invalid API key',
  unsupportedContentType: `Unsupported content type; send ${ACCEPTED_CONTENT_TYPES.join(' or ')}`,
  invalidJson: 'Request body is not valid JSON',
  userNotFound: 'User not found',
  accountNotFound: 'Account not found',
  unknownAccount: 'defaultAccountId does not name an existing account',
  duplicateUsername: 'A user with this username already exists',
  duplicateEmail: 'A user with this email address already exists',
  invalidRequest: 'Invalid request',
} as const;

/** Error body of every failure. */
export const errorBodySchema = z.union([
  z.object({ error: z.string(), id: z.union([z.number(), z.string()]).optional() }),
  z.object({ message: z.string(), id: z.union([z.number(), z.string()]).optional() }),
]);
export type ErrorBody = { error: string; id?: number };

const text = () =>
  z.string({ error: expected('a string') }).refine((value) => value.trim() !== '', { message: 'must not be blank' });

const emailAddress = () =>
  z.string({ error: expected('a string') }).regex(EMAIL_PATTERN, { message: 'must be a valid email address' });

/** Documented as an int; a string of digits is accepted too and becomes a number. */
const accountId = () =>
  z.union([z.number().int().nonnegative(), z.string().regex(ID_PATTERN).transform(Number)], {
    error: expected('an integer'),
  });

/** Documented as 0/1; the vendor's own example sends "0", so the strings are accepted too. */
const activeFlag = () =>
  z
    .union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')], { error: expected('0 or 1') })
    .transform((value) => Number(value) as 0 | 1);

const NOT_AN_OBJECT = 'Request body must be a JSON object';

/** Body of `POST|PUT /usr/new`. Unknown fields are rejected. */
export const addUserRequestSchema = z.strictObject(
  {
    contactName: text(),
    emailAddress: emailAddress(),
    defaultAccountId: accountId(),
    username: text(),
    password: text(),
    active: activeFlag().optional(),
  },
  { error: NOT_AN_OBJECT },
);
/** What a client may send. */
export type AddUserRequest = z.input<typeof addUserRequestSchema>;
/** What the simulator works with after validation (numbers for id and flag). */
export type AddUserCommand = z.output<typeof addUserRequestSchema>;

/** Body of `POST|PUT /usr/{userId}`: every field optional, `null` meaning "unchanged". */
export const modifyUserRequestSchema = z.strictObject(
  {
    contactName: text().nullish(),
    emailAddress: emailAddress().nullish(),
    defaultAccountId: accountId().nullish(),
    username: text().nullish(),
    password: text().nullish(),
    active: activeFlag().nullish(),
  },
  { error: NOT_AN_OBJECT },
);
export type ModifyUserRequest = z.input<typeof modifyUserRequestSchema>;
export type ModifyUserCommand = z.output<typeof modifyUserRequestSchema>;

/** A user as the API answers it. Never a password. */
export interface UserResponse {
  id: number;
  contactName: string;
  emailAddress: string;
  defaultAccountId: number;
  username: string;
  active: 0 | 1;
}

const wireId = z.union([z.number().int().nonnegative(), z.string().regex(ID_PATTERN)]);

/**
 * How the client reads a user: liberal in the representation of ids and the flag, strict about
 * which fields must be there. Extra fields are dropped, so nothing unexpected travels further.
 */
export const userSchema = z.object({
  id: wireId,
  contactName: z.string(),
  emailAddress: z.string(),
  defaultAccountId: wireId,
  username: z.string(),
  active: z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1'), z.boolean()]),
});
export type WireUser = z.infer<typeof userSchema>;

/** Body of the account listing. */
export const userListSchema = z.array(userSchema);

/** Validates an add request body (already parsed from JSON). */
export function validateAddUser(body: unknown): Validation<AddUserCommand> {
  return validate(addUserRequestSchema, body);
}

/** Validates a modify request body (already parsed from JSON). */
export function validateModifyUser(body: unknown): Validation<ModifyUserCommand> {
  return validate(modifyUserRequestSchema, body);
}

/** The problems the API would answer 400 for, before any look-up of accounts or duplicates. */
export function addUserProblems(body: unknown): FieldProblem[] {
  return problemsOf(validateAddUser(body));
}

/** Like {@link addUserProblems}, for a modify request. */
export function modifyUserProblems(body: unknown): FieldProblem[] {
  return problemsOf(validateModifyUser(body));
}

/** One sentence for the error body: "Invalid request: contactName is required; ...". */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return `${messages.invalidRequest}: ${problems.map((problem) => problem.message).join('; ')}`;
}

/** Media type of a Content-Type header, lower-cased, without parameters; undefined when absent. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
