import { z } from 'zod';
import {
  expected,
  problemsOf,
  validate,
  type FieldProblem,
  type ProblemWording,
  type Validation,
} from '../kit/validation';

/**
 * The wire contract of GreenArrow Engine's users API (vendor-docs/greenarrow-engine-users.txt and
 * the GreenArrow section of NOTES.md). The simulator validates requests and builds responses with
 * these definitions and the client decodes responses with them, so the two cannot drift.
 *
 * Assumptions where the vendor document is silent (each is also listed in docs/vendors/greenarrow.md):
 * - Failure statuses and `error_code`s: 401 `unauthorized` (missing or wrong Basic credentials),
 *   404 `not_found` (unknown user or route), 400 `validation_error` (body that is not JSON;
 *   simulator option `invalidJsonStatus`), 422 `validation_error` (invalid attributes or query
 *   parameters; simulator option `validationStatus`), 429 `too_many_requests`, 5xx `server_error`. The codes are {@link DEFAULT_ERROR_CODES} (simulator
 *   option `errorCodes`); the client classifies by HTTP status first, so it does not depend on them.
 * - `error_messages` holds one sentence per problem, `<field> <reason>`, naming the field by its
 *   path inside the `user` hash (`permissions.injection`). A duplicate email answers
 *   {@link messages.emailTaken}; the client recognises it with {@link EMAIL_TAKEN_PATTERN}.
 * - The `name` filter of the listing matches a case-insensitive substring of the email address.
 * - `page_token` is an opaque cursor issued as `next_page_token`; it carries the filter it was
 *   issued for. A token that cannot be read, a `name` that differs from the token's, or `page` and
 *   `page_token` together answer a validation error. A page past the end answers no users.
 * - Email addresses are unique case-insensitively; a mail class named by `name` must match exactly.
 * - Unknown keys and the read-only `id` inside `user` are validation errors; other top-level keys
 *   of the body are ignored. `force_mail_class.id` may be an integer or a string of digits; when a
 *   write gives both `id` and `name`, they must name the same mail class.
 * - `PUT` and `DELETE` take a numeric id only; anything else is not found.
 * - Mail classes (`GET /ga/api/v3/eng/mail_classes[/{id}]`, from GreenArrow's public docs) are
 *   listed in id order with the users' pagination and page tokens; their `name` filter is an exact
 *   match compared case-insensitively (documented), unlike the users' substring filter. An unknown
 *   or non-numeric id answers 404 `not_found`, as an unknown user does.
 * - Messages never echo a submitted value, so no password or address ends up in an error or a log.
 */

/** Path of the collection, below the base URL. */
export const USERS_PATH = '/ga/api/v3/eng/users';

/** Path of the mail classes, below the base URL. */
export const MAIL_CLASSES_PATH = '/ga/api/v3/eng/mail_classes';

/** Paths of every endpoint, below the base URL. */
export const paths = {
  /** `GET|POST /ga/api/v3/eng/users` */
  users: USERS_PATH,
  /** `GET|PUT|DELETE /ga/api/v3/eng/users/{id_or_email}` */
  user: (idOrEmail: string): string => `${USERS_PATH}/${encodeURIComponent(idOrEmail)}`,
  /** `GET /ga/api/v3/eng/mail_classes` */
  mailClasses: MAIL_CLASSES_PATH,
  /** `GET /ga/api/v3/eng/mail_classes/{id}` */
  mailClass: (id: string): string => `${MAIL_CLASSES_PATH}/${encodeURIComponent(id)}`,
} as const;

/** Simulator route patterns for the same paths (`:param` segments). */
export const routePatterns = {
  users: USERS_PATH,
  user: `${USERS_PATH}/:idOrEmail`,
  mailClasses: MAIL_CLASSES_PATH,
  mailClass: `${MAIL_CLASSES_PATH}/:id`,
} as const;

/** Query parameters of the listings (users and mail classes). */
export const listQuery = { page: 'page', pageToken: 'page_token', name: 'name' } as const;

/** GreenArrow's documented page size. */
export const DEFAULT_PER_PAGE = 100;

/** Status of a request whose attributes or parameters are invalid (assumption). */
export const DEFAULT_VALIDATION_STATUS = 422;

/** Status of a request whose body is not JSON at all (assumption). */
export const INVALID_JSON_STATUS = 400;

/** The `error_code` of each kind of failure (assumption). */
export interface ErrorCodes {
  unauthorized: string;
  notFound: string;
  validation: string;
  tooManyRequests: string;
  serverError: string;
}

export const DEFAULT_ERROR_CODES: Readonly<ErrorCodes> = {
  unauthorized: 'unauthorized',
  notFound: 'not_found',
  validation: 'validation_error',
  tooManyRequests: 'too_many_requests',
  serverError: 'server_error',
};

/** Documented and assumed messages, shared by the simulator (to answer) and tests (to match). */
export const messages = {
  authenticationRequired: 'Authentication required',
  invalidCredentials: 'Invalid username or password',
  userNotFound: 'User not found',
  mailClassNotFound: 'Mail class not found',
  emailTaken: 'Email has already been taken',
  invalidJson: 'Request body is not valid JSON',
  invalidPageToken: 'page_token is invalid',
  pageWithToken: 'page cannot be combined with page_token',
  filterMismatch: 'name does not match the filter of page_token',
  unknownMailClass: 'force_mail_class does not name an existing mail class',
  mailClassMismatch: 'force_mail_class id and name refer to different mail classes',
} as const;

/** Recognises a duplicate-email message in `error_messages`, however the vendor words it. */
export const EMAIL_TAKEN_PATTERN = /\bemail\b.*\b(already been taken|already exists|already in use|is taken)\b/i;

/** Deliberately loose: the vendor documents only "valid", so only the obvious shape is enforced. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Ids are integers; only these can name a user in PUT and DELETE. */
export const ID_PATTERN = /^\d+$/;

export const INJECTION_VALUES = ['yes', 'smtp-only', 'http-only', 'no'] as const;
export const ACCESS_VALUES = ['yes', 'read-only', 'stats-only', 'no'] as const;
export type WireInjection = (typeof INJECTION_VALUES)[number];
export type WireAccess = (typeof ACCESS_VALUES)[number];

/** Attributes the API sets itself; a write that names them is rejected. */
export const READ_ONLY_FIELDS: readonly string[] = ['id'];

export interface WirePermissions {
  injection: WireInjection;
  api: WireAccess;
  ui: WireAccess;
}

export interface WireMailClass {
  id: number;
  name: string;
}

/** A user as the API answers it. Never a password. */
export interface WireUser {
  id: number;
  email: string;
  permissions: WirePermissions;
  is_disabled: boolean;
  force_mail_class: WireMailClass | null;
}

const emailField = () =>
  z
    .string({ error: expected('a string') })
    .refine((value) => value.trim() !== '', { message: 'must not be blank', abort: true })
    .regex(EMAIL_PATTERN, { message: 'must be a valid email address' });

const passwordField = () =>
  z.string({ error: expected('a string') }).refine((value) => value !== '', { message: 'must not be blank' });

const injectionField = () => z.enum(INJECTION_VALUES, { error: expected(`one of ${INJECTION_VALUES.join(', ')}`) });
const accessField = () => z.enum(ACCESS_VALUES, { error: expected(`one of ${ACCESS_VALUES.join(', ')}`) });

const A_HASH = 'a hash';

/** A mail class named on write: by id (an integer, or a string of digits), by name, or both. */
const mailClassRefSchema = z
  .strictObject(
    {
      id: z
        .union([z.number().int().positive(), z.string().regex(ID_PATTERN).transform(Number)], {
          error: expected('a positive integer'),
        })
        .optional(),
      name: z
        .string({ error: expected('a string') })
        .refine((value) => value.trim() !== '', { message: 'must not be blank' })
        .optional(),
    },
    { error: expected('null or a hash with an id or a name') },
  )
  .refine((ref) => ref.id !== undefined || ref.name !== undefined, {
    message: 'must name a mail class by id or by name',
  });

const createPermissionsSchema = z.strictObject(
  { injection: injectionField(), api: accessField(), ui: accessField() },
  { error: expected(A_HASH) },
);

/** The `user` hash of a create request. */
export const createUserSchema = z.strictObject(
  {
    email: emailField(),
    password: passwordField(),
    permissions: createPermissionsSchema,
    is_disabled: z.boolean({ error: expected('true or false') }).optional(),
    force_mail_class: mailClassRefSchema.nullable().optional(),
  },
  { error: expected(A_HASH) },
);

/** The `user` hash of an update request: every attribute optional, permissions merged. */
export const updateUserSchema = z.strictObject(
  {
    email: emailField().optional(),
    password: passwordField().optional(),
    permissions: createPermissionsSchema.partial().optional(),
    is_disabled: z.boolean({ error: expected('true or false') }).optional(),
    force_mail_class: mailClassRefSchema.nullable().optional(),
  },
  { error: expected(A_HASH) },
);

/** Body of `POST /ga/api/v3/eng/users`. */
export const createUserRequestSchema = z.object({ user: createUserSchema }, { error: expected('a JSON object') });
/** Body of `PUT /ga/api/v3/eng/users/{id}`. */
export const updateUserRequestSchema = z.object({ user: updateUserSchema }, { error: expected('a JSON object') });

/** What a client may send. */
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;
export type UpdateUserRequest = z.input<typeof updateUserRequestSchema>;
export type WireMailClassRef = z.input<typeof mailClassRefSchema>;
/** What the simulator works with after validation (mail class ids as numbers). */
export type CreateUserCommand = z.output<typeof createUserSchema>;
export type UpdateUserCommand = z.output<typeof updateUserSchema>;
export type MailClassRefCommand = z.output<typeof mailClassRefSchema>;

const mailClassSchema = z.object({ id: z.number().int(), name: z.string() });

/** How the client reads a user. Extra fields are dropped, so nothing unexpected travels further. */
export const userSchema = z.object({
  id: z.number().int().nonnegative(),
  email: z.string(),
  permissions: z.object({ injection: z.enum(INJECTION_VALUES), api: z.enum(ACCESS_VALUES), ui: z.enum(ACCESS_VALUES) }),
  is_disabled: z.boolean(),
  force_mail_class: mailClassSchema.nullable(),
});

export const paginationSchema = z.object({
  page: z.number().int().nonnegative(),
  per_page: z.number().int().positive(),
  num_pages: z.number().int().nonnegative(),
  num_records: z.number().int().nonnegative(),
  next_page_token: z.string().min(1).nullable(),
});
export type WirePagination = z.infer<typeof paginationSchema>;

/** The success envelope around a response's `data`. */
export function successEnvelope<Data extends z.ZodType>(data: Data) {
  return z.object({
    success: z.literal(true),
    data,
    error_code: z.null().optional(),
    error_messages: z.null().optional(),
  });
}

export const userListEnvelopeSchema = successEnvelope(
  z.object({ users: z.array(userSchema), pagination: paginationSchema }),
);
export const mailClassListEnvelopeSchema = successEnvelope(
  z.object({ mail_classes: z.array(mailClassSchema), pagination: paginationSchema }),
);
export const mailClassEnvelopeSchema = successEnvelope(z.object({ mail_class: mailClassSchema }));
export const userEnvelopeSchema = successEnvelope(z.object({ user: userSchema }));
/** A delete answers `data: {}`; whatever else the object holds is ignored. */
export const deleteEnvelopeSchema = successEnvelope(z.object({}));

/**
 * How the client reads a failure. Lenient on purpose: it only has to find the code and the
 * messages, and a single string in `error_messages` is read as a list of one.
 */
export const errorEnvelopeSchema = z.object({
  success: z.literal(false),
  error_code: z.string().nullish(),
  error_messages: z.union([z.array(z.string()), z.string().transform((message) => [message])]).nullish(),
});
export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;

/** The envelope as the simulator writes it. */
export interface Envelope<Data> {
  success: boolean;
  data: Data | null;
  error_code: string | null;
  error_messages: string[] | null;
}

export type UserListData = { users: WireUser[]; pagination: WirePagination };
export type MailClassListData = { mail_classes: WireMailClass[]; pagination: WirePagination };

export interface UserProblemOptions {
  /** Create rules (email, password and permissions required) instead of update rules. */
  creating: boolean;
  /** When given, a `force_mail_class` must name one of these. */
  mailClasses?: readonly WireMailClass[];
}

/**
 * What the API would reject in a `user` hash (already parsed from JSON), before the look-ups only
 * it can do (duplicate emails). The gateway's validate-first step runs this before any vendor call.
 */
export function userProblems(user: unknown, options: UserProblemOptions): FieldProblem[] {
  return problemsOf(validateUser(user, options));
}

/** Like {@link userProblems}, for a whole request body (`{ "user": {...} }`). */
export function requestProblems(body: unknown, options: UserProblemOptions): FieldProblem[] {
  return problemsOf(validateRequest(body, options));
}

/** Validates a request body; on success answers the `user` hash with mail class ids as numbers. */
export function validateRequest(
  body: unknown,
  options: { creating: true; mailClasses?: readonly WireMailClass[] },
): Validation<CreateUserCommand>;
export function validateRequest(
  body: unknown,
  options: { creating: false; mailClasses?: readonly WireMailClass[] },
): Validation<UpdateUserCommand>;
export function validateRequest(
  body: unknown,
  options: UserProblemOptions,
): Validation<CreateUserCommand | UpdateUserCommand>;
export function validateRequest(
  body: unknown,
  options: UserProblemOptions,
): Validation<CreateUserCommand | UpdateUserCommand> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: '(body)', message: 'Request body must be a JSON object' }] };
  }
  if (!('user' in body) || body.user === undefined) {
    return { ok: false, problems: [{ field: 'user', message: 'user is required' }] };
  }
  return validateUser(body.user, options);
}

/** Validates a `user` hash; on success answers it with mail class ids as numbers. */
export function validateUser(
  user: unknown,
  options: UserProblemOptions,
): Validation<CreateUserCommand | UpdateUserCommand> {
  const schema: z.ZodType<CreateUserCommand | UpdateUserCommand> = options.creating
    ? createUserSchema
    : updateUserSchema;
  return validate(schema, user, {
    wording: USER_WORDING,
    rules: (value) => {
      if (options.mailClasses === undefined || !value.force_mail_class) return [];
      const resolved = resolveMailClass(value.force_mail_class, options.mailClasses);
      return resolved.ok ? [] : [{ field: 'force_mail_class', message: resolved.message }];
    },
  });
}

/** Problems are named by their path inside the `user` hash, and the read-only `id` says so. */
const USER_WORDING: ProblemWording = {
  root: 'user',
  unknownKey: (field) =>
    READ_ONLY_FIELDS.includes(field) ? `${field} is read-only` : `${field} is not a known attribute`,
  invalid: (field, reason) => `${field} ${reason}`,
};

/** The mail class a validated reference names, or why it names none. */
export function resolveMailClass(
  ref: MailClassRefCommand,
  mailClasses: readonly WireMailClass[],
): { ok: true; mailClass: WireMailClass } | { ok: false; message: string } {
  const byId = ref.id === undefined ? undefined : mailClasses.find((mailClass) => mailClass.id === ref.id);
  const byName = ref.name === undefined ? undefined : mailClasses.find((mailClass) => mailClass.name === ref.name);
  if ((ref.id !== undefined && !byId) || (ref.name !== undefined && !byName))
    return { ok: false, message: messages.unknownMailClass };
  if (byId && byName && byId !== byName) return { ok: false, message: messages.mailClassMismatch };
  return { ok: true, mailClass: (byId ?? byName)! };
}

/** Problems of the listing's query; the token itself is opaque and checked by whoever issued it. */
export function listQueryProblems(query: URLSearchParams): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const page = query.get(listQuery.page);
  if (page !== null && !ID_PATTERN.test(page))
    problems.push({ field: 'page', message: 'page must be a non-negative integer' });
  if (page !== null && query.get(listQuery.pageToken) !== null)
    problems.push({ field: 'page', message: messages.pageWithToken });
  return problems;
}
