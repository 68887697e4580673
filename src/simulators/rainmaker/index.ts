import { z } from 'zod';
import {
  DEFAULT_MIN_PASSWORD_LENGTH,
  LOCALE_QUERY,
  RESERVED_LOCALES,
  SUPPORTED_API_VERSIONS,
  apiVersionProblem,
  describeProblems,
  localeProblem,
  messages,
  normalizeLocale,
  normalizeUserName,
  routePatterns,
  userNameProblem,
  validateCreateUser,
  validateDeleteUser,
  validateUpdatePassword,
  type AckResponse,
  type RainMakerRules,
} from '../../vendors/rainmaker/contract';
import { verifySigV4 } from '../../vendors/rainmaker/sigv4';
import { Simulator, parseJsonBody, type SimRequest, type SimResponse } from '../kit/framework';
import { SEED_PEOPLE_COUNT, seedPeople, type SeedPerson } from '../kit/seed';
import {
  ExpectedCredential,
  hashPassword,
  passwordMatches,
  saltedPasswordFields,
  unguessablePassword,
} from '../kit/credentials';
import { parseState } from '../kit/state-file';

/** A user as a test or the seed inserts it directly, without HTTP or request validation of the password. */
export interface RainMakerUserSeed {
  /** An email address or an E.164 phone number; emails are stored lower-cased. */
  userName: string;
  /** Defaults to a random one nobody knows. */
  password?: string;
  /** Stored lower-cased; omitted or empty means `no_locale`. */
  locale?: string;
}

/** A user as the store shows it. Never a password. */
export interface RainMakerUser {
  userName: string;
  locale: string;
}

interface StoredUser extends RainMakerUser {
  salt: string;
  passwordHash: string;
}

/** Everything a RainMaker store holds, as its state file keeps it: users with salted password hashes. */
const rainMakerStateSchema = z.strictObject({
  users: z.array(
    z.strictObject({
      userName: z
        .string()
        .refine(
          (name) => userNameProblem(name) === null && normalizeUserName(name) === name,
          'must be an email address in lower case or an E.164 phone number',
        ),
      locale: z
        .string()
        .refine((locale) => normalizeLocale(locale) === locale, 'must be a non-empty locale in lower case'),
      ...saltedPasswordFields,
    }),
  ),
});
export type RainMakerState = z.infer<typeof rainMakerStateSchema>;

/**
 * The simulator's users, keyed by normalised user name. Passwords are kept only as a salted sha256
 * hash. Misuse (an invalid user name, a duplicate) throws a TypeError saying what was wrong.
 */
export class RainMakerStore {
  private readonly users = new Map<string, StoredUser>();

  get size(): number {
    return this.users.size;
  }

  insert(seed: RainMakerUserSeed): RainMakerUser {
    if (userNameProblem(seed.userName) !== null) {
      throw new TypeError(
        `RainMakerStore: userName must be an email address or an E.164 phone number, got ${JSON.stringify(seed.userName)}`,
      );
    }
    const key = normalizeUserName(seed.userName);
    if (this.users.has(key)) throw new TypeError(`RainMakerStore: user ${key} already exists`);
    const user: StoredUser = {
      userName: key,
      locale: normalizeLocale(seed.locale),
      ...hashPassword(seed.password ?? unguessablePassword()),
    };
    this.users.set(key, user);
    return publicView(user);
  }

  /** Inserts many users at once, e.g. a few hundred for a test; returns how many the store holds. */
  insertMany(seeds: Iterable<RainMakerUserSeed>): number {
    for (const seed of seeds) this.insert(seed);
    return this.size;
  }

  /** The user under this name, compared as the vendor compares (emails case-insensitively). */
  get(userName: string): RainMakerUser | undefined {
    const user = this.users.get(normalizeUserName(userName));
    return user && publicView(user);
  }

  has(userName: string): boolean {
    return this.users.has(normalizeUserName(userName));
  }

  all(): RainMakerUser[] {
    return [...this.users.values()].map(publicView);
  }

  /** Replaces a user's password; false when the user is unknown. */
  setPassword(userName: string, password: string): boolean {
    const user = this.users.get(normalizeUserName(userName));
    if (!user) return false;
    Object.assign(user, hashPassword(password));
    return true;
  }

  /** Removes a user; false when the user is unknown. */
  remove(userName: string): boolean {
    return this.users.delete(normalizeUserName(userName));
  }

  /** Whether this is the user's password; lets tests prove a write changed it without reading it. */
  verifyPassword(userName: string, password: string): boolean {
    const user = this.users.get(normalizeUserName(userName));
    if (!user) return false;
    return passwordMatches(user, password);
  }

  clear(): void {
    this.users.clear();
  }

  /** Every user with their salted password hash, as plain JSON for a state file. */
  exportState(): RainMakerState {
    return { users: [...this.users.values()].map((user) => ({ ...user })) };
  }

  /** Replaces every user with those of an exported state; throws a TypeError, changing nothing, when it does not fit. */
  importState(state: unknown): void {
    const parsed = parseState('RainMakerStore', rainMakerStateSchema, state);
    const users = new Map<string, StoredUser>();
    parsed.users.forEach((user, index) => {
      if (users.has(user.userName))
        throw new TypeError(`RainMakerStore: users.${index}: user ${user.userName} appears twice`);
      users.set(user.userName, { ...user });
    });
    this.users.clear();
    for (const [key, user] of users) this.users.set(key, user);
  }
}

export interface RainMakerSimulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * When set, the simulator behaves as for temporary credentials: every request must carry this
   * token in a signed `x-amz-security-token` header.
   */
  sessionToken?: string;
}

export interface RainMakerSimulatorOptions {
  /** The one key pair the simulator accepts. */
  credentials: RainMakerSimulatorCredentials;
  /** SigV4 scope the signature must name (default `us-east-1`). */
  region?: string;
  /** SigV4 scope the signature must name (default `execute-api`). */
  service?: string;
  /** Accepted `{version}` path segments (assumption; default `['v1']`). */
  supportedVersions?: readonly string[];
  /** Minimum password length (assumption; default 8, Cognito's default policy). */
  minPasswordLength?: number;
  /** Locales answered with "Invalid locale", compared case-insensitively (default `['rm_non_branded']`). */
  reservedLocales?: readonly string[];
  /** Status of a duplicate create (assumption; default 400, the description says "already exists"). */
  duplicateStatus?: number;
  /** Status of an update or delete of an unknown user (assumption; default 404). */
  unknownUserStatus?: number;
  /** The server clock signatures are checked against (default the system clock). */
  now?: () => Date;
  /** Allowed clock skew of a signature (default 15 minutes, as AWS). */
  maxSkewMs?: number;
  /** Start with the sample population (default true), see {@link rainMakerSeedUsers}. */
  seed?: boolean;
  /** How many people the sample population has (default {@link SEED_PEOPLE_COUNT}, the 36 of the sample). */
  population?: number;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_SERVICE = 'execute-api';
const FIFTEEN_MINUTES_MS = 15 * 60_000;
const SESSION_TOKEN_HEADER = 'x-amz-security-token';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * The sample users: every seed person present in RainMaker (`in.rainmaker`), under their email
 * address, except those whose index is 5 modulo 8 (every other odd-indexed one), who signed up
 * with their phone number, so the sample holds both kinds of user name.
 */
export function rainMakerSeedUsers(people: readonly SeedPerson[] = seedPeople()): RainMakerUserSeed[] {
  const seeds: RainMakerUserSeed[] = [];
  people.forEach((person, index) => {
    if (!person.in.rainmaker) return;
    seeds.push({ userName: index % 8 === 5 ? person.phone : person.email });
  });
  return seeds;
}

/**
 * ESP RainMaker's cloud-to-cloud admin user management. Route names: `createUser` (POST),
 * `updatePassword` (PUT), `deleteUser` (DELETE), all on `/{version}/admin/user2`. Every request
 * must carry a valid SigV4 signature (403 otherwise); every answer is `{ status, description }`.
 */
export class RainMakerSimulator extends Simulator {
  readonly store = new RainMakerStore();
  readonly region: string;
  readonly service: string;
  private readonly credentials: RainMakerSimulatorCredentials;
  private readonly supportedVersions: readonly string[];
  private readonly rules: RainMakerRules;
  private readonly duplicateStatus: number;
  private readonly unknownUserStatus: number;
  private readonly now: () => Date;
  private readonly maxSkewMs: number;
  private readonly seedOnReset: boolean;
  /** How many people the sample population has (the demo maps its phone-named users back to their emails with it). */
  readonly population: number;

  constructor(options: RainMakerSimulatorOptions) {
    super({
      name: 'rainmaker',
      errorResponse: failure,
      authenticate: (request) => this.authenticate(request),
      state: { snapshot: () => this.store.exportState(), restore: (state) => this.store.importState(state) },
    });
    const { credentials } = options;
    if (typeof credentials?.accessKeyId !== 'string' || credentials.accessKeyId === '') {
      throw new TypeError('RainMakerSimulator: credentials.accessKeyId must be a non-empty string');
    }
    if (typeof credentials.secretAccessKey !== 'string' || credentials.secretAccessKey === '') {
      throw new TypeError('RainMakerSimulator: credentials.secretAccessKey must be a non-empty string');
    }
    const minPasswordLength = options.minPasswordLength ?? DEFAULT_MIN_PASSWORD_LENGTH;
    if (!Number.isInteger(minPasswordLength) || minPasswordLength < 1) {
      throw new TypeError(`RainMakerSimulator: minPasswordLength must be a positive integer, got ${minPasswordLength}`);
    }
    this.credentials = { ...credentials };
    this.region = options.region ?? DEFAULT_REGION;
    this.service = options.service ?? DEFAULT_SERVICE;
    this.supportedVersions = options.supportedVersions ?? SUPPORTED_API_VERSIONS;
    this.rules = { minPasswordLength, reservedLocales: options.reservedLocales ?? RESERVED_LOCALES };
    this.duplicateStatus = options.duplicateStatus ?? 400;
    this.unknownUserStatus = options.unknownUserStatus ?? 404;
    this.now = options.now ?? (() => new Date());
    this.maxSkewMs = options.maxSkewMs ?? FIFTEEN_MINUTES_MS;
    this.seedOnReset = options.seed ?? true;
    this.population = options.population ?? SEED_PEOPLE_COUNT;
    this.reset();

    this.route('createUser', 'POST', routePatterns.users, (request) =>
      this.versioned(request, () => this.createUser(request)),
    )
      .route('updatePassword', 'PUT', routePatterns.users, (request) =>
        this.versioned(request, () => this.updatePassword(request)),
      )
      .route('deleteUser', 'DELETE', routePatterns.users, (request) =>
        this.versioned(request, () => this.deleteUser(request)),
      );
  }

  /** Restores the starting users (the sample, when seeding), in the state file too. Calls and faults are kept. */
  reset(): void {
    this.store.clear();
    if (this.seedOnReset) this.store.insertMany(rainMakerSeedUsers(seedPeople(this.population)));
    this.saveState();
  }

  /** Verifies the SigV4 signature (and session token) of every request before anything else. */
  private async authenticate(request: SimRequest): Promise<SimResponse | null> {
    const verification = await verifySigV4(
      {
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        body: request.rawBody,
      },
      {
        region: this.region,
        service: this.service,
        secretFor: (accessKeyId) =>
          accessKeyId === this.credentials.accessKeyId ? this.credentials.secretAccessKey : undefined,
        now: this.now(),
        maxSkewMs: this.maxSkewMs,
      },
    );
    if (!verification.ok) return failure(403, verification.message);
    if (!this.sessionTokenValid(request)) return failure(403, INVALID_TOKEN);
    return null;
  }

  private versioned(request: SimRequest, handler: () => SimResponse): SimResponse {
    const version = apiVersionProblem(request.params['version'], this.supportedVersions);
    if (version) return failure(400, version);
    return handler();
  }

  /** With temporary credentials the token must be present, signed and the right one. */
  private sessionTokenValid(request: SimRequest): boolean {
    const expected = this.credentials.sessionToken;
    const given = request.headers[SESSION_TOKEN_HEADER];
    if (expected === undefined) return given === undefined;
    if (typeof given !== 'string') return false;
    const signedHeaders =
      /SignedHeaders=([a-z0-9\-;]+)/.exec(String(request.headers['authorization']))?.[1]?.split(';') ?? [];
    return signedHeaders.includes(SESSION_TOKEN_HEADER) && new ExpectedCredential(expected).matches(given);
  }

  private createUser(request: SimRequest): SimResponse {
    const body = readBody(request);
    if ('response' in body) return body.response;
    const validation = validateCreateUser(body.value, this.rules);
    if (!validation.ok) return failure(400, describeProblems(validation.problems));
    const locale = request.query.get(LOCALE_QUERY) ?? undefined;
    const localeRejected = localeProblem(locale, this.rules);
    if (localeRejected) return failure(400, localeRejected);
    const { user_name: userName, password } = validation.value;
    if (this.store.has(userName)) return failure(this.duplicateStatus, messages.userExists);
    this.store.insert({ userName, password, locale });
    return success(messages.created);
  }

  private updatePassword(request: SimRequest): SimResponse {
    const body = readBody(request);
    if ('response' in body) return body.response;
    const validation = validateUpdatePassword(body.value, this.rules);
    if (!validation.ok) return failure(400, describeProblems(validation.problems));
    const { user_name: userName, password } = validation.value;
    if (!this.store.setPassword(userName, password)) return failure(this.unknownUserStatus, messages.userNotFound);
    return success(messages.passwordUpdated);
  }

  private deleteUser(request: SimRequest): SimResponse {
    const body = readBody(request);
    if ('response' in body) return body.response;
    const validation = validateDeleteUser(body.value);
    if (!validation.ok) return failure(400, describeProblems(validation.problems));
    if (!this.store.remove(validation.value.user_name)) return failure(this.unknownUserStatus, messages.userNotFound);
    return success(messages.deleted);
  }
}

function success(description: string): SimResponse {
  const body: AckResponse = { status: 'success', description };
  return { status: 200, body };
}

/** The one error shape of this API, also used for injected faults and unmatched routes. */
function failure(status: number, description: string): SimResponse {
  const body: AckResponse = { status: 'failure', description };
  return { status, body };
}

/** The parsed JSON body of a write, or the failure the API answers instead. */
function readBody(request: SimRequest): { value: unknown } | { response: SimResponse } {
  const parsed = parseJsonBody(request);
  if (parsed instanceof SyntaxError) return { response: failure(400, messages.invalidJson) };
  if (parsed === undefined) return { response: failure(400, messages.bodyRequired) };
  return { value: parsed };
}

function publicView(user: StoredUser): RainMakerUser {
  return { userName: user.userName, locale: user.locale };
}
