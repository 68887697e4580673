/**
 * The one shape every vendor takes in the gateway. Each vendor's folder (`src/vendors/<vendor>/`)
 * implements it once: what the vendor can do, how its records read as a person's fields, how each
 * mutation is checked and written there, and how to find what a write left behind. The services,
 * loaders and resolvers loop over the registered adapters (`registry.ts`) and never ask which
 * vendor they are talking to. What an adapter is built from (its base class with the defaults, and
 * the helpers of its plans and steps) is in adapter-base.ts.
 */
import type {
  ChangePasswordCommand,
  CreateUserCommand,
  PermissionsChange,
  Problem,
  ProfileField,
  UpdatableField,
  UpdateUserCommand,
} from '../../domain/commands';
import type { Permissions, Source, Subscriptions } from '../../domain/types';
import type { VendorError } from '../transport/errors';
import type { VendorHealth } from '../transport/http';
import type { CircuitState } from '../transport/observer';

/** A person's readable fields, as one vendor's record (or what was last seen of it) tells them. */
export interface UserView {
  phone?: string | null;
  username?: string | null;
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  country?: string | null;
  state?: string | null;
  locale?: string | null;
  active?: boolean | null;
  lastActiveAt?: Date | null;
  subscriptions?: Subscriptions | null;
  permissions?: Permissions | null;
  accountId?: string | null;
}
export type ViewField = keyof UserView;

/** Non-secret values remembered from a vendor record, for vendors (or fields) that cannot be read back. */
export type RememberedValues = Record<string, string | number | boolean | null>;

/** One vendor record, read and mapped: who it is, and the fields it gives. */
export interface VendorRecord {
  source: Source;
  externalId: string;
  /** The email address the vendor holds, as it holds it. */
  email: string | null;
  phone: string | null;
  /** The vendor's user name, where it has one. */
  username: string | null;
  view: UserView;
  /** What to remember of it (never a secret). */
  remember: RememberedValues;
}

export interface AdapterCapabilities {
  /** Can create a person. */
  create: boolean;
  /** Keeps a password (changePassword writes it). */
  password: boolean;
  /** Holds permissions (setPermissions writes them). */
  permissions: boolean;
  /** Profile fields the vendor stores for a person. */
  holds: readonly ProfileField[];
  /** Of those, the ones it can change after creation. */
  updates: readonly UpdatableField[];
  /** Can read one record by id. */
  readOne: boolean;
  /** Can list every record it holds, page by page. */
  list: boolean;
  /** Can look a person up by email address. */
  findByEmail: boolean;
  /** Groups people into accounts and lists an account's members. */
  accounts: boolean;
}

/** Which vendor answers a field first: `primary` before any `fallback`. */
export type FieldPriority = 'primary' | 'fallback';

/**
 * The vendor record of a person a command is about: its id and what the gateway knows it holds.
 * The services pass it; adapters never read the gateway's database themselves.
 */
export interface LinkedRecord {
  externalId: string;
  email: string | null;
}

/** What the gateway's own database answers during a pre-flight check. */
export interface GatewayLookups {
  /** The gateway user holding this user name at this vendor, or null. */
  usernameOwner(source: Source, username: string): Promise<string | null>;
  /**
   * For a vendor whose records the gateway mirrors (it can list them but not read one): the ids of
   * the mirrored records holding this email address or this mobile number, as of the mirror's last
   * refresh. What the vendor gained since then it still refuses itself, as a conflict.
   */
  mirroredHolders(
    source: Source,
    keys: { email: string | null; phone: string | null },
  ): Promise<{ email: string[]; phone: string[] }>;
}

/** One vendor write: the call, and for a create how to find and undo what it made. */
export interface WriteStep {
  source: Source;
  action: 'create' | 'update' | 'password' | 'permissions' | 'delete';
  /**
   * Performs the write and returns the vendor's id of the record. `resuming` is true when an
   * earlier attempt may already have done it (a crash mid-call).
   */
  run(resuming: boolean): Promise<string>;
  /**
   * After a create whose answer never came (a timeout, a dropped connection): the id of the record
   * it may have made, if that record is this person's, or null when there is none.
   */
  findCreated?(): Promise<string | null>;
  /** Deletes what a successful create made (rollback); only for creates. */
  undo?(externalId: string): Promise<void>;
  /**
   * The id the record of a create will have, for a vendor that takes it from the input (RainMaker's
   * user name): with it the gateway's recovery can remove what a create may have made when the
   * create's outcome cannot be looked up (no `findCreated`: it would need a secret the gateway
   * never keeps).
   */
  knownId?: string;
}

/** An adapter's answer to "what would you do for this command?". */
export type StepPlan =
  | { kind: 'write'; step: WriteStep; problems: Problem[] }
  | { kind: 'skip'; code: 'NOT_SUPPORTED' | 'VENDOR_NOT_CONFIGURED' | 'NO_RECORD'; message: string };

/** A page of a vendor listing, in the adapter's vendor-neutral records. */
export interface RecordPage {
  records: VendorRecord[];
  /** Where the next page starts; null after the last. */
  next: string | null;
  total: number | null;
  /**
   * The walk, up to this page, may have passed over records: the listing moved under it (an
   * offset-paged listing lost records before where the walk had read to). Such a walk cannot tell
   * which records are gone.
   */
  passedOver?: boolean;
}

/**
 * Per-request helpers a batch read gets: a memo so one request never repeats a call, and a way to
 * hand over records it saw besides the ones asked for (a listing walk sees many).
 */
export interface ReadScope {
  memo<T>(key: string, call: () => Promise<T>): Promise<T>;
  seen(record: VendorRecord): void;
}

export interface Health {
  /** The vendor answered a probe just now without a server failure (a 5xx or 429 is no answer); false while its breaker is open. */
  reachable: boolean;
  latencyMs: number | null;
  lastError: VendorHealth['lastError'];
  lastSuccessAt: Date | null;
  /** The vendor's circuit breaker. */
  circuit: CircuitState;
  /** Whether the vendor refuses the gateway's credentials now (a 401 or 403; its calls are refused until a trial is accepted). */
  authRejected: boolean;
}

export interface VendorAdapter {
  readonly source: Source;
  /** For messages: "GreenArrow", "Engagement". */
  readonly displayName: string;
  readonly capabilities: AdapterCapabilities;
  /** The person's fields this vendor answers, and in which order against other vendors. */
  readonly fields: Partial<Record<ViewField, FieldPriority>>;
  /** Fields whose value needs what was remembered even when the record is read (a write-only flag). */
  readonly remembers: readonly ViewField[];

  /** The fields a record (null when it could not be read) gives, completed from what was remembered. */
  view(record: VendorRecord | null, remembered: RememberedValues | null): UserView;

  /** Records by id, in key order: a record, or an Error per id (VENDOR_NOT_FOUND when missing). */
  readMany?(ids: readonly string[], scope: ReadScope): Promise<(VendorRecord | Error)[]>;
  /** One page of every record the vendor holds (capabilities.list). */
  listPage?(cursor: string | null): Promise<RecordPage>;
  /** The members of an account (capabilities.accounts); VENDOR_NOT_FOUND when there is no such account. */
  accountMembers?(accountId: string): Promise<VendorRecord[]>;
  /** The record holding this email address, ignoring case (capabilities.findByEmail); null when there is none. */
  findByEmail?(email: string): Promise<VendorRecord | null>;
  /**
   * For a vendor the gateway mirrors: the record a create made, as the vendor's listing will show
   * it, so the mirror holds it from the moment the create succeeds.
   */
  createdRecord?(command: CreateUserCommand, externalId: string): VendorRecord;

  /** Checks the vendor can answer with reads only, before any vendor is written. */
  preflightCreate?(command: CreateUserCommand, gateway: GatewayLookups): Promise<Problem[]>;
  preflightUpdate?(command: UpdateUserCommand, record: LinkedRecord, gateway: GatewayLookups): Promise<Problem[]>;
  preflightSetPermissions?(permissions: PermissionsChange): Promise<Problem[]>;

  planCreate(command: CreateUserCommand): StepPlan;
  /** What to remember of a person this vendor has just created, for fields it cannot read back. */
  rememberCreated?(command: CreateUserCommand): RememberedValues;
  planUpdate(command: UpdateUserCommand, record: LinkedRecord): StepPlan;
  planChangePassword(command: ChangePasswordCommand, record: LinkedRecord): StepPlan;
  planSetPermissions(permissions: PermissionsChange, record: LinkedRecord): StepPlan;
  planDelete(record: LinkedRecord): StepPlan;

  /** What a caller reads when this vendor refused or failed a write: a field path and our own words. */
  describeFailure(error: VendorError, action: WriteStep['action']): Problem;

  health(): Promise<Health>;
  close(): Promise<void>;
}
