import { z } from 'zod';
import {
  problemsFromIssues,
  problemsOf,
  type FieldProblem,
  type ProblemWording,
  type Validation,
} from '../kit/validation';

/**
 * The wire contract of Volt MX Foundry Engagement Services' audience API
 * (vendor-docs/engagement-services-create-users.txt and the Engagement section of NOTES.md). The
 * simulator validates requests and builds responses with these definitions and the client decodes
 * responses with them, so the two cannot drift.
 *
 * Assumptions where the vendor document is silent (each is also listed in docs/vendors/engagement.md):
 * - Every failure answers `{ "message": "..." }` ({@link ErrorBody}). A duplicate create adds the
 *   existing member's id as a string: `{ "message": "User already exists with this Email", "id": "9" }`.
 *   The client reads `id` and falls back to the first number in the message, in case the real vendor
 *   writes the id into the sentence instead.
 * - The USA, for the "state is mandatory" rule, is any of {@link USA_COUNTRY_NAMES} compared
 *   case-insensitively (simulator option `usaCountryNames`).
 * - `mobileNumber` is a string or a number of 11 to 13 digits (a 1–3 digit country code, then ten
 *   digits), a string optionally led by `+`; no spaces or dashes. `""` and `null` mean absent. It is
 *   stored and answered as digits only, so `+14155550100` and `14155550100` are the same number.
 *   It becomes mandatory only when the tenant's reconciliation key is the mobile number (simulator
 *   option `mobileNumberRequired`, default false).
 * - `null` means absent for every attribute; a blank mandatory string is "missing"; a malformed
 *   email address gets the mandatory-field message for `email` (it asks for "a valid value").
 * - `lastActiveDate` and the listing's `*DateStr` fields use one of {@link DATE_FORMATS}: ISO 8601 in
 *   UTC, `2024-01-15T10:30:00Z` (default), or `01/15/2024 10:30:00`, also UTC (simulator option
 *   `dateFormat`). The client reads both, and sends ISO 8601; a date that is not one of them is an
 *   invalid attribute.
 * - Absent subscription flags are stored as false (simulator option `defaultSubscription`).
 * - The create body must be `application/json` (any charset); anything else is answered with the
 *   invalid-attributes message (simulator option `requireJsonContentType`). The client sends
 *   exactly {@link REQUEST_CONTENT_TYPE} on every request.
 * - Listing: `start` is a 0-based record offset (default 0), `pageSize` defaults to
 *   {@link DEFAULT_PAGE_SIZE} and is clamped to {@link MAX_PAGE_SIZE} (simulator options
 *   `defaultPageSize`, `maxPageSize`); a value that is not a non-negative integer, or a `pageSize`
 *   of 0, answers 400 with the invalid-attributes message. Members are listed in id order; absent
 *   values (`mobileNumber`, `state`, `lastActiveDateStr`) are `null`. The listing carries no
 *   `voiceSubscription`, so the domain's `Subscriptions.voice` is null on reads.
 * - Delete of an id that names no member (or is not a number) answers 400
 *   {@link messages.memberNotFound}; the client maps every 400 of that endpoint to not found, the
 *   only 400 the vendor documents for it.
 * - 401 answers `Unauthorized request` and an injected 5xx `Server failure to process request`.
 * - Messages never echo a submitted value, so no address or number ends up in an error or a log.
 */

/** The path family of the vendor's audience endpoints. */
export const AUDIENCE_PATH = '/api/v1/audience';

/** Paths of every endpoint, below the base URL. */
export const paths = {
  /** `POST` create, `GET ?start&pageSize` list. */
  audience: AUDIENCE_PATH,
  /** `POST` delete one member. */
  deleteMember: (id: string): string => `${AUDIENCE_PATH}/${encodeURIComponent(id)}/delete`,
} as const;

/** Simulator route patterns for the same paths (`:param` segments). */
export const routePatterns = {
  audience: AUDIENCE_PATH,
  deleteMember: `${AUDIENCE_PATH}/:id/delete`,
} as const;

/** Query parameters of the listing. */
export const LIST_QUERY = { start: 'start', pageSize: 'pageSize' } as const;

/** The content type the vendor document says requests carry; the client sends exactly this. */
export const REQUEST_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Media type (without parameters) a create body must have. */
export const ACCEPTED_MEDIA_TYPE = 'application/json';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Country names that mean the USA, lower-cased. */
export const USA_COUNTRY_NAMES: readonly string[] = ['usa', 'us', 'united states', 'united states of america'];

/** Ids are numbers (sent as strings); anything else names no member. */
export const ID_PATTERN = /^\d+$/;

/** Loose on purpose: the vendor says only "email address". */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A country code of 1 to 3 digits followed by ten digits, optionally led by `+`. */
export const MOBILE_NUMBER_PATTERN = /^\+?\d{11,13}$/;

/** How the client tells a duplicate (400) from any other rejection (400). */
export const ALREADY_EXISTS_PATTERN = /already exists/i;

/** Mandatory attributes, in the order the vendor reports them. */
export const MANDATORY_ATTRIBUTES = ['firstName', 'lastName', 'country', 'email'] as const;

/** Documented messages (and the assumed not-found one), shared by simulator, client and tests. */
export const messages = {
  created: 'Details added successfully',
  deleted: 'User deleted successfully',
  unauthorized: 'Unauthorized request',
  invalidAttributes: 'The request contains invalid attributes',
  invalidMobileNumber: 'Mobile number should have country code followed by ten digit number',
  duplicateEmail: 'User already exists with this Email',
  duplicateMobileNumber: 'User already exists with this mobile number',
  serverFailure: 'Server failure to process request',
  memberNotFound: 'No user exists with this id',
  mandatory: (attribute: string): string =>
    `Attribute '${attribute}' is a mandatory field. Please provide a valid value for the same`,
} as const;

/** Every failure: the vendor's message, plus the existing member's id on a duplicate. */
export const errorBodySchema = z.looseObject({
  message: z.string(),
  id: z.union([z.string(), z.number()]).optional(),
});
export type ErrorBody = { message: string; id?: string };

const wireId = z.union([z.string().regex(ID_PATTERN), z.number().int().nonnegative()]);

/** Answer of create and delete: `{ "id": "9", "message": "Details added successfully" }`. */
export const ackSchema = z.object({ id: wireId, message: z.string() });
export type AckResponse = { id: string; message: string };

/** The formats a `*DateStr` or `lastActiveDate` may take; see the module comment. */
export const DATE_FORMATS = ['iso', 'us'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const US_DATE_TIME = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Reads a vendor date in either format; null when it is neither or names no real instant
 * (`02/30/2024`). Times without a zone are UTC, so the result does not depend on the host's zone.
 */
export function parseDateStr(text: string): Date | null {
  const iso = ISO_DATE_TIME.exec(text.trim());
  if (iso) {
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '0', zone = 'Z'] = iso;
    const base = utcDate(+year, +month, +day, +hour, +minute, +second);
    if (base === null) return null;
    const millis = Math.floor(Number(`0.${fraction}`) * 1000);
    return new Date(base.getTime() + millis - zoneOffsetMs(zone));
  }
  const us = US_DATE_TIME.exec(text.trim());
  if (us) {
    const [, month, day, year, hour = '00', minute = '00', second = '00'] = us;
    return utcDate(+year, +month, +day, +hour, +minute, +second);
  }
  return null;
}

/** Writes a date the way the vendor's `*DateStr` fields carry it, to the second, in UTC. */
export function formatDateStr(date: Date, format: DateFormat): string {
  if (format === 'iso') return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** Date.UTC silently rolls 02/30 over to March; a round trip rejects it instead. */
function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | null {
  if (hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

const dateStr = z
  .string()
  .refine((value) => value.trim() === '' || parseDateStr(value) !== null, { message: 'must be a date' })
  .nullish();

/** One audience member as the listing answers it. Extra fields are dropped. */
export const audienceMemberSchema = z.object({
  id: wireId,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  mobileNumber: z.union([z.string(), z.number()]).nullish(),
  country: z.string(),
  state: z.string().nullish(),
  active: z.boolean(),
  smsSubscription: z.boolean(),
  emailSubscription: z.boolean(),
  createdDateStr: dateStr,
  lastModifiedDateStr: dateStr,
  lastActiveDateStr: dateStr,
});
export type WireMember = z.infer<typeof audienceMemberSchema>;

/** Answer of `GET /api/v1/audience`. */
export const audienceListSchema = z.object({
  total: z.number().int().nonnegative(),
  audience: z.array(audienceMemberSchema),
});
export type AudienceList = z.infer<typeof audienceListSchema>;

/** A member exactly as the simulator writes it into the listing. */
export interface AudienceMemberResponse {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  mobileNumber: string | null;
  country: string;
  state: string | null;
  active: boolean;
  smsSubscription: boolean;
  emailSubscription: boolean;
  createdDateStr: string;
  lastModifiedDateStr: string;
  lastActiveDateStr: string | null;
}

/** The create body as the client writes it. */
export interface CreateMemberRequest {
  firstName: string;
  lastName: string;
  country: string;
  email: string;
  state?: string;
  mobileNumber?: string | number;
  smsSubscription?: boolean;
  voiceSubscription?: boolean;
  emailSubscription?: boolean;
  lastActiveDate?: string;
}

/**
 * The create body as the vendor accepts it: only known attributes, each of its documented type or
 * null. Which attributes must have a value is checked afterwards, by {@link createProblems}, because
 * the vendor answers a different message for a missing value than for a wrong one.
 */
export const createMemberRequestSchema = z.strictObject({
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  country: z.string().nullish(),
  email: z.string().nullish(),
  state: z.string().nullish(),
  mobileNumber: z.union([z.string(), z.number()]).nullish(),
  smsSubscription: z.boolean().nullish(),
  voiceSubscription: z.boolean().nullish(),
  emailSubscription: z.boolean().nullish(),
  lastActiveDate: z
    .string()
    .refine((value) => value.trim() === '' || parseDateStr(value) !== null)
    .nullish(),
});

/** A create body that passed every rule, with absent values as undefined and the number as digits. */
export interface CreateMemberCommand {
  firstName: string;
  lastName: string;
  country: string;
  email: string;
  state?: string;
  mobileNumber?: string;
  smsSubscription?: boolean;
  voiceSubscription?: boolean;
  emailSubscription?: boolean;
  lastActiveDate?: Date;
}

/** Rules that differ between tenants of the vendor. */
export interface CreateRules {
  /** Country names (compared case-insensitively) for which `state` is mandatory. */
  usaCountryNames: readonly string[];
  /** Whether the tenant's reconciliation key is the mobile number, which makes it mandatory. */
  mobileNumberRequired: boolean;
}

export const DEFAULT_CREATE_RULES: CreateRules = { usaCountryNames: USA_COUNTRY_NAMES, mobileNumberRequired: false };

/** Whether this country, as given, is the USA. */
export function isUsaCountry(country: string, names: readonly string[] = USA_COUNTRY_NAMES): boolean {
  const normalized = country.trim().toLowerCase();
  return names.some((name) => name.toLowerCase() === normalized);
}

/** A country code and ten digits, as a string (optionally led by `+`) or a whole number. */
export function isValidMobileNumber(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && /^\d{11,13}$/.test(String(value));
  return typeof value === 'string' && MOBILE_NUMBER_PATTERN.test(value);
}

/** The digits of a valid mobile number: how the vendor stores and compares it. */
export function normalizeMobileNumber(value: string | number): string {
  return String(value).replace(/^\+/, '');
}

/**
 * Every reason the vendor would answer 400 to this create body (already parsed from JSON), in the
 * order it checks them: the first is what it answers. Duplicates are not included: only the vendor
 * knows its members.
 */
export function createProblems(body: unknown, rules: Partial<CreateRules> = {}): FieldProblem[] {
  return problemsOf(validateCreateMember(body, rules));
}

/** Validates a create body (already parsed from JSON) and returns it as a command. */
export function validateCreateMember(body: unknown, rules: Partial<CreateRules> = {}): Validation<CreateMemberCommand> {
  const { usaCountryNames, mobileNumberRequired } = { ...DEFAULT_CREATE_RULES, ...rules };
  const parsed = createMemberRequestSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, problems: problemsFromIssues(parsed.error.issues, INVALID_ATTRIBUTES_WORDING) };
  const request = parsed.data;
  const problems: FieldProblem[] = [];
  for (const attribute of MANDATORY_ATTRIBUTES) {
    if (isBlank(request[attribute])) problems.push(mandatoryProblem(attribute));
  }
  if (!isBlank(request.email) && !EMAIL_PATTERN.test(request.email!)) problems.push(mandatoryProblem('email'));
  if (!isBlank(request.country) && isUsaCountry(request.country!, usaCountryNames) && isBlank(request.state)) {
    problems.push(mandatoryProblem('state'));
  }
  const mobileNumber = request.mobileNumber === '' ? null : request.mobileNumber;
  if (mobileNumber === null || mobileNumber === undefined) {
    if (mobileNumberRequired) problems.push(mandatoryProblem('mobileNumber'));
  } else if (!isValidMobileNumber(mobileNumber)) {
    problems.push({ field: 'mobileNumber', message: messages.invalidMobileNumber });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      firstName: request.firstName!,
      lastName: request.lastName!,
      country: request.country!,
      email: request.email!,
      state: isBlank(request.state) ? undefined : request.state!,
      mobileNumber:
        mobileNumber === null || mobileNumber === undefined ? undefined : normalizeMobileNumber(mobileNumber),
      smsSubscription: request.smsSubscription ?? undefined,
      voiceSubscription: request.voiceSubscription ?? undefined,
      emailSubscription: request.emailSubscription ?? undefined,
      lastActiveDate: isBlank(request.lastActiveDate)
        ? undefined
        : (parseDateStr(request.lastActiveDate!) ?? undefined),
    },
  };
}

/** Media type of a Content-Type header, lower-cased, without parameters; undefined when absent. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

function mandatoryProblem(attribute: string): FieldProblem {
  return { field: attribute, message: messages.mandatory(attribute) };
}

/** The vendor names no attribute in this message; the problems do, for the gateway's callers. */
const INVALID_ATTRIBUTES_WORDING: ProblemWording = {
  unknownKey: () => messages.invalidAttributes,
  invalid: () => messages.invalidAttributes,
};
