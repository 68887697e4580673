import {
  ID_PATTERN,
  addUserProblems,
  modifyUserProblems,
  type AddUserRequest,
  type ModifyUserRequest,
  type WireUser,
} from './contract';
import { renameField, type FieldProblem } from '../kit/validation';
import type { ManagedUser, ManagedUserCreateInput, ManagedUserUpdateInput } from './types';

/** Wire field → domain field, so problems found on a wire body can name what the caller sent. */
const DOMAIN_FIELDS: Readonly<Record<string, string>> = {
  contactName: 'displayName',
  emailAddress: 'email',
  defaultAccountId: 'accountId',
  username: 'username',
  password: 'password',
  active: 'active',
};

/** Reads the API's user into the domain; ids become strings, the 0/1 flag a boolean. */
export function fromWireUser(user: WireUser): ManagedUser {
  return {
    externalId: String(user.id),
    displayName: user.contactName,
    email: user.emailAddress,
    accountId: String(user.defaultAccountId),
    username: user.username,
    active: fromWireActive(user.active),
  };
}

/** The API writes `active` as 0/1; its examples also send "0"/"1", and booleans cost nothing to accept. */
export function fromWireActive(active: WireUser['active']): boolean {
  return active === true || active === 1 || active === '1';
}

export function toWireActive(active: boolean): 0 | 1 {
  return active ? 1 : 0;
}

/**
 * The add body for a domain input. A non-numeric account id is passed through unchanged so that
 * validation reports it instead of it turning silently into NaN.
 */
export function toAddUserRequest(input: ManagedUserCreateInput): AddUserRequest {
  const request: AddUserRequest = {
    contactName: input.displayName,
    emailAddress: input.email,
    defaultAccountId: toWireAccountId(input.accountId),
    username: input.username,
    password: input.password,
  };
  if (input.active !== undefined) request.active = toWireActive(input.active);
  return request;
}

/** The modify body for a partial domain input: only the fields given, so the rest stay unchanged. */
export function toModifyUserRequest(input: ManagedUserUpdateInput): ModifyUserRequest {
  const request: ModifyUserRequest = {};
  if (input.displayName !== undefined) request.contactName = input.displayName;
  if (input.email !== undefined) request.emailAddress = input.email;
  if (input.accountId !== undefined) request.defaultAccountId = toWireAccountId(input.accountId);
  if (input.username !== undefined) request.username = input.username;
  if (input.password !== undefined) request.password = input.password;
  if (input.active !== undefined) request.active = toWireActive(input.active);
  return request;
}

/** The domain name of a wire field (unknown names are returned as they are). */
export function domainFieldOf(wireField: string): string {
  return DOMAIN_FIELDS[wireField] ?? wireField;
}

/**
 * What the API would reject in this create input, with domain field names: the gateway's
 * validate-first step runs this before any vendor is called. Account existence and duplicates can
 * only be checked by the API itself.
 */
export function createInputProblems(input: ManagedUserCreateInput): FieldProblem[] {
  return addUserProblems(toAddUserRequest(input)).map((problem) => renameField(problem, domainFieldOf));
}

/** Like {@link createInputProblems}, for an update. */
export function updateInputProblems(input: ManagedUserUpdateInput): FieldProblem[] {
  return modifyUserProblems(toModifyUserRequest(input)).map((problem) => renameField(problem, domainFieldOf));
}

function toWireAccountId(accountId: string): number | string {
  return typeof accountId === 'string' && ID_PATTERN.test(accountId) ? Number(accountId) : accountId;
}
