/* eslint-disable */
// GENERATED FILE, DO NOT EDIT. Written by `npm run codegen` from operations/**/*.graphql
// against schema/schema.graphql (see codegen.yml); `npm run codegen:check` fails when it is stale.
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
};

/** A GreenArrow user's access to the API or the web UI. */
export type AccessLevel =
  /** Full editing privileges. */
  | 'FULL'
  /** No access. */
  | 'NONE'
  /** Read-only access. */
  | 'READ_ONLY'
  /** Statistics only. */
  | 'STATS_ONLY';

/** Why the sync left a vendor record unlinked instead of guessing. */
export type AmbiguityReason =
  /** Its email address (or, without a match by email, its mobile number) belongs to more than one person. */
  | 'MANY_PEOPLE'
  /** The one person it matches already has another record at the same vendor. */
  | 'SHARED_PERSON';

/** A new password for a user. */
export type ChangePasswordInput = {
  /** The gateway id of the user. */
  id: Scalars['ID']['input'];
  /** See CreateUserInput.idempotencyKey. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The new password. Write-only: never stored, logged or returned. */
  password: Scalars['String']['input'];
  /** Vendors to write; default RainMaker, GreenArrow and user-management where linked. */
  sources?: InputMaybe<Array<Source>>;
};

/** The state of the circuit breaker in front of one vendor. */
export type CircuitState =
  /** Calls go through; failures in a row are counted. */
  | 'CLOSED'
  /** One trial call is testing the vendor; others still fail at once. Its success closes the breaker, its failure opens it again. */
  | 'HALF_OPEN'
  /** The vendor failed too many times in a row (5xx, timeouts, broken connections): calls fail at once with VENDOR_UNAVAILABLE, without reaching it, until the half-open delay has passed. */
  | 'OPEN';

/** A new person, written to every targeted vendor at once. */
export type CreateUserInput = {
  /** The user's default user-management account (required there). */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Country (Engagement requires it). */
  country?: InputMaybe<Scalars['String']['input']>;
  /** User-management contact name; defaults to first and last name. */
  displayName?: InputMaybe<Scalars['String']['input']>;
  /** Email address: links the person across vendors. Email or phone is required on create. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** First name (Engagement requires it). */
  firstName?: InputMaybe<Scalars['String']['input']>;
  /** Makes the mutation safe to retry: a replay returns the recorded result and only finishes unfinished steps. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Last name (Engagement requires it). */
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** RainMaker locale for the user's emails and SMS; case-insensitive. */
  locale?: InputMaybe<Scalars['String']['input']>;
  /** What to do when some vendors fail; default ROLLBACK. */
  onPartialFailure?: InputMaybe<PartialFailurePolicy>;
  /** Password for RainMaker, GreenArrow and user-management. Write-only: never stored, logged or returned. */
  password?: InputMaybe<Scalars['String']['input']>;
  /** GreenArrow permissions. */
  permissions?: InputMaybe<PermissionsInput>;
  /** Mobile number, E.164 (+ and country code, then ten digits for Engagement). */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Vendors to write; default every configured vendor. */
  sources?: InputMaybe<Array<Source>>;
  /** State (Engagement requires it for the USA). */
  state?: InputMaybe<Scalars['String']['input']>;
  /** Engagement subscriptions. */
  subscriptions?: InputMaybe<SubscriptionsInput>;
  /** User-management username. */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** Removes a person from the vendors. */
export type DeleteUserInput = {
  /** The gateway id of the user. */
  id: Scalars['ID']['input'];
  /** See CreateUserInput.idempotencyKey. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Vendors to delete from; default every linked vendor. */
  sources?: InputMaybe<Array<Source>>;
};

/** A field the reconciliation compares between a person's vendor records. */
export type DriftField =
  /** Whether the record is active. */
  | 'ACTIVE'
  /** The email address, ignoring case. */
  | 'EMAIL'
  /** The name: a display name, or first and last name, compared ignoring case and repeated spaces. */
  | 'NAME';

/** State of the link between a gateway user and one vendor record. */
export type IdentityStatus =
  /** The vendor record exists and is linked. */
  | 'ACTIVE'
  /** The last write to the vendor failed; the record may not exist. */
  | 'FAILED'
  /** The vendor no longer has the record. */
  | 'ORPHANED'
  /** A write to the vendor is in progress or was interrupted. */
  | 'PENDING';

/** How a GreenArrow user may inject mail. */
export type InjectionPermission =
  /** By SMTP and by HTTP. */
  | 'ALL'
  /** By HTTP only. */
  | 'HTTP_ONLY'
  /** Not at all. */
  | 'NONE'
  /** By SMTP only. */
  | 'SMTP_ONLY';

/** How the sync reads a vendor. */
export type ListedBy =
  /** Account by account: the accounts in SYNC_ACCOUNT_IDS and those the gateway knows. */
  | 'ACCOUNTS'
  /** Its whole listing, page by page. */
  | 'LISTING'
  /** Not at all: the vendor cannot list its users, so it is never compared. */
  | 'NONE';

/** A GreenArrow mail class, by id or by name; both together must name the same class. */
export type MailClassInput = {
  /** GreenArrow's id of the mail class. */
  id?: InputMaybe<Scalars['ID']['input']>;
  /** Exact name of the mail class. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Narrows `operations`; every given condition must hold. */
export type OperationFilter = {
  /** Only this mutation, e.g. `deleteUser`. */
  mutation?: InputMaybe<Scalars['String']['input']>;
  /** Only operations about this gateway user (deleted users included). */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** Who brought a mutation to its end. */
export type OperationSettler =
  /** The gateway itself, after the mutation was interrupted and nobody replayed it: what may have landed was looked up at the vendors, then kept or rolled back as its policy says. */
  | 'RECOVERY'
  /** The request that asked for it, or a replay of its idempotency key. */
  | 'REQUEST';

/** How a mutation ended, as the journal recorded it. */
export type OperationState =
  /** Ran to the end; see `results` for what each vendor did (some may have failed). */
  | 'COMPLETED'
  /** Refused before any vendor was written; see `userErrors`. */
  | 'FAILED'
  /** Its gateway stopped in the middle; replaying its idempotency key finishes it, and the gateway settles it itself when it has no key or was not replayed within RECOVERY_REPLAY_WAIT_S. See `steps`. */
  | 'INTERRUPTED'
  /** Running now, in this or another gateway process. */
  | 'PENDING';

/** What a vendor call of a mutation did. */
export type OperationStepAction =
  /** Deleted a record this mutation had created, to roll it back. */
  | 'COMPENSATE'
  /** Created the record. */
  | 'CREATE'
  /** Deleted the record. */
  | 'DELETE'
  /** Changed the record (profile, password or permissions). */
  | 'UPDATE';

/** What one vendor call of a mutation came to. */
export type OperationStepState =
  /** Undone by a rollback. */
  | 'COMPENSATED'
  /** The vendor refused it or could not be reached; see `errorCode`. */
  | 'FAILED'
  /** Not sent. */
  | 'SKIPPED'
  /** Sent, with no answer recorded: it may or may not have landed. */
  | 'STARTED'
  /** The vendor accepted it. */
  | 'SUCCEEDED';

/** What createUser does with the vendors that succeeded when another failed. */
export type PartialFailurePolicy =
  /** Keep and link what was created; retry the failed vendors later. */
  | 'KEEP'
  /** Delete what was created, so the person exists nowhere (default). */
  | 'ROLLBACK';

/** GreenArrow permissions. On create, omitted levels default to NONE (least privilege). */
export type PermissionsInput = {
  /** Access to the GreenArrow API. */
  api?: InputMaybe<AccessLevel>;
  /** Disable the GreenArrow user. */
  disabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** How the user may inject mail. */
  injection?: InputMaybe<InjectionPermission>;
  /** Force a mail class; null clears it. */
  mailClass?: InputMaybe<MailClassInput>;
  /** Access to the GreenArrow web UI. */
  ui?: InputMaybe<AccessLevel>;
};

/** New GreenArrow permissions for a user; omitted fields keep their value. */
export type SetPermissionsInput = {
  /** The gateway id of the user. */
  id: Scalars['ID']['input'];
  /** See CreateUserInput.idempotencyKey. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The permissions to set. */
  permissions: PermissionsInput;
};

/** A vendor system the gateway federates. */
export type Source =
  /** Engagement Services (messaging audience: names, country, subscriptions). */
  | 'ENGAGEMENT'
  /** GreenArrow Engine (email engine users and their permissions). */
  | 'GREENARROW'
  /** ESP RainMaker cloud (IoT users; write-only: no read endpoint). */
  | 'RAINMAKER'
  /** The in-house user-management API (accounts, usernames, contact names). */
  | 'USER_MANAGEMENT';

/** What a mutation did at one vendor. */
export type SourceResultStatus =
  /** The vendor refused or could not be reached; see `error` and `retryable`. */
  | 'FAILED'
  /** The vendor accepted the write and the gateway undid it because another vendor failed. */
  | 'ROLLED_BACK'
  /** The vendor was not written: it cannot do this, or the user has no record there (see `error.message`). */
  | 'SKIPPED'
  /** The vendor accepted the write. */
  | 'SUCCEEDED';

/** The database a gateway instance keeps its identity links, mirror and operation journal in. */
export type StoreEngine =
  /** PostgreSQL (DATABASE_URL): shared by every replica pointed at the same database. */
  | 'POSTGRES'
  /** The embedded SQLite file (DATA_DIR): this process's own; one gateway process. */
  | 'SQLITE';

/** Engagement channel subscriptions to set; an omitted channel is false on create. */
export type SubscriptionsInput = {
  /** Email messages. */
  email?: InputMaybe<Scalars['Boolean']['input']>;
  /** SMS messages. */
  sms?: InputMaybe<Scalars['Boolean']['input']>;
  /** Voice messages. */
  voice?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a person; only the given fields change, at the vendors that can change them. A linked vendor that keeps a given field but cannot change it is reported SKIPPED (NOT_SUPPORTED) and keeps its value; the person is still found by it. */
export type UpdateUserInput = {
  /** The user's default user-management account. */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Activate or deactivate (user-management). */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** User-management contact name. */
  displayName?: InputMaybe<Scalars['String']['input']>;
  /** Email address (GreenArrow and user-management can change it; RainMaker and Engagement keep the old one). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** The gateway id of the user. */
  id: Scalars['ID']['input'];
  /** See CreateUserInput.idempotencyKey. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Vendors to write; default every linked vendor that keeps a given field. */
  sources?: InputMaybe<Array<Source>>;
  /** User-management username. */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** Narrows `users`; every given condition must hold. */
export type UserFilter = {
  /** Only users whose email contains this text (case-insensitive). */
  emailContains?: InputMaybe<Scalars['String']['input']>;
  /** Only users linked to a record in this vendor. */
  source?: InputMaybe<Source>;
};

export type AccountWithUsersQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type AccountWithUsersQuery = { account: { id: string, users: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, email: string | null, displayName: string | null, permissions: { api: AccessLevel, ui: AccessLevel, injection: InjectionPermission } | null, identities: Array<{ source: Source, externalId: string }> } }> } } | null };

export type UserSummaryFragment = { id: string, email: string | null, displayName: string | null };

export type UserDetailFieldsFragment = { username: string | null, firstName: string | null, lastName: string | null, phone: string | null, country: string | null, state: string | null, locale: string | null, active: boolean, lastActiveAt: string | null, id: string, email: string | null, displayName: string | null, account: { id: string } | null, permissions: { api: AccessLevel, ui: AccessLevel, injection: InjectionPermission, disabled: boolean, mailClass: { id: string, name: string } | null } | null, subscriptions: { email: boolean, sms: boolean, voice: boolean } | null, identities: Array<{ source: Source, externalId: string, status: IdentityStatus, linkedAt: string, syncedAt: string | null }> };

export type IdentityFieldsFragment = { source: Source, externalId: string, status: IdentityStatus, linkedAt: string, syncedAt: string | null };

export type PageInfoFieldsFragment = { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null };

type MutationOutcome_ChangePasswordPayload_Fragment = { replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> };

type MutationOutcome_CreateUserPayload_Fragment = { replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> };

type MutationOutcome_DeleteUserPayload_Fragment = { replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> };

type MutationOutcome_SetPermissionsPayload_Fragment = { replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> };

type MutationOutcome_UpdateUserPayload_Fragment = { replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> };

export type MutationOutcomeFragment =
  | MutationOutcome_ChangePasswordPayload_Fragment
  | MutationOutcome_CreateUserPayload_Fragment
  | MutationOutcome_DeleteUserPayload_Fragment
  | MutationOutcome_SetPermissionsPayload_Fragment
  | MutationOutcome_UpdateUserPayload_Fragment
;

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { createUser: { replayed: boolean, user: { id: string, email: string | null, displayName: string | null } | null, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> } };

export type SetPermissionsMutationVariables = Exact<{
  input: SetPermissionsInput;
}>;


export type SetPermissionsMutation = { setPermissions: { replayed: boolean, user: { id: string, permissions: { api: AccessLevel, ui: AccessLevel, injection: InjectionPermission, disabled: boolean, mailClass: { id: string, name: string } | null } | null } | null, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> } };

export type DeleteUserMutationVariables = Exact<{
  input: DeleteUserInput;
}>;


export type DeleteUserMutation = { deleteUser: { deletedUserId: string | null, replayed: boolean, results: Array<{ source: Source, status: SourceResultStatus, externalId: string | null, retryable: boolean, error: { code: string, message: string } | null }>, userErrors: Array<{ field: Array<string> | null, message: string, code: string, source: Source | null }> } };

export type SearchUsersQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  emailContains?: InputMaybe<Scalars['String']['input']>;
  source?: InputMaybe<Source>;
}>;


export type SearchUsersQuery = { users: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { active: boolean, id: string, email: string | null, displayName: string | null, identities: Array<{ source: Source }> } }> } };

export type SourceHealthQueryVariables = Exact<{ [key: string]: never; }>;


export type SourceHealthQuery = { sources: Array<{ source: Source, configured: boolean, reachable: boolean, latencyMs: number | null, lastSuccessAt: string | null, circuit: CircuitState | null, storeEngine: StoreEngine, lastError: { code: string, message: string, at: string } | null }> };

export type UserDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type UserDetailQuery = { user: { username: string | null, firstName: string | null, lastName: string | null, phone: string | null, country: string | null, state: string | null, locale: string | null, active: boolean, lastActiveAt: string | null, id: string, email: string | null, displayName: string | null, account: { id: string } | null, permissions: { api: AccessLevel, ui: AccessLevel, injection: InjectionPermission, disabled: boolean, mailClass: { id: string, name: string } | null } | null, subscriptions: { email: boolean, sms: boolean, voice: boolean } | null, identities: Array<{ source: Source, externalId: string, status: IdentityStatus, linkedAt: string, syncedAt: string | null }> } | null };

export type UserByEmailQueryVariables = Exact<{
  email: Scalars['String']['input'];
}>;


export type UserByEmailQuery = { user: { username: string | null, firstName: string | null, lastName: string | null, phone: string | null, country: string | null, state: string | null, locale: string | null, active: boolean, lastActiveAt: string | null, id: string, email: string | null, displayName: string | null, account: { id: string } | null, permissions: { api: AccessLevel, ui: AccessLevel, injection: InjectionPermission, disabled: boolean, mailClass: { id: string, name: string } | null } | null, subscriptions: { email: boolean, sms: boolean, voice: boolean } | null, identities: Array<{ source: Source, externalId: string, status: IdentityStatus, linkedAt: string, syncedAt: string | null }> } | null };

export const UserSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]} as unknown as DocumentNode<UserSummaryFragment, unknown>;
export const IdentityFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"syncedAt"}}]}}]} as unknown as DocumentNode<IdentityFieldsFragment, unknown>;
export const UserDetailFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"locale"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"ui"}},{"kind":"Field","name":{"kind":"Name","value":"injection"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"mailClass"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"sms"}},{"kind":"Field","name":{"kind":"Name","value":"voice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"syncedAt"}}]}}]} as unknown as DocumentNode<UserDetailFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]} as unknown as DocumentNode<PageInfoFieldsFragment, unknown>;
export const MutationOutcomeFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutationOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MutationPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]} as unknown as DocumentNode<MutationOutcomeFragment, unknown>;
export const AccountWithUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountWithUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PageInfoFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"ui"}},{"kind":"Field","name":{"kind":"Name","value":"injection"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}}]}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]} as unknown as DocumentNode<AccountWithUsersQuery, AccountWithUsersQueryVariables>;
export const CreateUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutationOutcome"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutationOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MutationPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]} as unknown as DocumentNode<CreateUserMutation, CreateUserMutationVariables>;
export const SetPermissionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetPermissions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetPermissionsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPermissions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"ui"}},{"kind":"Field","name":{"kind":"Name","value":"injection"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"mailClass"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutationOutcome"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutationOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MutationPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]} as unknown as DocumentNode<SetPermissionsMutation, SetPermissionsMutationVariables>;
export const DeleteUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedUserId"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutationOutcome"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutationOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MutationPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]} as unknown as DocumentNode<DeleteUserMutation, DeleteUserMutationVariables>;
export const SearchUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emailContains"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"source"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Source"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"emailContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emailContains"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"source"},"value":{"kind":"Variable","name":{"kind":"Name","value":"source"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PageInfoFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]} as unknown as DocumentNode<SearchUsersQuery, SearchUsersQueryVariables>;
export const SourceHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SourceHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"configured"}},{"kind":"Field","name":{"kind":"Name","value":"reachable"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"circuit"}},{"kind":"Field","name":{"kind":"Name","value":"storeEngine"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}}]} as unknown as DocumentNode<SourceHealthQuery, SourceHealthQueryVariables>;
export const UserDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserDetailFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"syncedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"locale"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"ui"}},{"kind":"Field","name":{"kind":"Name","value":"injection"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"mailClass"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"sms"}},{"kind":"Field","name":{"kind":"Name","value":"voice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityFields"}}]}}]}}]} as unknown as DocumentNode<UserDetailQuery, UserDetailQueryVariables>;
export const UserByEmailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserByEmail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserDetailFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"syncedAt"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserDetailFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserSummary"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"locale"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"ui"}},{"kind":"Field","name":{"kind":"Name","value":"injection"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"mailClass"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"sms"}},{"kind":"Field","name":{"kind":"Name","value":"voice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityFields"}}]}}]}}]} as unknown as DocumentNode<UserByEmailQuery, UserByEmailQueryVariables>;