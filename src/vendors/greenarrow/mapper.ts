import type { AccessLevel, InjectionPermission, MailClass, MailClassRef, Permissions } from '../../domain/types';
import {
  ID_PATTERN,
  userProblems,
  type CreateUserRequest,
  type UpdateUserRequest,
  type WireAccess,
  type WireInjection,
  type WireMailClass,
  type WireMailClassRef,
  type WireUser,
} from './contract';
import { renameField, type FieldProblem } from '../kit/validation';
import type { GreenArrowCreateInput, GreenArrowUpdateInput, GreenArrowUser } from './types';

const INJECTION_FROM_WIRE: Readonly<Record<WireInjection, InjectionPermission>> = {
  yes: 'ALL',
  'smtp-only': 'SMTP_ONLY',
  'http-only': 'HTTP_ONLY',
  no: 'NONE',
};

const ACCESS_FROM_WIRE: Readonly<Record<WireAccess, AccessLevel>> = {
  yes: 'FULL',
  'read-only': 'READ_ONLY',
  'stats-only': 'STATS_ONLY',
  no: 'NONE',
};

const INJECTION_TO_WIRE = invert(INJECTION_FROM_WIRE);
const ACCESS_TO_WIRE = invert(ACCESS_FROM_WIRE);

/** Wire path (inside `user`) → domain path, so problems found on a wire body name what the caller sent. */
const DOMAIN_FIELDS: Readonly<Record<string, string>> = {
  email: 'email',
  password: 'password',
  permissions: 'permissions',
  'permissions.injection': 'permissions.injection',
  'permissions.api': 'permissions.api',
  'permissions.ui': 'permissions.ui',
  is_disabled: 'permissions.disabled',
  force_mail_class: 'permissions.mailClass',
  'force_mail_class.id': 'permissions.mailClass.id',
  'force_mail_class.name': 'permissions.mailClass.name',
};

export function fromWireInjection(value: WireInjection): InjectionPermission {
  return INJECTION_FROM_WIRE[value];
}

export function fromWireAccess(value: WireAccess): AccessLevel {
  return ACCESS_FROM_WIRE[value];
}

/**
 * The wire value of a domain permission. A value outside the enum (an untyped caller) is passed
 * through unchanged so that validation reports it instead of it silently becoming "required".
 */
export function toWireInjection(value: InjectionPermission): WireInjection {
  return INJECTION_TO_WIRE[value] ?? (value as unknown as WireInjection);
}

/** Like {@link toWireInjection}, for the API and UI access levels. */
export function toWireAccess(value: AccessLevel): WireAccess {
  return ACCESS_TO_WIRE[value] ?? (value as unknown as WireAccess);
}

export function fromWireMailClass(mailClass: WireMailClass): MailClass;
export function fromWireMailClass(mailClass: WireMailClass | null): MailClass | null;
export function fromWireMailClass(mailClass: WireMailClass | null): MailClass | null {
  return mailClass === null ? null : { id: String(mailClass.id), name: mailClass.name };
}

/**
 * A domain mail class reference on write. Ids are sent as integers, like the vendor's own data; a
 * non-numeric id is passed through so that validation reports it.
 */
export function toWireMailClassRef(ref: MailClassRef): WireMailClassRef | null {
  if (ref === null) return null;
  if ('id' in ref) return { id: typeof ref.id === 'string' && ID_PATTERN.test(ref.id) ? Number(ref.id) : ref.id };
  return { name: ref.name };
}

/** Reads the API's user into the domain; the integer id becomes the string `externalId`. */
export function fromWireUser(user: WireUser): GreenArrowUser {
  const permissions: Permissions = {
    injection: fromWireInjection(user.permissions.injection),
    api: fromWireAccess(user.permissions.api),
    ui: fromWireAccess(user.permissions.ui),
    disabled: user.is_disabled,
    mailClass: fromWireMailClass(user.force_mail_class),
  };
  return { externalId: String(user.id), email: user.email, permissions };
}

/** The create body for a domain input. */
export function toCreateUserRequest(input: GreenArrowCreateInput): CreateUserRequest {
  // An untyped caller may leave out permissions; the missing values then reach validation as absent.
  const permissions: Partial<GreenArrowCreateInput['permissions']> = input.permissions ?? {};
  const user: CreateUserRequest['user'] = {
    email: input.email,
    password: input.password,
    permissions: {
      injection: toWireInjection(permissions.injection as InjectionPermission),
      api: toWireAccess(permissions.api as AccessLevel),
      ui: toWireAccess(permissions.ui as AccessLevel),
    },
  };
  if (permissions.disabled !== undefined) user.is_disabled = permissions.disabled;
  if (permissions.mailClass !== undefined) user.force_mail_class = toWireMailClassRef(permissions.mailClass);
  return { user };
}

/** The update body for a partial domain input: only the attributes given, so the rest stay unchanged. */
export function toUpdateUserRequest(input: GreenArrowUpdateInput): UpdateUserRequest {
  const user: UpdateUserRequest['user'] = {};
  if (input.email !== undefined) user.email = input.email;
  if (input.password !== undefined) user.password = input.password;
  const permissions = input.permissions;
  if (permissions !== undefined) {
    const wire: NonNullable<UpdateUserRequest['user']['permissions']> = {};
    if (permissions.injection !== undefined) wire.injection = toWireInjection(permissions.injection);
    if (permissions.api !== undefined) wire.api = toWireAccess(permissions.api);
    if (permissions.ui !== undefined) wire.ui = toWireAccess(permissions.ui);
    if (Object.keys(wire).length > 0) user.permissions = wire;
    if (permissions.disabled !== undefined) user.is_disabled = permissions.disabled;
    if (permissions.mailClass !== undefined) user.force_mail_class = toWireMailClassRef(permissions.mailClass);
  }
  return { user };
}

/** The domain path of a wire field (unknown names are returned as they are). */
export function domainFieldOf(wireField: string): string {
  return DOMAIN_FIELDS[wireField] ?? wireField;
}

/**
 * What the API would reject in this create input, with domain field names: the gateway's
 * validate-first step runs this before any vendor is called. With `mailClasses`, a mail class
 * reference must name one of them. Duplicate emails can only be checked by the API itself.
 */
export function createInputProblems(
  input: GreenArrowCreateInput,
  mailClasses?: readonly WireMailClass[],
): FieldProblem[] {
  return userProblems(toCreateUserRequest(input).user, { creating: true, mailClasses }).map((problem) =>
    renameField(problem, domainFieldOf),
  );
}

/** Like {@link createInputProblems}, for an update. */
export function updateInputProblems(
  input: GreenArrowUpdateInput,
  mailClasses?: readonly WireMailClass[],
): FieldProblem[] {
  return userProblems(toUpdateUserRequest(input).user, { creating: false, mailClasses }).map((problem) =>
    renameField(problem, domainFieldOf),
  );
}

function invert<K extends string, V extends string>(table: Readonly<Record<K, V>>): Readonly<Record<V, K>> {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [value, key])) as Record<V, K>;
}
