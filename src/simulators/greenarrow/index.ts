import { z } from 'zod';
import {
  ACCESS_VALUES,
  DEFAULT_ERROR_CODES,
  DEFAULT_PER_PAGE,
  DEFAULT_VALIDATION_STATUS,
  EMAIL_PATTERN,
  ID_PATTERN,
  INJECTION_VALUES,
  INVALID_JSON_STATUS,
  listQuery,
  listQueryProblems,
  messages,
  resolveMailClass,
  routePatterns,
  validateRequest,
  type Envelope,
  type ErrorCodes,
  type MailClassListData,
  type MailClassRefCommand,
  type UserListData,
  type WireMailClass,
  type WirePagination,
  type WirePermissions,
  type WireUser,
} from '../../vendors/greenarrow/contract';
import { basicCredentialProblems, parseBasicAuthorization } from '../../vendors/kit/basic-auth';
import { toWireAccess, toWireInjection } from '../../vendors/greenarrow/mapper';
import { positiveIntegerProblem } from '../../vendors/kit/setting-rules';
import type { FieldProblem } from '../../vendors/kit/validation';
import { Simulator, parseJsonBody, type SimRequest, type SimResponse } from '../kit/framework';
import { SEED_MAIL_CLASSES, SEED_PEOPLE_COUNT, seedPeople } from '../kit/seed';
import {
  ExpectedCredential,
  hashPassword,
  passwordMatches,
  saltedPasswordFields,
  unguessablePassword,
} from '../kit/credentials';
import { parseState, recordId } from '../kit/state-file';

/** A user as a test or the seed inserts it directly, without HTTP or request validation. */
export interface GreenArrowUserSeed {
  email: string;
  /** Defaults to a random one nobody knows. */
  password?: string;
  /** Missing permissions default to `yes`, like every user in the vendor's examples. */
  permissions?: Partial<WirePermissions>;
  /** Defaults to false. */
  is_disabled?: boolean;
  /** The forced mail class by id; it must be one of the store's mail classes. Defaults to none. */
  mailClassId?: number | string | null;
}

/** A change the caller has validated; permissions given are merged into the current ones. */
export interface GreenArrowUserPatch {
  email?: string;
  password?: string;
  permissions?: Partial<WirePermissions>;
  is_disabled?: boolean;
  mailClassId?: number | null;
}

interface StoredUser {
  id: number;
  email: string;
  permissions: WirePermissions;
  is_disabled: boolean;
  mailClassId: number | null;
  salt: string;
  passwordHash: string;
}

const DEFAULT_PERMISSIONS: Readonly<WirePermissions> = { injection: 'yes', api: 'yes', ui: 'yes' };

/** Everything a GreenArrow store holds, as its state file keeps it: mail classes, users with salted password hashes, the next id. */
const greenArrowStateSchema = z.strictObject({
  nextId: recordId(),
  mailClasses: z.array(z.strictObject({ id: recordId(), name: z.string().min(1) })),
  users: z.array(
    z.strictObject({
      id: recordId(),
      email: z.string().regex(EMAIL_PATTERN, 'must be an email address'),
      permissions: z.strictObject({
        injection: z.enum(INJECTION_VALUES),
        api: z.enum(ACCESS_VALUES),
        ui: z.enum(ACCESS_VALUES),
      }),
      is_disabled: z.boolean(),
      mailClassId: recordId().nullable(),
      ...saltedPasswordFields,
    }),
  ),
});
export type GreenArrowState = z.infer<typeof greenArrowStateSchema>;

/**
 * The simulator's users, in id order. Passwords are kept only as a salted sha256 hash. Misuse (a
 * duplicate email, an unknown mail class) throws a TypeError saying what was wrong.
 */
export class GreenArrowStore {
  private readonly users = new Map<number, StoredUser>();
  private readonly idsByEmail = new Map<string, number>();
  private nextId = 1;
  private knownMailClasses: readonly WireMailClass[];

  constructor(mailClasses: readonly WireMailClass[]) {
    this.knownMailClasses = mailClasses.map((mailClass) => ({ ...mailClass }));
  }

  /** The mail classes a forced mail class can name: the configured ones, or a restored state's. */
  get mailClasses(): readonly WireMailClass[] {
    return this.knownMailClasses;
  }

  get size(): number {
    return this.users.size;
  }

  /** Inserts one user, or many at once; answers them as the API would. */
  insert(seed: GreenArrowUserSeed): WireUser;
  insert(seeds: readonly GreenArrowUserSeed[]): WireUser[];
  insert(seeds: GreenArrowUserSeed | readonly GreenArrowUserSeed[]): WireUser | WireUser[] {
    if (Array.isArray(seeds)) return (seeds as readonly GreenArrowUserSeed[]).map((seed) => this.insertOne(seed));
    return this.insertOne(seeds as GreenArrowUserSeed);
  }

  get(id: number | string): WireUser | undefined {
    const user = this.find(id);
    return user && this.publicView(user);
  }

  /** The user with this email address, compared case-insensitively. */
  findByEmail(email: string): WireUser | undefined {
    const id = this.idsByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }

  all(): WireUser[] {
    return [...this.users.values()].map((user) => this.publicView(user));
  }

  /** Applies a validated patch; returns the user, or undefined if unknown. */
  update(id: number | string, patch: GreenArrowUserPatch): WireUser | undefined {
    const user = this.find(id);
    if (!user) return undefined;
    if (patch.email !== undefined) {
      this.requireFreeEmail(patch.email, user.id);
      this.idsByEmail.delete(user.email.toLowerCase());
      user.email = patch.email;
      this.idsByEmail.set(user.email.toLowerCase(), user.id);
    }
    if (patch.password !== undefined) Object.assign(user, hashPassword(patch.password));
    if (patch.permissions !== undefined) user.permissions = { ...user.permissions, ...definedOnly(patch.permissions) };
    if (patch.is_disabled !== undefined) user.is_disabled = patch.is_disabled;
    if (patch.mailClassId !== undefined) user.mailClassId = this.requireMailClass(patch.mailClassId);
    return this.publicView(user);
  }

  /** Removes a user; returns it, or undefined if unknown. */
  remove(id: number | string): WireUser | undefined {
    const user = this.find(id);
    if (!user) return undefined;
    this.users.delete(user.id);
    this.idsByEmail.delete(user.email.toLowerCase());
    return this.publicView(user);
  }

  /** Whether this is the user's password; lets tests prove a write set it without reading it. */
  verifyPassword(id: number | string, password: string): boolean {
    const user = this.find(id);
    if (!user) return false;
    return passwordMatches(user, password);
  }

  /** Forgets every user; ids start again from 1. */
  clear(): void {
    this.users.clear();
    this.idsByEmail.clear();
    this.nextId = 1;
  }

  /** Mail classes, every user with their salted password hash, and the next id, as plain JSON for a state file. */
  exportState(): GreenArrowState {
    return {
      nextId: this.nextId,
      mailClasses: this.knownMailClasses.map((mailClass) => ({ ...mailClass })),
      users: [...this.users.values()].map((user) => ({ ...user, permissions: { ...user.permissions } })),
    };
  }

  /**
   * Replaces the mail classes and every user with those of an exported state, in id order, and
   * rebuilds the email index; throws a TypeError, changing nothing, when it does not fit (a
   * duplicate id, mail class or email, an unknown mail class, a next id not above every id).
   */
  importState(state: unknown): void {
    const parsed = parseState('GreenArrowStore', greenArrowStateSchema, state);
    const mailClassIds = new Set<number>();
    for (const mailClass of parsed.mailClasses) {
      if (mailClassIds.has(mailClass.id))
        throw new TypeError(`GreenArrowStore: mailClasses: id ${mailClass.id} appears twice`);
      mailClassIds.add(mailClass.id);
    }
    const users = new Map<number, StoredUser>();
    const idsByEmail = new Map<string, number>();
    for (const user of [...parsed.users].sort((a, b) => a.id - b.id)) {
      const email = user.email.toLowerCase();
      if (users.has(user.id)) throw new TypeError(`GreenArrowStore: users: id ${user.id} appears twice`);
      if (idsByEmail.has(email)) throw new TypeError(`GreenArrowStore: users: email ${user.email} appears twice`);
      if (user.id >= parsed.nextId)
        throw new TypeError(
          `GreenArrowStore: nextId ${parsed.nextId} must be above every user id, and user ${user.id} is not below it`,
        );
      if (user.mailClassId !== null && !mailClassIds.has(user.mailClassId)) {
        throw new TypeError(
          `GreenArrowStore: users: user ${user.id} names mail class ${user.mailClassId}, which is not in mailClasses`,
        );
      }
      users.set(user.id, { ...user, permissions: { ...user.permissions } });
      idsByEmail.set(email, user.id);
    }
    this.clear();
    this.knownMailClasses = parsed.mailClasses;
    for (const [id, user] of users) this.users.set(id, user);
    for (const [email, id] of idsByEmail) this.idsByEmail.set(email, id);
    this.nextId = parsed.nextId;
  }

  private insertOne(seed: GreenArrowUserSeed): WireUser {
    this.requireFreeEmail(seed.email);
    const mailClassId =
      seed.mailClassId === undefined || seed.mailClassId === null ? null : this.requireMailClass(seed.mailClassId);
    const user: StoredUser = {
      id: this.nextId++,
      email: seed.email,
      permissions: { ...DEFAULT_PERMISSIONS, ...definedOnly(seed.permissions ?? {}) },
      is_disabled: seed.is_disabled ?? false,
      mailClassId,
      ...hashPassword(seed.password ?? unguessablePassword()),
    };
    this.users.set(user.id, user);
    this.idsByEmail.set(user.email.toLowerCase(), user.id);
    return this.publicView(user);
  }

  private requireFreeEmail(email: string, exceptId?: number): void {
    const owner = this.idsByEmail.get(email.toLowerCase());
    if (owner !== undefined && owner !== exceptId)
      throw new TypeError(`GreenArrowStore: ${messages.emailTaken} (user ${owner})`);
  }

  private requireMailClass(id: number | string | null): number | null {
    if (id === null) return null;
    const known = this.mailClasses.find((mailClass) => String(mailClass.id) === String(id));
    if (!known)
      throw new TypeError(
        `GreenArrowStore: mail class ${JSON.stringify(id)} does not exist (known: ${this.mailClasses.map((mailClass) => mailClass.id).join(', ')})`,
      );
    return known.id;
  }

  private find(id: number | string): StoredUser | undefined {
    const text = String(id);
    return ID_PATTERN.test(text) ? this.users.get(Number(text)) : undefined;
  }

  private publicView(user: StoredUser): WireUser {
    const mailClass =
      user.mailClassId === null ? undefined : this.mailClasses.find((candidate) => candidate.id === user.mailClassId);
    return {
      id: user.id,
      email: user.email,
      permissions: { ...user.permissions },
      is_disabled: user.is_disabled,
      force_mail_class: mailClass ? { id: mailClass.id, name: mailClass.name } : null,
    };
  }
}

export interface GreenArrowSimulatorOptions {
  /** The one Basic-auth user name the simulator accepts. */
  username: string;
  /** Its password. */
  password: string;
  /** Start with the sample population (default true). */
  seed?: boolean;
  /** How many people the sample population has (default {@link SEED_PEOPLE_COUNT}, the 36 of the sample). */
  population?: number;
  /** Users per page of the listing (default 100, the vendor's). */
  perPage?: number;
  /** Mail classes a forced mail class can name (default SEED_MAIL_CLASSES). */
  mailClasses?: readonly WireMailClass[];
  /** Status of a validation error (assumption; default 422). */
  validationStatus?: number;
  /** Status of a body that is not JSON (assumption; default 400). */
  invalidJsonStatus?: number;
  /** `error_code` of each kind of failure (assumption; defaults in DEFAULT_ERROR_CODES). */
  errorCodes?: Partial<ErrorCodes>;
}

/** The opaque page token: the page it starts, the last id before it, and the filter. */
const pageTokenSchema = z.strictObject({
  p: z.number().int().nonnegative(),
  a: z.number().int().nonnegative(),
  n: z.string(),
});
type PageToken = z.infer<typeof pageTokenSchema>;

/**
 * GreenArrow Engine's users API and its mail classes. Route names: `listUsers`, `getUser`,
 * `createUser`, `updateUser`, `deleteUser`, `listMailClasses`, `getMailClass`. Every answer,
 * failures and unmatched routes included, is the envelope `{ success, data, error_code,
 * error_messages }`. The two listings are paged and enact the `repeatPageToken` fault.
 */
export class GreenArrowSimulator extends Simulator {
  readonly store: GreenArrowStore;
  readonly perPage: number;
  private readonly seedOnReset: boolean;
  private readonly population: number;
  private readonly validationStatus: number;
  private readonly invalidJsonStatus: number;
  private readonly fail: (status: number, messages: string[]) => SimResponse;

  constructor(options: GreenArrowSimulatorOptions) {
    const perPage = options.perPage ?? DEFAULT_PER_PAGE;
    const problem = [...basicCredentialProblems(options), positiveIntegerProblem('perPage', perPage)].find(
      (candidate) => candidate !== null,
    );
    if (problem) throw new TypeError(`GreenArrowSimulator: ${problem}`);
    const validationStatus = clientErrorStatus(
      'validationStatus',
      options.validationStatus ?? DEFAULT_VALIDATION_STATUS,
    );
    const invalidJsonStatus = clientErrorStatus('invalidJsonStatus', options.invalidJsonStatus ?? INVALID_JSON_STATUS);
    const fail = failureResponder({ ...DEFAULT_ERROR_CODES, ...options.errorCodes });
    const expectedUsername = new ExpectedCredential(options.username);
    const expectedPassword = new ExpectedCredential(options.password);
    super({
      name: 'greenarrow',
      errorResponse: (status, message) => fail(status, [message]),
      state: { snapshot: () => this.store.exportState(), restore: (state) => this.store.importState(state) },
      // Both comparisons always run, so the answer's timing says nothing about which one failed.
      authenticate: (request) => {
        const header = typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
        const given = parseBasicAuthorization(header);
        if (given === null)
          return fail(401, [
            header !== undefined && /^\s*basic\s/i.test(header)
              ? messages.invalidCredentials
              : messages.authenticationRequired,
          ]);
        const usernameMatches = expectedUsername.matches(given.username);
        const passwordIsRight = expectedPassword.matches(given.password);
        return usernameMatches && passwordIsRight ? null : fail(401, [messages.invalidCredentials]);
      },
    });
    this.fail = fail;
    this.perPage = perPage;
    this.validationStatus = validationStatus;
    this.invalidJsonStatus = invalidJsonStatus;
    this.seedOnReset = options.seed ?? true;
    this.population = options.population ?? SEED_PEOPLE_COUNT;
    this.store = new GreenArrowStore(options.mailClasses ?? SEED_MAIL_CLASSES);
    this.reset();

    this.route('listUsers', 'GET', routePatterns.users, (request) => this.listUsers(request), { paged: true })
      .route('getUser', 'GET', routePatterns.user, (request) => this.getUser(request))
      .route('createUser', 'POST', routePatterns.users, (request) => this.createUser(request))
      .route('updateUser', 'PUT', routePatterns.user, (request) => this.updateUser(request))
      .route('deleteUser', 'DELETE', routePatterns.user, (request) => this.deleteUser(request))
      .route('listMailClasses', 'GET', routePatterns.mailClasses, (request) => this.listMailClasses(request), {
        paged: true,
      })
      .route('getMailClass', 'GET', routePatterns.mailClass, (request) => this.getMailClass(request));
  }

  /** Restores the starting data (the sample users when seeding), in the state file too. Calls and faults are kept. */
  reset(): void {
    this.store.clear();
    if (this.seedOnReset) this.seed();
    this.saveState();
  }

  /** Inserts the sample users; split from reset so that reset saves the state whether it seeds or not. */
  private seed(): void {
    const known = new Set(this.store.mailClasses.map((mailClass) => String(mailClass.id)));
    this.store.insert(
      seedPeople(this.population)
        .filter((person) => person.in.greenarrow)
        .map((person) => ({
          email: person.email,
          permissions: {
            injection: toWireInjection(person.permissions.injection),
            api: toWireAccess(person.permissions.api),
            ui: toWireAccess(person.permissions.ui),
          },
          is_disabled: person.permissions.disabled,
          // Custom mail classes may not include the seed's; such people simply have none forced.
          mailClassId:
            person.permissions.mailClassId !== null && known.has(person.permissions.mailClassId)
              ? person.permissions.mailClassId
              : null,
        })),
    );
  }

  private listUsers(request: SimRequest): SimResponse {
    const page = this.page(request, (filter) =>
      this.store.all().filter((user) => user.email.toLowerCase().includes(filter)),
    );
    if (!page.ok) return page.response;
    const data: UserListData = { users: page.items, pagination: page.pagination };
    return ok(data);
  }

  /** Mail classes in id order; the `name` filter is an exact name, compared case-insensitively. */
  private listMailClasses(request: SimRequest): SimResponse {
    const page = this.page(request, (filter) =>
      [...this.store.mailClasses]
        .sort((a, b) => a.id - b.id)
        .filter((mailClass) => filter === '' || mailClass.name.toLowerCase() === filter),
    );
    if (!page.ok) return page.response;
    const data: MailClassListData = {
      mail_classes: page.items.map((mailClass) => ({ id: mailClass.id, name: mailClass.name })),
      pagination: page.pagination,
    };
    return ok(data);
  }

  private getMailClass(request: SimRequest): SimResponse {
    const id = request.params['id'];
    const mailClass = ID_PATTERN.test(id)
      ? this.store.mailClasses.find((candidate) => candidate.id === Number(id))
      : undefined;
    return mailClass
      ? ok({ mail_class: { id: mailClass.id, name: mailClass.name } })
      : this.fail(404, [messages.mailClassNotFound]);
  }

  /**
   * One page of a listing in id order, by `page` or by `page_token`; the token carries the
   * (lower-cased) filter it was issued for. Under the `repeatPageToken` fault the next token is
   * the one asked for, or on a first page one that reads that page again, so the listing never ends.
   */
  private page<T extends { id: number }>(
    request: SimRequest,
    matching: (filter: string) => T[],
  ): { ok: true; items: T[]; pagination: WirePagination } | { ok: false; response: SimResponse } {
    const problems = listQueryProblems(request.query);
    if (problems.length > 0) return { ok: false, response: this.invalid(problems) };
    const tokenText = request.query.get(listQuery.pageToken);
    const name = request.query.get(listQuery.name);
    let token: PageToken | undefined;
    if (tokenText !== null) {
      token = decodePageToken(tokenText);
      if (!token)
        return { ok: false, response: this.invalid([{ field: 'page_token', message: messages.invalidPageToken }]) };
      if (name !== null && name.toLowerCase() !== token.n)
        return { ok: false, response: this.invalid([{ field: 'name', message: messages.filterMismatch }]) };
    }
    const filter = (token?.n ?? name ?? '').toLowerCase();
    const records = matching(filter);
    const page = token?.p ?? Number(request.query.get(listQuery.page) ?? 0);
    const start = token ? records.findIndex((record) => record.id > token.a) : page * this.perPage;
    const items = start < 0 ? [] : records.slice(start, start + this.perPage);
    const first = items[0];
    const last = items[items.length - 1];
    const more = last !== undefined && start + this.perPage < records.length;
    let next = more ? encodePageToken({ p: page + 1, a: last.id, n: filter }) : null;
    if (request.fault?.repeatPageToken)
      next = tokenText ?? next ?? encodePageToken({ p: page, a: first === undefined ? 0 : first.id - 1, n: filter });
    const pagination: WirePagination = {
      page,
      per_page: this.perPage,
      num_pages: Math.ceil(records.length / this.perPage),
      num_records: records.length,
      next_page_token: next,
    };
    return { ok: true, items, pagination };
  }

  private getUser(request: SimRequest): SimResponse {
    const key = request.params['idOrEmail'];
    const user = ID_PATTERN.test(key) ? this.store.get(key) : this.store.findByEmail(key);
    return user ? ok({ user }) : this.fail(404, [messages.userNotFound]);
  }

  private createUser(request: SimRequest): SimResponse {
    const body = parseJsonBody(request);
    if (body instanceof SyntaxError) return this.fail(this.invalidJsonStatus, [messages.invalidJson]);
    const result = validateRequest(body, { creating: true, mailClasses: this.store.mailClasses });
    if (!result.ok) return this.invalid(result.problems);
    const command = result.value;
    if (this.store.findByEmail(command.email)) return this.invalid([{ field: 'email', message: messages.emailTaken }]);
    const user = this.store.insert({
      email: command.email,
      password: command.password,
      permissions: command.permissions,
      is_disabled: command.is_disabled ?? false,
      mailClassId: this.mailClassIdOf(command.force_mail_class) ?? null,
    });
    return ok({ user });
  }

  private updateUser(request: SimRequest): SimResponse {
    const current = this.findById(request);
    if (!current) return this.fail(404, [messages.userNotFound]);
    const body = parseJsonBody(request);
    if (body instanceof SyntaxError) return this.fail(this.invalidJsonStatus, [messages.invalidJson]);
    const result = validateRequest(body, { creating: false, mailClasses: this.store.mailClasses });
    if (!result.ok) return this.invalid(result.problems);
    const command = result.value;
    if (command.email !== undefined) {
      const owner = this.store.findByEmail(command.email);
      if (owner && owner.id !== current.id) return this.invalid([{ field: 'email', message: messages.emailTaken }]);
    }
    const user = this.store.update(current.id, {
      email: command.email,
      password: command.password,
      permissions: command.permissions,
      is_disabled: command.is_disabled,
      mailClassId: this.mailClassIdOf(command.force_mail_class),
    });
    return ok({ user });
  }

  private deleteUser(request: SimRequest): SimResponse {
    const current = this.findById(request);
    if (!current) return this.fail(404, [messages.userNotFound]);
    this.store.remove(current.id);
    return ok({});
  }

  /** PUT and DELETE take a numeric id only (assumption); anything else is not found. */
  private findById(request: SimRequest): WireUser | undefined {
    const id = request.params['idOrEmail'];
    return ID_PATTERN.test(id) ? this.store.get(id) : undefined;
  }

  /** The id of a validated mail class reference; `undefined` when the write does not name one. */
  private mailClassIdOf(ref: MailClassRefCommand | null | undefined): number | null | undefined {
    if (ref === undefined || ref === null) return ref;
    const resolved = resolveMailClass(ref, this.store.mailClasses);
    // validateRequest has already checked the reference against the same mail classes.
    if (!resolved.ok) throw new TypeError(`GreenArrowSimulator: ${resolved.message}`);
    return resolved.mailClass.id;
  }

  private invalid(problems: readonly FieldProblem[]): SimResponse {
    return this.fail(
      this.validationStatus,
      problems.map((problem) => problem.message),
    );
  }
}

function clientErrorStatus(option: string, status: number): number {
  if (!Number.isInteger(status) || status < 400 || status > 499) {
    throw new TypeError(`GreenArrowSimulator: ${option} must be a 4xx status, got ${status}`);
  }
  return status;
}

function ok<Data>(data: Data): SimResponse {
  const body: Envelope<Data> = { success: true, data, error_code: null, error_messages: null };
  return { status: 200, body };
}

/** The failure envelope for a status, with the error code that status means. */
function failureResponder(codes: ErrorCodes): (status: number, messages: string[]) => SimResponse {
  return (status, texts) => {
    const body: Envelope<never> = {
      success: false,
      data: null,
      error_code: errorCodeFor(status, codes),
      error_messages: texts,
    };
    const headers: Record<string, string> | undefined =
      status === 401 ? { 'www-authenticate': 'Basic realm="GreenArrow Engine"' } : undefined;
    return { status, body, headers };
  };
}

function errorCodeFor(status: number, codes: ErrorCodes): string {
  if (status === 401 || status === 403) return codes.unauthorized;
  if (status === 404) return codes.notFound;
  if (status === 429) return codes.tooManyRequests;
  if (status >= 500) return codes.serverError;
  return codes.validation;
}

function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodePageToken(text: string): PageToken | undefined {
  try {
    const parsed = pageTokenSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
