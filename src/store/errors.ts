import type { Source } from '../domain/types';

/** Stable codes of the store's failures; services map them to `userErrors` or GraphQL errors. */
export type StoreErrorCode =
  | 'DATABASE_ERROR'
  | 'CONSTRAINT_VIOLATION'
  | 'SCHEMA_TOO_NEW'
  | 'DATABASE_CLOSED'
  | 'STORE_UNAVAILABLE'
  | 'USER_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'IDENTITY_LINKED_ELSEWHERE'
  | 'OPERATION_NOT_FOUND'
  | 'OPERATION_NOT_PENDING';

/**
 * Every failure the store reports on purpose is one of these. Messages name ids and states, never
 * a profile value, a payload or an input.
 */
export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database engine failed a statement (bad SQL, missing table, I/O); `driverCode` is the engine's code. */
export class DatabaseError extends StoreError {
  readonly code: StoreErrorCode = 'DATABASE_ERROR';
  readonly driverCode: string;

  constructor(driverCode: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.driverCode = driverCode;
  }
}

export type ConstraintKind = 'UNIQUE' | 'FOREIGN_KEY' | 'CHECK' | 'NOT_NULL';

/** The database refused a write because of a constraint; drivers' own codes are mapped to `kind`. */
export class ConstraintViolationError extends DatabaseError {
  override readonly code = 'CONSTRAINT_VIOLATION';
  readonly kind: ConstraintKind;

  constructor(kind: ConstraintKind, driverCode: string, message: string, options?: { cause?: unknown }) {
    super(driverCode, message, options);
    this.kind = kind;
  }
}

/** The database was migrated by a newer gateway; running older code against it could corrupt it. */
export class SchemaTooNewError extends StoreError {
  readonly code = 'SCHEMA_TOO_NEW';
  readonly databaseVersion: number;
  readonly codeVersion: number;

  constructor(databaseVersion: number, codeVersion: number) {
    super(
      `the database schema is at version ${databaseVersion} but this gateway only knows versions up to ` +
        `${codeVersion}: run a gateway at least as new as the one that migrated the database, or point it at another database`,
    );
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
  }
}

/** A statement was sent after `close()`. */
export class DatabaseClosedError extends StoreError {
  readonly code = 'DATABASE_CLOSED';

  constructor() {
    super('the database is closed');
  }
}

/**
 * The database could not be reached or did not answer in time: the connection was refused or lost,
 * no connection was free within the connect timeout, or a statement ran past the statement timeout.
 * Nothing is known to be wrong with the data, and the same call may succeed shortly. `reason` is a
 * few words fit for a log line; it never holds the connection's credentials.
 */
export class StoreUnavailableError extends StoreError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryable = true;
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`the database is unavailable: ${reason}`, options);
    this.reason = reason;
  }
}

export class UserNotFoundError extends StoreError {
  readonly code = 'USER_NOT_FOUND';
  readonly userId: string;

  constructor(userId: string) {
    super(`no user with id ${userId}`);
    this.userId = userId;
  }
}

/** Another user already has this email address; emails are unique across users. */
export class EmailTakenError extends StoreError {
  readonly code = 'EMAIL_TAKEN';
  readonly existingUserId: string | null;

  constructor(existingUserId: string | null) {
    super(
      existingUserId === null
        ? 'the email address belongs to another user'
        : `the email address belongs to user ${existingUserId}`,
    );
    this.existingUserId = existingUserId;
  }
}

/** A vendor record is already linked to another user; re-pointing it would merge two people. */
export class IdentityLinkedElsewhereError extends StoreError {
  readonly code = 'IDENTITY_LINKED_ELSEWHERE';
  readonly source: Source;
  readonly externalId: string;
  readonly linkedUserId: string;

  constructor(source: Source, externalId: string, linkedUserId: string) {
    super(`${source} record ${externalId} is already linked to user ${linkedUserId}`);
    this.source = source;
    this.externalId = externalId;
    this.linkedUserId = linkedUserId;
  }
}

export class OperationNotFoundError extends StoreError {
  readonly code = 'OPERATION_NOT_FOUND';
  readonly operationId: string;

  constructor(operationId: string) {
    super(`no journal operation with id ${operationId}`);
    this.operationId = operationId;
  }
}

/**
 * The operation is not PENDING under this process: it finished already, or it was declared
 * interrupted and may be resumed elsewhere, so this process must not write its outcome.
 */
export class OperationNotPendingError extends StoreError {
  readonly code = 'OPERATION_NOT_PENDING';
  readonly operationId: string;
  readonly state: string;

  constructor(operationId: string, state: string, owner: string) {
    super(`journal operation ${operationId} is ${state} (owner ${owner}), not pending under this process`);
    this.operationId = operationId;
    this.state = state;
  }
}
