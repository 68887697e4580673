import { z } from 'zod';
import {
  ACCEPTED_MEDIA_TYPE,
  DATE_FORMATS,
  DEFAULT_PAGE_SIZE,
  ID_PATTERN,
  LIST_QUERY,
  MAX_PAGE_SIZE,
  USA_COUNTRY_NAMES,
  formatDateStr,
  isValidMobileNumber,
  mediaTypeOf,
  messages,
  normalizeMobileNumber,
  routePatterns,
  validateCreateMember,
  type AckResponse,
  type AudienceMemberResponse,
  type CreateRules,
  type DateFormat,
  type ErrorBody,
} from '../../vendors/engagement/contract';
import { parseBasicAuthorization } from '../../vendors/kit/basic-auth';
import { Simulator, parseJsonBody, type SimRequest, type SimResponse } from '../kit/framework';
import { SEED_PEOPLE_COUNT, seedPeople, type SeedPerson } from '../kit/seed';
import { ExpectedCredential, hashPassword, passwordMatches, type SaltedPassword } from '../kit/credentials';
import { parseState, recordId } from '../kit/state-file';

/** A member as a test or the seed inserts it directly, without HTTP or request validation. */
export interface AudienceMemberSeed {
  firstName: string;
  lastName: string;
  email: string;
  country: string;
  state?: string | null;
  /** A country code and ten digits, optionally led by `+`; stored as digits. */
  mobileNumber?: string | number | null;
  /** Defaults to true. */
  active?: boolean;
  /** Each defaults to false. */
  smsSubscription?: boolean;
  voiceSubscription?: boolean;
  emailSubscription?: boolean;
  /** Defaults to the store's clock; also the first last-modified date. */
  createdAt?: Date;
  lastActiveAt?: Date | null;
}

/** A member as the store shows it, voice flag included (the listing leaves it out). */
export interface AudienceMember {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Digits only. */
  mobileNumber: string | null;
  country: string;
  state: string | null;
  active: boolean;
  smsSubscription: boolean;
  voiceSubscription: boolean;
  emailSubscription: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastActiveAt: Date | null;
}

interface StoredMember extends Omit<AudienceMember, 'id'> {
  id: number;
}

const isoDate = () => z.iso.datetime();

/** Everything an Engagement store holds, as its state file keeps it: the members (dates in ISO 8601) and the next id. */
const engagementStateSchema = z.strictObject({
  nextId: recordId(),
  members: z.array(
    z.strictObject({
      id: recordId(),
      firstName: z.string(),
      lastName: z.string(),
      email: z.string().min(1),
      mobileNumber: z
        .string()
        .refine(
          (digits) => /^\d+$/.test(digits) && isValidMobileNumber(digits),
          'must be a country code and ten digits, digits only',
        )
        .nullable(),
      country: z.string(),
      state: z.string().nullable(),
      active: z.boolean(),
      smsSubscription: z.boolean(),
      voiceSubscription: z.boolean(),
      emailSubscription: z.boolean(),
      createdAt: isoDate(),
      updatedAt: isoDate(),
      lastActiveAt: isoDate().nullable(),
    }),
  ),
});
export type EngagementState = z.infer<typeof engagementStateSchema>;

/**
 * The simulator's audience, in id order. Email addresses are unique case-insensitively and mobile
 * numbers by their digits. Misuse (a duplicate, a malformed number) throws a TypeError saying what
 * was wrong.
 */
export class EngagementStore {
  private readonly members = new Map<number, StoredMember>();
  private readonly idsByEmail = new Map<string, number>();
  private readonly idsByMobileNumber = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  get size(): number {
    return this.members.size;
  }

  /** Inserts a member with the next id and returns it. */
  insert(seed: AudienceMemberSeed): AudienceMember {
    const mobileNumber =
      seed.mobileNumber === null || seed.mobileNumber === undefined || seed.mobileNumber === ''
        ? null
        : seed.mobileNumber;
    if (mobileNumber !== null && !isValidMobileNumber(mobileNumber)) {
      throw new TypeError(
        `EngagementStore: mobileNumber must be a country code followed by ten digits, got ${JSON.stringify(mobileNumber)}`,
      );
    }
    const digits = mobileNumber === null ? null : normalizeMobileNumber(mobileNumber);
    const duplicate = this.duplicateOf({ email: seed.email, mobileNumber: digits ?? undefined });
    if (duplicate) throw new TypeError(`EngagementStore: ${duplicate.message} (member ${duplicate.id})`);
    const createdAt = new Date(seed.createdAt ?? this.now());
    const member: StoredMember = {
      id: this.nextId++,
      firstName: seed.firstName,
      lastName: seed.lastName,
      email: seed.email,
      mobileNumber: digits,
      country: seed.country,
      state: seed.state === undefined || seed.state === '' ? null : seed.state,
      active: seed.active ?? true,
      smsSubscription: seed.smsSubscription ?? false,
      voiceSubscription: seed.voiceSubscription ?? false,
      emailSubscription: seed.emailSubscription ?? false,
      createdAt,
      updatedAt: new Date(createdAt),
      lastActiveAt: seed.lastActiveAt ? new Date(seed.lastActiveAt) : null,
    };
    this.members.set(member.id, member);
    this.idsByEmail.set(member.email.toLowerCase(), member.id);
    if (digits !== null) this.idsByMobileNumber.set(digits, member.id);
    return publicView(member);
  }

  /** Inserts many members at once, e.g. a few hundred for a test; returns them with their ids. */
  insertMany(seeds: Iterable<AudienceMemberSeed>): AudienceMember[] {
    const inserted: AudienceMember[] = [];
    for (const seed of seeds) inserted.push(this.insert(seed));
    return inserted;
  }

  get(id: string | number): AudienceMember | undefined {
    const member = this.find(id);
    return member && publicView(member);
  }

  /** Every member, in id order. */
  all(): AudienceMember[] {
    return [...this.members.values()].map(publicView);
  }

  /** Up to `count` members from the 0-based offset `start`, in id order. */
  page(start: number, count: number): AudienceMember[] {
    return [...this.members.values()].slice(start, start + count).map(publicView);
  }

  /** The member that already holds this email address (checked first) or mobile number (digits). */
  duplicateOf(candidate: { email?: string; mobileNumber?: string }): { id: string; message: string } | undefined {
    const byEmail = candidate.email === undefined ? undefined : this.idsByEmail.get(candidate.email.toLowerCase());
    if (byEmail !== undefined) return { id: String(byEmail), message: messages.duplicateEmail };
    const byMobile =
      candidate.mobileNumber === undefined ? undefined : this.idsByMobileNumber.get(candidate.mobileNumber);
    if (byMobile !== undefined) return { id: String(byMobile), message: messages.duplicateMobileNumber };
    return undefined;
  }

  /** Removes a member; returns it, or undefined if unknown. */
  remove(id: string | number): AudienceMember | undefined {
    const member = this.find(id);
    if (!member) return undefined;
    this.members.delete(member.id);
    if (this.idsByEmail.get(member.email.toLowerCase()) === member.id)
      this.idsByEmail.delete(member.email.toLowerCase());
    if (member.mobileNumber !== null && this.idsByMobileNumber.get(member.mobileNumber) === member.id) {
      this.idsByMobileNumber.delete(member.mobileNumber);
    }
    return publicView(member);
  }

  /** Forgets every member; ids start again from 1. */
  clear(): void {
    this.members.clear();
    this.idsByEmail.clear();
    this.idsByMobileNumber.clear();
    this.nextId = 1;
  }

  /** Every member and the next id, as plain JSON for a state file. */
  exportState(): EngagementState {
    return {
      nextId: this.nextId,
      members: [...this.members.values()].map((member) => ({
        ...member,
        createdAt: member.createdAt.toISOString(),
        updatedAt: member.updatedAt.toISOString(),
        lastActiveAt: member.lastActiveAt && member.lastActiveAt.toISOString(),
      })),
    };
  }

  /**
   * Replaces every member with those of an exported state, in id order, and rebuilds the email
   * and mobile number indexes; throws a TypeError, changing nothing, when it does not fit (a
   * duplicate id, email or number, or a next id not above every id).
   */
  importState(state: unknown): void {
    const parsed = parseState('EngagementStore', engagementStateSchema, state);
    const members = new Map<number, StoredMember>();
    const idsByEmail = new Map<string, number>();
    const idsByMobileNumber = new Map<string, number>();
    const sorted = [...parsed.members].sort((a, b) => a.id - b.id);
    for (const member of sorted) {
      const email = member.email.toLowerCase();
      const twice = (what: string) => new TypeError(`EngagementStore: members: ${what} appears twice`);
      if (members.has(member.id)) throw twice(`id ${member.id}`);
      if (idsByEmail.has(email)) throw twice(`email ${member.email}`);
      if (member.mobileNumber !== null && idsByMobileNumber.has(member.mobileNumber))
        throw twice(`mobile number ${member.mobileNumber}`);
      if (member.id >= parsed.nextId)
        throw new TypeError(
          `EngagementStore: nextId ${parsed.nextId} must be above every member id, and member ${member.id} is not below it`,
        );
      members.set(member.id, {
        ...member,
        createdAt: new Date(member.createdAt),
        updatedAt: new Date(member.updatedAt),
        lastActiveAt: member.lastActiveAt === null ? null : new Date(member.lastActiveAt),
      });
      idsByEmail.set(email, member.id);
      if (member.mobileNumber !== null) idsByMobileNumber.set(member.mobileNumber, member.id);
    }
    this.clear();
    for (const [id, member] of members) this.members.set(id, member);
    for (const [email, id] of idsByEmail) this.idsByEmail.set(email, id);
    for (const [digits, id] of idsByMobileNumber) this.idsByMobileNumber.set(digits, id);
    this.nextId = parsed.nextId;
  }

  private find(id: string | number): StoredMember | undefined {
    const key = typeof id === 'number' ? id : ID_PATTERN.test(id) ? Number(id) : undefined;
    return key === undefined ? undefined : this.members.get(key);
  }
}

export interface EngagementSimulatorOptions {
  /** The one HTTP Basic user name the simulator accepts. */
  username: string;
  /** Its password; kept only as a salted sha256 hash. */
  password: string;
  /** Start with the sample population (default true), see {@link engagementSeedMembers}. */
  seed?: boolean;
  /** How many people the sample population has (default {@link SEED_PEOPLE_COUNT}, the 36 of the sample). */
  population?: number;
  /** Listing page size when `pageSize` is absent (assumption; default 20). */
  defaultPageSize?: number;
  /** Largest listing page; a larger `pageSize` is clamped to it (assumption; default 100). */
  maxPageSize?: number;
  /** Country names for which `state` is mandatory (assumption; default {@link USA_COUNTRY_NAMES}). */
  usaCountryNames?: readonly string[];
  /** The tenant's reconciliation key is the mobile number, which makes it mandatory (default false). */
  mobileNumberRequired?: boolean;
  /** Format of the listing's `*DateStr` fields (assumption; default `iso`). */
  dateFormat?: DateFormat;
  /** Value of a subscription flag the create body leaves out (assumption; default false). */
  defaultSubscription?: boolean;
  /** Answer a create body that is not `application/json` as invalid (assumption; default true). */
  requireJsonContentType?: boolean;
  /** The clock of created and modified dates (default the system clock). */
  now?: () => Date;
}

/** Seed members are dated from here, one day apart, so every start shows the same dates. */
const SEED_EPOCH_MS = Date.UTC(2024, 0, 1, 9, 0, 0);
const DAY_MS = 86_400_000;

/**
 * The sample audience: every seed person present in Engagement (`in.engagement`), with their
 * phone as mobile number. Active members were last active 30 days after they were created.
 */
export function engagementSeedMembers(people: readonly SeedPerson[] = seedPeople()): AudienceMemberSeed[] {
  const seeds: AudienceMemberSeed[] = [];
  people.forEach((person, index) => {
    if (!person.in.engagement) return;
    const createdAt = new Date(SEED_EPOCH_MS + index * DAY_MS);
    seeds.push({
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      mobileNumber: person.phone,
      country: person.country,
      state: person.state,
      active: person.active,
      smsSubscription: person.subscriptions.sms,
      voiceSubscription: person.subscriptions.voice,
      emailSubscription: person.subscriptions.email,
      createdAt,
      lastActiveAt: person.active ? new Date(createdAt.getTime() + 30 * DAY_MS) : null,
    });
  });
  return seeds;
}

/**
 * Volt MX Foundry Engagement Services' audience API. Route names: `createMember`
 * (POST /api/v1/audience), `listMembers` (GET /api/v1/audience), `deleteMember`
 * (POST /api/v1/audience/{id}/delete). Every route needs HTTP Basic credentials (401 otherwise);
 * every failure answers `{ "message": "..." }`, a duplicate also the existing member's `id`.
 */
export class EngagementSimulator extends Simulator {
  readonly store: EngagementStore;
  private readonly expectedUsername: ExpectedCredential;
  private readonly password: SaltedPassword;
  private readonly rules: CreateRules;
  private readonly defaultPageSize: number;
  private readonly maxPageSize: number;
  private readonly dateFormat: DateFormat;
  private readonly defaultSubscription: boolean;
  private readonly requireJsonContentType: boolean;
  private readonly seedOnReset: boolean;
  private readonly population: number;

  constructor(options: EngagementSimulatorOptions) {
    super({
      name: 'engagement',
      errorResponse: failure,
      authenticate: (request) => this.authenticate(request),
      state: { snapshot: () => this.store.exportState(), restore: (state) => this.store.importState(state) },
    });
    if (typeof options.username !== 'string' || options.username === '' || options.username.includes(':')) {
      throw new TypeError('EngagementSimulator: username must be a non-empty string without ":"');
    }
    if (typeof options.password !== 'string' || options.password === '') {
      throw new TypeError('EngagementSimulator: password must be a non-empty string');
    }
    const maxPageSize = options.maxPageSize ?? MAX_PAGE_SIZE;
    const defaultPageSize = options.defaultPageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 1) {
      throw new TypeError(`EngagementSimulator: maxPageSize must be a positive integer, got ${maxPageSize}`);
    }
    if (!Number.isSafeInteger(defaultPageSize) || defaultPageSize < 1 || defaultPageSize > maxPageSize) {
      throw new TypeError(
        `EngagementSimulator: defaultPageSize must be an integer from 1 to maxPageSize (${maxPageSize}), got ${defaultPageSize}`,
      );
    }
    const dateFormat = options.dateFormat ?? 'iso';
    if (!DATE_FORMATS.includes(dateFormat)) {
      throw new TypeError(
        `EngagementSimulator: dateFormat must be one of ${DATE_FORMATS.join(', ')}, got ${JSON.stringify(dateFormat)}`,
      );
    }
    this.expectedUsername = new ExpectedCredential(options.username);
    this.password = hashPassword(options.password);
    this.rules = {
      usaCountryNames: options.usaCountryNames ?? USA_COUNTRY_NAMES,
      mobileNumberRequired: options.mobileNumberRequired ?? false,
    };
    this.defaultPageSize = defaultPageSize;
    this.maxPageSize = maxPageSize;
    this.dateFormat = dateFormat;
    this.defaultSubscription = options.defaultSubscription ?? false;
    this.requireJsonContentType = options.requireJsonContentType ?? true;
    this.store = new EngagementStore(options.now);
    this.seedOnReset = options.seed ?? true;
    this.population = options.population ?? SEED_PEOPLE_COUNT;
    this.reset();

    this.route('createMember', 'POST', routePatterns.audience, (request) => this.createMember(request))
      .route('listMembers', 'GET', routePatterns.audience, (request) => this.listMembers(request))
      .route('deleteMember', 'POST', routePatterns.deleteMember, (request) => this.deleteMember(request));
  }

  /** Restores the starting audience (the sample members when seeding), in the state file too. Calls and faults are kept. */
  reset(): void {
    this.store.clear();
    if (this.seedOnReset) this.store.insertMany(engagementSeedMembers(seedPeople(this.population)));
    this.saveState();
  }

  /** Both comparisons always run, so the answer's timing says nothing about which one failed. */
  private authenticate(request: SimRequest): SimResponse | null {
    const header = request.headers.authorization;
    const given = parseBasicAuthorization(typeof header === 'string' ? header : undefined);
    if (given === null) return failure(401, messages.unauthorized);
    const usernameMatches = this.expectedUsername.matches(given.username);
    const passwordIsRight = passwordMatches(this.password, given.password);
    return usernameMatches && passwordIsRight ? null : failure(401, messages.unauthorized);
  }

  private createMember(request: SimRequest): SimResponse {
    const header = request.headers['content-type'];
    if (
      this.requireJsonContentType &&
      mediaTypeOf(typeof header === 'string' ? header : undefined) !== ACCEPTED_MEDIA_TYPE
    ) {
      return failure(400, messages.invalidAttributes);
    }
    const body = parseJsonBody(request);
    if (body === undefined || body instanceof SyntaxError) return failure(400, messages.invalidAttributes);
    const validation = validateCreateMember(body, this.rules);
    if (!validation.ok) return failure(400, validation.problems[0].message);
    const command = validation.value;
    const duplicate = this.store.duplicateOf(command);
    if (duplicate) return failure(400, duplicate.message, duplicate.id);
    const member = this.store.insert({
      firstName: command.firstName,
      lastName: command.lastName,
      email: command.email,
      country: command.country,
      state: command.state,
      mobileNumber: command.mobileNumber,
      smsSubscription: command.smsSubscription ?? this.defaultSubscription,
      voiceSubscription: command.voiceSubscription ?? this.defaultSubscription,
      emailSubscription: command.emailSubscription ?? this.defaultSubscription,
      lastActiveAt: command.lastActiveDate,
    });
    const ack: AckResponse = { id: member.id, message: messages.created };
    return { status: 200, body: ack };
  }

  private listMembers(request: SimRequest): SimResponse {
    const start = integerParam(request.query.get(LIST_QUERY.start), 0);
    const pageSize = integerParam(request.query.get(LIST_QUERY.pageSize), this.defaultPageSize);
    if (start === null || pageSize === null || pageSize < 1) return failure(400, messages.invalidAttributes);
    const members = this.store.page(start, Math.min(pageSize, this.maxPageSize));
    return {
      status: 200,
      body: { total: this.store.size, audience: members.map((member) => this.toResponse(member)) },
    };
  }

  private deleteMember(request: SimRequest): SimResponse {
    const removed = this.store.remove(request.params['id']);
    if (!removed) return failure(400, messages.memberNotFound);
    const ack: AckResponse = { id: removed.id, message: messages.deleted };
    return { status: 200, body: ack };
  }

  private toResponse(member: AudienceMember): AudienceMemberResponse {
    return {
      id: member.id,
      firstName: member.firstName,
      lastName: member.lastName,
      email: member.email,
      mobileNumber: member.mobileNumber,
      country: member.country,
      state: member.state,
      active: member.active,
      smsSubscription: member.smsSubscription,
      emailSubscription: member.emailSubscription,
      createdDateStr: formatDateStr(member.createdAt, this.dateFormat),
      lastModifiedDateStr: formatDateStr(member.updatedAt, this.dateFormat),
      lastActiveDateStr: member.lastActiveAt === null ? null : formatDateStr(member.lastActiveAt, this.dateFormat),
    };
  }
}

/**
 * The one error shape of this vendor. Whatever the framework says about an injected failure, the
 * vendor's own words are answered: "Unauthorized request" for 401, "Server failure..." for 5xx.
 */
function failure(status: number, message: string, existingId?: string): SimResponse {
  const text = status === 401 ? messages.unauthorized : status >= 500 ? messages.serverFailure : message;
  const body: ErrorBody = existingId === undefined ? { message: text } : { message: text, id: existingId };
  const headers: Record<string, string> | undefined =
    status === 401 ? { 'www-authenticate': 'Basic realm="Engagement"' } : undefined;
  return { status, body, headers };
}

/** A non-negative integer query value; the fallback when absent or empty, null when malformed. */
function integerParam(raw: string | null, fallback: number): number | null {
  if (raw === null || raw === '') return fallback;
  if (!ID_PATTERN.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : null;
}

function publicView(member: StoredMember): AudienceMember {
  return {
    ...member,
    id: String(member.id),
    createdAt: new Date(member.createdAt),
    updatedAt: new Date(member.updatedAt),
    lastActiveAt: member.lastActiveAt && new Date(member.lastActiveAt),
  };
}
