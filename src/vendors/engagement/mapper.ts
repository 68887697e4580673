import {
  createProblems,
  formatDateStr,
  parseDateStr,
  type CreateMemberRequest,
  type CreateRules,
  type WireMember,
} from './contract';
import { renameField, type FieldProblem } from '../kit/validation';
import type { EngagementCreateInput, EngagementMember } from './types';

/** Wire attribute → domain field, so problems found on a wire body can name what the caller sent. */
const DOMAIN_FIELDS: Readonly<Record<string, string>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  country: 'country',
  email: 'email',
  state: 'state',
  mobileNumber: 'phone',
  smsSubscription: 'subscriptions.sms',
  voiceSubscription: 'subscriptions.voice',
  emailSubscription: 'subscriptions.email',
  lastActiveDate: 'lastActiveAt',
};

/**
 * Reads a listed member into the domain. Empty strings mean absent, as in the vendor's own sample;
 * the mobile number becomes E.164 (`+` and digits); the listing has no voice flag, so it is null.
 */
export function fromWireMember(member: WireMember): EngagementMember {
  return {
    externalId: String(member.id),
    firstName: member.firstName,
    lastName: member.lastName,
    email: member.email,
    phone: fromWireMobileNumber(member.mobileNumber),
    country: member.country,
    state: emptyToNull(member.state),
    active: member.active,
    subscriptions: { email: member.emailSubscription, sms: member.smsSubscription, voice: null },
    createdAt: fromWireDate(member.createdDateStr),
    updatedAt: fromWireDate(member.lastModifiedDateStr),
    lastActiveAt: fromWireDate(member.lastActiveDateStr),
  };
}

/** The vendor stores digits (its type is a long); the domain speaks E.164. */
export function fromWireMobileNumber(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (text === '') return null;
  return text.startsWith('+') ? text : `+${text}`;
}

/** The vendor's sample sends "" for a value not given; the domain says null. */
export function emptyToNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

/** A `*DateStr` value as a Date; null when absent or empty (the contract already rejected garbage). */
export function fromWireDate(value: string | null | undefined): Date | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return parseDateStr(value);
}

/**
 * The create body for a domain input: only the attributes given, so the vendor applies its own
 * defaults. A voice flag of null (unknown) is left out; an empty phone is left out too, since the
 * vendor reads "" as absent anyway.
 */
export function toCreateRequest(input: EngagementCreateInput): CreateMemberRequest {
  const request: CreateMemberRequest = {
    firstName: input.firstName,
    lastName: input.lastName,
    country: input.country,
    email: input.email,
  };
  if (input.state !== undefined) request.state = input.state;
  if (input.phone !== undefined && input.phone !== '') request.mobileNumber = input.phone;
  const subscriptions = input.subscriptions ?? {};
  if (typeof subscriptions.sms === 'boolean') request.smsSubscription = subscriptions.sms;
  if (typeof subscriptions.voice === 'boolean') request.voiceSubscription = subscriptions.voice;
  if (typeof subscriptions.email === 'boolean') request.emailSubscription = subscriptions.email;
  if (input.lastActiveAt !== undefined) request.lastActiveDate = toWireDate(input.lastActiveAt);
  return request;
}

/** An invalid Date becomes a string the vendor rejects, so validation reports it instead of a throw. */
export function toWireDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : formatDateStr(date, 'iso');
}

/** The domain name of a wire attribute (unknown names are returned as they are). */
export function domainFieldOf(wireField: string): string {
  return DOMAIN_FIELDS[wireField] ?? wireField;
}

/**
 * What the vendor would reject in this create input, with domain field names and the vendor's own
 * messages: the gateway's validate-first step runs this before any vendor is called. Duplicates can
 * only be checked by the vendor itself.
 */
export function createInputProblems(input: EngagementCreateInput, rules: Partial<CreateRules> = {}): FieldProblem[] {
  return createProblems(toCreateRequest(input), rules).map((problem) => renameField(problem, domainFieldOf));
}

/**
 * The id of the member that already holds the email address or mobile number: the error body's
 * `id`, else the first number in the message, else undefined.
 */
export function existingIdFrom(body: { message: string; id?: string | number } | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (body.id !== undefined && String(body.id).trim() !== '') return String(body.id).trim();
  return /\d+/.exec(body.message)?.[0];
}
