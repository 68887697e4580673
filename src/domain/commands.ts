/**
 * What the services take and return: the five mutations as domain commands and their outcomes.
 * Resolvers translate GraphQL inputs into these and the outcomes back; nothing here knows GraphQL
 * or any vendor.
 */
import type { AccessLevel, InjectionPermission, Source, Subscriptions } from './types';

/** Profile fields a person has across the vendors; which vendor holds which is the adapters' business. */
export const PROFILE_FIELDS = [
  'email',
  'phone',
  'username',
  'displayName',
  'firstName',
  'lastName',
  'country',
  'state',
  'locale',
  'accountId',
  'active',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface Profile {
  email?: string;
  phone?: string;
  username?: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  state?: string;
  locale?: string;
  accountId?: string;
  active?: boolean;
}

/** A mail class named on write, by id, by name, or both (which must then name the same class). */
export interface MailClassChoice {
  id?: string;
  name?: string;
}

export interface PermissionsChange {
  injection?: InjectionPermission;
  api?: AccessLevel;
  ui?: AccessLevel;
  disabled?: boolean;
  /** `null` clears a forced mail class. */
  mailClass?: MailClassChoice | null;
}

export type PartialFailurePolicy = 'ROLLBACK' | 'KEEP';

interface Keyed {
  /** Makes the command safe to repeat: a replay returns the recorded outcome. */
  idempotencyKey?: string;
}

export interface CreateUserCommand extends Profile, Keyed {
  password?: string;
  subscriptions?: Partial<Subscriptions>;
  permissions?: PermissionsChange;
  /** The vendors to write; undefined means every configured vendor that can create. */
  sources?: readonly Source[];
  onPartialFailure: PartialFailurePolicy;
}

/** Profile fields a vendor can change after creation (the others are fixed at create time). */
export const UPDATABLE_FIELDS = ['email', 'username', 'displayName', 'accountId', 'active'] as const;
export type UpdatableField = (typeof UPDATABLE_FIELDS)[number];

export interface UpdateUserCommand extends Keyed {
  id: string;
  changes: Pick<Profile, UpdatableField>;
  sources?: readonly Source[];
}

export interface ChangePasswordCommand extends Keyed {
  id: string;
  password: string;
  sources?: readonly Source[];
}

export interface SetPermissionsCommand extends Keyed {
  id: string;
  permissions: PermissionsChange;
}

export interface DeleteUserCommand extends Keyed {
  id: string;
  sources?: readonly Source[];
}

export type MutationName = 'createUser' | 'updateUser' | 'changePassword' | 'setPermissions' | 'deleteUser';

/**
 * A problem with a command or at a vendor, as the caller sees it. `field` is a path into the
 * command's input (`['input', 'email']`), null when no one field is at fault. Messages are written
 * by the gateway, never copied from a vendor.
 */
export interface Problem {
  field: string[] | null;
  message: string;
  code: string;
  source: Source | null;
}

export type ResultStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'ROLLED_BACK';

/** What one mutation did at one vendor. */
export interface SourceOutcome {
  source: Source;
  status: ResultStatus;
  externalId: string | null;
  error: Problem | null;
  retryable: boolean;
}

/** What a mutation answers, before the user is resolved; this is also what the journal records. */
export interface RecordedOutcome {
  userId: string | null;
  results: SourceOutcome[];
  userErrors: Problem[];
}

export interface MutationOutcome extends RecordedOutcome {
  /** Whether this answer was recorded by an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** A problem with one input field; `field` is relative to the input object. */
export function inputProblem(
  field: string[],
  message: string,
  source: Source | null = null,
  code = 'INVALID_INPUT',
): Problem {
  return { field: ['input', ...field], message, code, source };
}
