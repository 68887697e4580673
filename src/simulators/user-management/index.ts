import { z } from 'zod';
import {
  ACCEPTED_CONTENT_TYPES,
  DEFAULT_ACCOUNT_PATH_PREFIX,
  DEFAULT_API_KEY_HEADER,
  ID_PATTERN,
  describeProblems,
  mediaTypeOf,
  messages,
  routePatterns,
  validateAddUser,
  validateModifyUser,
  type ErrorBody,
  type ModifyUserCommand,
  type UserResponse,
} from '../../vendors/user-management/contract';
import { Simulator, parseJsonBody, type SimRequest, type SimResponse } from '../kit/framework';
import { SEED_PEOPLE_COUNT, seedAccounts, seedPeople, type SeedAccount } from '../kit/seed';
import {
  ExpectedCredential,
  hashPassword,
  passwordMatches,
  saltedPasswordFields,
  unguessablePassword,
} from '../kit/credentials';
import { parseState, recordId } from '../kit/state-file';

/** A user as a test or the seed inserts it directly, without HTTP or request validation. */
export interface UserSeed {
  contactName: string;
  emailAddress: string;
  /** An integer id, as a number or a string of digits; the account must exist. */
  defaultAccountId: number | string;
  username: string;
  /** Defaults to a random one nobody knows. */
  password?: string;
  /** Defaults to active. */
  active?: boolean | 0 | 1;
}

export interface UserPatch {
  contactName?: string;
  emailAddress?: string;
  defaultAccountId?: number;
  username?: string;
  password?: string;
  active?: 0 | 1;
}

interface StoredUser extends UserResponse {
  salt: string;
  passwordHash: string;
}

/** Everything a user-management store holds, as its state file keeps it: accounts, users with salted password hashes, the next user id. */
const userManagementStateSchema = z.strictObject({
  nextUserId: recordId(),
  accounts: z.array(
    z.strictObject({ id: z.string().regex(ID_PATTERN, 'must be a string of digits'), name: z.string() }),
  ),
  users: z.array(
    z.strictObject({
      id: recordId(),
      contactName: z.string(),
      emailAddress: z.string().min(1),
      defaultAccountId: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      username: z.string().min(1),
      active: z.union([z.literal(0), z.literal(1)]),
      ...saltedPasswordFields,
    }),
  ),
});
export type UserManagementState = z.infer<typeof userManagementStateSchema>;

/** What the store is asked to keep unique, and how. */
export interface UserStoreRules {
  /** Whether two users may not share an email address (case-insensitively). */
  uniqueEmail: boolean;
}

/**
 * The simulator's data: accounts and users. Passwords are kept only as a salted sha256 hash.
 * Misuse (an unknown account, a duplicate) throws a TypeError saying what was wrong.
 */
export class UserManagementStore {
  private readonly users = new Map<number, StoredUser>();
  private readonly accountsById = new Map<number, SeedAccount>();
  private readonly idsByUsername = new Map<string, number>();
  private readonly idsByEmail = new Map<string, number>();
  private nextUserId = 1;

  constructor(private readonly rules: UserStoreRules) {}

  get size(): number {
    return this.users.size;
  }

  /** Adds an account; without an id it gets the next free integer. Returns the account. */
  addAccount(account: { id?: string | number; name: string }): SeedAccount {
    const id =
      account.id === undefined ? Math.max(0, ...this.accountsById.keys()) + 1 : toIntegerId(account.id, 'account id');
    if (this.accountsById.has(id)) throw new TypeError(`UserManagementStore: account ${id} already exists`);
    const stored = { id: String(id), name: account.name };
    this.accountsById.set(id, stored);
    return { ...stored };
  }

  hasAccount(id: number | string): boolean {
    const parsed = parseId(id);
    return parsed !== undefined && this.accountsById.has(parsed);
  }

  accounts(): SeedAccount[] {
    return [...this.accountsById.values()].map((account) => ({ ...account }));
  }

  /** Inserts a user and returns it as the API would answer it. */
  insert(seed: UserSeed): UserResponse {
    const defaultAccountId = toIntegerId(seed.defaultAccountId, 'defaultAccountId');
    if (!this.accountsById.has(defaultAccountId)) {
      throw new TypeError(
        `UserManagementStore: account ${defaultAccountId} does not exist (add it with addAccount first)`,
      );
    }
    const duplicate = this.duplicateOf({ username: seed.username, emailAddress: seed.emailAddress });
    if (duplicate) throw new TypeError(`UserManagementStore: ${duplicate.message} (user ${duplicate.id})`);
    const id = this.nextUserId++;
    const active = seed.active === undefined || seed.active === true || seed.active === 1 ? 1 : 0;
    const user: StoredUser = {
      id,
      contactName: seed.contactName,
      emailAddress: seed.emailAddress,
      defaultAccountId,
      username: seed.username,
      active,
      ...hashPassword(seed.password ?? unguessablePassword()),
    };
    this.users.set(id, user);
    this.index(user);
    return publicView(user);
  }

  get(id: number | string): UserResponse | undefined {
    const user = this.find(id);
    return user && publicView(user);
  }

  all(): UserResponse[] {
    return [...this.users.values()].map(publicView);
  }

  /** The users whose default account is this one, by id; an empty list for an unknown account. */
  byAccount(accountId: number | string): UserResponse[] {
    const id = parseId(accountId);
    return [...this.users.values()].filter((user) => user.defaultAccountId === id).map(publicView);
  }

  /** The user that already holds this username or email address, other than `exceptId`. */
  duplicateOf(
    candidate: { username?: string; emailAddress?: string },
    exceptId?: number,
  ): { id: number; message: string } | undefined {
    const byUsername =
      candidate.username === undefined ? undefined : this.idsByUsername.get(candidate.username.toLowerCase());
    if (byUsername !== undefined && byUsername !== exceptId)
      return { id: byUsername, message: messages.duplicateUsername };
    if (!this.rules.uniqueEmail || candidate.emailAddress === undefined) return undefined;
    const byEmail = this.idsByEmail.get(candidate.emailAddress.toLowerCase());
    if (byEmail !== undefined && byEmail !== exceptId) return { id: byEmail, message: messages.duplicateEmail };
    return undefined;
  }

  /** Applies a patch that the caller has validated; returns the user, or undefined if unknown. */
  update(id: number | string, patch: UserPatch): UserResponse | undefined {
    const user = this.find(id);
    if (!user) return undefined;
    this.unindex(user);
    const { password, ...fields } = patch;
    Object.assign(user, fields, password === undefined ? {} : hashPassword(password));
    this.index(user);
    return publicView(user);
  }

  /** Removes a user; returns it, or undefined if unknown. */
  remove(id: number | string): UserResponse | undefined {
    const user = this.find(id);
    if (!user) return undefined;
    this.unindex(user);
    this.users.delete(user.id);
    return publicView(user);
  }

  /** Whether this is the user's password; lets tests prove a write changed it without reading it. */
  verifyPassword(id: number | string, password: string): boolean {
    const user = this.find(id);
    if (!user) return false;
    return passwordMatches(user, password);
  }

  /** Forgets every user and account; ids start again from 1. */
  clear(): void {
    this.users.clear();
    this.accountsById.clear();
    this.idsByUsername.clear();
    this.idsByEmail.clear();
    this.nextUserId = 1;
  }

  /** Accounts, every user with their salted password hash, and the next user id, as plain JSON for a state file. */
  exportState(): UserManagementState {
    return {
      nextUserId: this.nextUserId,
      accounts: this.accounts(),
      users: [...this.users.values()].map((user) => ({ ...user })),
    };
  }

  /**
   * Replaces the accounts and every user with those of an exported state, in id order, and
   * rebuilds the username and email indexes; throws a TypeError, changing nothing, when it does
   * not fit (a duplicate id, account, username or, with unique emails, email; a user of an unknown
   * account; a next id not above every id).
   */
  importState(state: unknown): void {
    const parsed = parseState('UserManagementStore', userManagementStateSchema, state);
    const accountsById = new Map<number, SeedAccount>();
    for (const account of parsed.accounts) {
      const id = toIntegerId(account.id, 'account id');
      if (accountsById.has(id)) throw new TypeError(`UserManagementStore: accounts: id ${id} appears twice`);
      accountsById.set(id, { id: String(id), name: account.name });
    }
    const users = new Map<number, StoredUser>();
    const usernames = new Set<string>();
    const emails = new Set<string>();
    for (const user of [...parsed.users].sort((a, b) => a.id - b.id)) {
      const twice = (what: string) => new TypeError(`UserManagementStore: users: ${what} appears twice`);
      if (users.has(user.id)) throw twice(`id ${user.id}`);
      if (usernames.has(user.username.toLowerCase())) throw twice(`username ${user.username}`);
      if (this.rules.uniqueEmail && emails.has(user.emailAddress.toLowerCase()))
        throw twice(`email address ${user.emailAddress}`);
      if (!accountsById.has(user.defaultAccountId)) {
        throw new TypeError(
          `UserManagementStore: users: user ${user.id} belongs to account ${user.defaultAccountId}, which is not in accounts`,
        );
      }
      if (user.id >= parsed.nextUserId) {
        throw new TypeError(
          `UserManagementStore: nextUserId ${parsed.nextUserId} must be above every user id, and user ${user.id} is not below it`,
        );
      }
      users.set(user.id, { ...user });
      usernames.add(user.username.toLowerCase());
      emails.add(user.emailAddress.toLowerCase());
    }
    this.clear();
    for (const [id, account] of accountsById) this.accountsById.set(id, account);
    for (const [id, user] of users) {
      this.users.set(id, user);
      this.index(user);
    }
    this.nextUserId = parsed.nextUserId;
  }

  private find(id: number | string): StoredUser | undefined {
    const parsed = parseId(id);
    return parsed === undefined ? undefined : this.users.get(parsed);
  }

  private index(user: StoredUser): void {
    this.idsByUsername.set(user.username.toLowerCase(), user.id);
    this.idsByEmail.set(user.emailAddress.toLowerCase(), user.id);
  }

  private unindex(user: StoredUser): void {
    if (this.idsByUsername.get(user.username.toLowerCase()) === user.id)
      this.idsByUsername.delete(user.username.toLowerCase());
    if (this.idsByEmail.get(user.emailAddress.toLowerCase()) === user.id)
      this.idsByEmail.delete(user.emailAddress.toLowerCase());
  }
}

export interface UserManagementSimulatorOptions {
  /** The one API key the simulator accepts. */
  apiKey: string;
  /** Header carrying the key (assumption; default `X-Api-Key`). */
  apiKeyHeader?: string;
  /** Prefix of the account listing path only (default `/pub`; `''` for none). */
  accountPathPrefix?: string;
  /** Start with the sample population (default true). */
  seed?: boolean;
  /** How many people the sample population has (default {@link SEED_PEOPLE_COUNT}, the 36 of the sample). */
  population?: number;
  /** Reject a second user with the same email address, case-insensitively (assumption; default true). */
  uniqueEmail?: boolean;
  /** Accounts to start with (default the population's, {@link seedAccounts}), seeded or not. */
  accounts?: readonly SeedAccount[];
}

/**
 * The in-house user-management API. Route names: `usersByAccount`, `getUser`, `addUser` (POST and
 * PUT), `modifyUser` (POST and PUT), `deleteUser`. Every failure answers `{ "error": "..." }`.
 */
export class UserManagementSimulator extends Simulator {
  readonly store: UserManagementStore;
  readonly accountPathPrefix: string;
  private readonly seedOnReset: boolean;
  private readonly population: number;
  private readonly initialAccounts: readonly SeedAccount[];

  constructor(options: UserManagementSimulatorOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey === '') {
      throw new TypeError('UserManagementSimulator: apiKey must be a non-empty string');
    }
    const headerName = (options.apiKeyHeader ?? DEFAULT_API_KEY_HEADER).toLowerCase();
    const expectedKey = new ExpectedCredential(options.apiKey);
    super({
      name: 'user-management',
      errorResponse,
      state: { snapshot: () => this.store.exportState(), restore: (state) => this.store.importState(state) },
      authenticate: (request) => {
        const given = request.headers[headerName];
        if (typeof given !== 'string' || given === '') return errorResponse(401, messages.missingApiKey);
        return expectedKey.matches(given) ? null : errorResponse(401, messages.invalidApiKey);
      },
    });
    const prefix = options.accountPathPrefix ?? DEFAULT_ACCOUNT_PATH_PREFIX;
    if (prefix !== '' && !/^\/.*[^/]$/.test(prefix)) {
      throw new TypeError(
        `UserManagementSimulator: accountPathPrefix must be "" or a path starting with "/" and not ending with one, got "${prefix}"`,
      );
    }
    this.accountPathPrefix = prefix;
    this.store = new UserManagementStore({ uniqueEmail: options.uniqueEmail ?? true });
    this.seedOnReset = options.seed ?? true;
    this.population = options.population ?? SEED_PEOPLE_COUNT;
    this.initialAccounts = options.accounts ?? seedAccounts(this.population);
    this.reset();

    // `/usr/new` is registered before `/usr/:userId`: the first matching route wins.
    this.route('usersByAccount', 'GET', routePatterns.usersByAccount(prefix), (request) => this.usersByAccount(request))
      .route('getUser', 'GET', routePatterns.user, (request) => this.getUser(request))
      .route('addUser', 'POST', routePatterns.newUser, (request) => this.addUser(request))
      .route('addUser', 'PUT', routePatterns.newUser, (request) => this.addUser(request))
      .route('modifyUser', 'POST', routePatterns.user, (request) => this.modifyUser(request))
      .route('modifyUser', 'PUT', routePatterns.user, (request) => this.modifyUser(request))
      .route('deleteUser', 'DELETE', routePatterns.user, (request) => this.deleteUser(request));
  }

  /** Restores the starting data (accounts, and the sample users when seeding), in the state file too. Calls and faults are kept. */
  reset(): void {
    this.store.clear();
    for (const account of this.initialAccounts) this.store.addAccount(account);
    if (this.seedOnReset) {
      for (const person of seedPeople(this.population)) {
        if (!person.in.userManagement) continue;
        this.store.insert({
          contactName: `${person.firstName} ${person.lastName}`,
          emailAddress: person.email,
          defaultAccountId: person.accountId,
          username: person.username,
          active: person.active,
        });
      }
    }
    this.saveState();
  }

  private usersByAccount(request: SimRequest): SimResponse {
    const accountId = request.params['accountId'];
    if (!this.store.hasAccount(accountId)) return errorResponse(404, messages.accountNotFound);
    return { status: 200, body: this.store.byAccount(accountId) };
  }

  private getUser(request: SimRequest): SimResponse {
    const user = this.store.get(request.params['userId']);
    return user ? { status: 200, body: user } : errorResponse(404, messages.userNotFound);
  }

  private addUser(request: SimRequest): SimResponse {
    const body = readBody(request);
    if ('response' in body) return body.response;
    const validation = validateAddUser(body.value);
    if (!validation.ok) return errorResponse(400, describeProblems(validation.problems));
    const command = validation.value;
    if (!this.store.hasAccount(command.defaultAccountId)) return errorResponse(400, messages.unknownAccount);
    const duplicate = this.store.duplicateOf(command);
    if (duplicate) return errorResponse(409, duplicate.message, duplicate.id);
    return { status: 200, body: this.store.insert(command) };
  }

  private modifyUser(request: SimRequest): SimResponse {
    const body = readBody(request);
    if ('response' in body) return body.response;
    const validation = validateModifyUser(body.value);
    if (!validation.ok) return errorResponse(400, describeProblems(validation.problems));
    const current = this.store.get(request.params['userId']);
    if (!current) return errorResponse(404, messages.userNotFound);
    const patch = withoutNulls(validation.value);
    if (patch.defaultAccountId !== undefined && !this.store.hasAccount(patch.defaultAccountId)) {
      return errorResponse(400, messages.unknownAccount);
    }
    const duplicate = this.store.duplicateOf(patch, current.id);
    if (duplicate) return errorResponse(409, duplicate.message, duplicate.id);
    return { status: 200, body: this.store.update(current.id, patch) };
  }

  private deleteUser(request: SimRequest): SimResponse {
    const removed = this.store.remove(request.params['userId']);
    return removed ? { status: 200, body: removed } : errorResponse(404, messages.userNotFound);
  }
}

/** The one error shape of this API; a 409 also names the user that holds the value. */
function errorResponse(status: number, message: string, existingId?: number): SimResponse {
  const body: ErrorBody = existingId === undefined ? { error: message } : { error: message, id: existingId };
  return { status, body };
}

/** The parsed JSON body of a write, or the error the API answers instead (415, 400). */
function readBody(request: SimRequest): { value: unknown } | { response: SimResponse } {
  const header = request.headers['content-type'];
  const type = mediaTypeOf(typeof header === 'string' ? header : undefined);
  if (type === undefined || !ACCEPTED_CONTENT_TYPES.includes(type)) {
    return { response: errorResponse(415, messages.unsupportedContentType) };
  }
  const parsed = parseJsonBody(request);
  if (parsed instanceof SyntaxError) return { response: errorResponse(400, messages.invalidJson) };
  return { value: parsed };
}

/** `null` in a modify request means "unchanged", which is what an absent field means to the store. */
function withoutNulls(command: ModifyUserCommand): UserPatch {
  const patch: UserPatch = {};
  for (const [key, value] of Object.entries(command)) {
    if (value !== null && value !== undefined) Object.assign(patch, { [key]: value });
  }
  return patch;
}

function publicView(user: StoredUser): UserResponse {
  return {
    id: user.id,
    contactName: user.contactName,
    emailAddress: user.emailAddress,
    defaultAccountId: user.defaultAccountId,
    username: user.username,
    active: user.active,
  };
}

function parseId(id: number | string): number | undefined {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
  return ID_PATTERN.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : undefined;
}

function toIntegerId(id: number | string, what: string): number {
  const parsed = parseId(id);
  if (parsed === undefined)
    throw new TypeError(`UserManagementStore: ${what} must be a non-negative integer, got ${JSON.stringify(id)}`);
  return parsed;
}
