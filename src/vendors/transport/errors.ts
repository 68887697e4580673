import type { Source } from '../../domain/types';

/** Stable codes a client can match on; they also become GraphQL `extensions.code`. */
export type VendorErrorCode =
  | 'VENDOR_UNAUTHORIZED'
  | 'VENDOR_NOT_FOUND'
  | 'VENDOR_CONFLICT'
  | 'VENDOR_REJECTED'
  | 'VENDOR_UNAVAILABLE'
  | 'VENDOR_TIMEOUT'
  | 'VENDOR_BAD_RESPONSE'
  | 'VENDOR_NOT_CONFIGURED'
  | 'VENDOR_CALL_BUDGET_EXCEEDED'
  | 'VENDOR_BUSY';

/**
 * Why a request never reached the vendor, when the transport knows it did not: nothing can have
 * happened there, so even a create may be sent again. `circuit-open`: the vendor's breaker is open
 * (or its half-open trial is running); `retry-after`: inside a window the vendor asked for with
 * Retry-After; `busy`: no free slot or rate-limit token in time; `time-budget`: the GraphQL
 * request's time budget is spent; `call-budget`: its vendor-call budget is; `no-connection`: the
 * connection could not be made (refused, connect timeout, unknown host); `credentials-rejected`:
 * the vendor refused the gateway's credentials (401/403) and no trial call has been accepted since.
 */
export type UnsentReason =
  'circuit-open' | 'retry-after' | 'busy' | 'time-budget' | 'call-budget' | 'no-connection' | 'credentials-rejected';

export interface VendorErrorDetails {
  /** HTTP status the vendor answered with, when it answered at all. */
  status?: number;
  /**
   * The vendor's own words (its description / message / error_messages). They may echo what was
   * sent, a password included: the transport redacts them before the error leaves it, and they are
   * only ever logged (see {@link VendorError.vendorMessage}).
   */
  vendorMessage?: string;
  /** The vendor's own machine-readable code, when it has one (GreenArrow's `error_code`). */
  vendorCode?: string;
  /** Set when the request is known never to have reached the vendor (see {@link UnsentReason}). */
  unsent?: UnsentReason;
  cause?: unknown;
}

/**
 * Every failure of a vendor client is one of these. The message is the gateway's own: it names the
 * source, the route and the HTTP status, never the vendor's words (which may echo a password),
 * a URL with credentials, a header or the request body. So the message and the code may go to a
 * client, into the database and into any log line.
 */
export abstract class VendorError extends Error {
  abstract readonly code: VendorErrorCode;
  /** Whether the same request may succeed if sent again unchanged. */
  abstract readonly retryable: boolean;
  readonly source: Source;
  readonly status?: number;
  /** The vendor's own machine-readable code; the message shows it only when it looks like one. */
  readonly vendorCode?: string;
  /** Why the request never reached the vendor, when that is known; undefined when it may have. */
  readonly unsent?: UnsentReason;
  // Private, behind a getter: a logged `err` (pino's serializer copies enumerable fields) never carries it.
  #vendorMessage: string | undefined;

  constructor(source: Source, message: string, details: VendorErrorDetails = {}) {
    super(`${source}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.source = source;
    this.status = details.status;
    this.#vendorMessage = details.vendorMessage;
    this.vendorCode = details.vendorCode;
    this.unsent = details.unsent;
  }

  /** The vendor's own words, redacted by the transport; for the log only, never for a client or the database. */
  get vendorMessage(): string | undefined {
    return this.#vendorMessage;
  }

  /** Replaces the vendor's words with `redact(words)`; the transport calls it before the error leaves it. */
  redactVendorMessage(redact: (words: string) => string): this {
    if (this.#vendorMessage !== undefined) this.#vendorMessage = redact(this.#vendorMessage);
    return this;
  }
}

/** The vendor refused our credentials or signature (401/403). */
export class VendorUnauthorizedError extends VendorError {
  readonly code = 'VENDOR_UNAUTHORIZED';
  readonly retryable = false;
}

/** The record asked for does not exist at the vendor. */
export class VendorNotFoundError extends VendorError {
  readonly code = 'VENDOR_NOT_FOUND';
  readonly retryable = false;
}

/** The vendor already holds a record with the same unique key (email, mobile number, user name). */
export class VendorConflictError extends VendorError {
  readonly code = 'VENDOR_CONFLICT';
  readonly retryable = false;
  /** The vendor's id of the record that already exists, when the vendor says it. */
  readonly existingId?: string;

  constructor(source: Source, message: string, details: VendorErrorDetails & { existingId?: string } = {}) {
    super(source, message, details);
    this.existingId = details.existingId;
  }
}

/** The vendor rejected the request's content (validation failure, invalid attribute). */
export class VendorRejectedError extends VendorError {
  readonly code = 'VENDOR_REJECTED';
  readonly retryable = false;
}

/**
 * The vendor could not be reached, or answered with a server failure (5xx, 429); or the transport
 * did not send the call because the vendor is known to be down (its breaker is open) or asked for
 * a pause (Retry-After): see {@link VendorError.unsent}.
 */
export class VendorUnavailableError extends VendorError {
  readonly code = 'VENDOR_UNAVAILABLE';
  readonly retryable = true;
}

/**
 * The vendor did not answer within the configured timeout, or within what was left of the GraphQL
 * request's time budget; with `unsent: 'time-budget'`, the budget was spent before the call went.
 */
export class VendorTimeoutError extends VendorError {
  readonly code = 'VENDOR_TIMEOUT';
  readonly retryable = true;
}

/** The vendor answered something that is not what its contract says (bad JSON, wrong shape). */
export class VendorBadResponseError extends VendorError {
  readonly code = 'VENDOR_BAD_RESPONSE';
  readonly retryable = true;
}

/** The gateway has no base URL or credentials for this vendor. */
export class VendorNotConfiguredError extends VendorError {
  readonly code = 'VENDOR_NOT_CONFIGURED';
  readonly retryable = false;
}

/**
 * The request has used every vendor call its budget allowed (`RequestScope.vendorCallsLeft`):
 * this call was not sent. Not retryable: the same request would run out at the same place.
 */
export class VendorCallBudgetExceededError extends VendorError {
  readonly code = 'VENDOR_CALL_BUDGET_EXCEEDED';
  readonly retryable = false;

  constructor(source: Source, message: string, details: VendorErrorDetails = {}) {
    super(source, message, { unsent: 'call-budget', ...details });
  }
}

/**
 * The vendor's transport had no room for the call: every connection busy and the queue full, or
 * its outbound rate limit would have made the call wait past what the request could. Not sent;
 * retryable, since the crowd passes.
 */
export class VendorBusyError extends VendorError {
  readonly code = 'VENDOR_BUSY';
  readonly retryable = true;

  constructor(source: Source, message: string, details: VendorErrorDetails = {}) {
    super(source, message, { unsent: 'busy', ...details });
  }
}

export function isVendorError(error: unknown): error is VendorError {
  return error instanceof VendorError;
}

/**
 * Whether a write failed in a way that leaves its outcome unknown: the request may have landed.
 * Never when the transport knows it was not sent (`unsent`: refused, or no connection made). An
 * answer the gateway cannot read (not JSON, too large, not the contract's shape) came after the
 * vendor did whatever it did, so it too leaves the outcome unknown.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (isVendorError(error) && error.unsent !== undefined) return false;
  if (error instanceof VendorTimeoutError || error instanceof VendorBadResponseError) return true;
  // No status means the connection failed; a 5xx status is an answer, and the vendor says it failed.
  return error instanceof VendorUnavailableError && error.status === undefined;
}
