/**
 * What the gateway knows about the HTTP request it is serving, wherever in the call tree it is
 * asked: who asked (the authenticated actor), from where, under which request id, which values
 * the request carried (so that vendor text echoing them can be redacted before it is logged), how
 * many vendor calls it may still make and by when it must be answered. Carried by AsyncLocalStorage, so the services and the
 * vendor transport need no extra parameter, and code running outside a request sees `undefined`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { redactValues } from './redaction';

export type Role = 'viewer' | 'admin';

/** Who a request acts for. */
export interface Actor {
  /** The token's subject (`sub`), or the API key's name. */
  subject: string;
  role: Role;
  /** How the actor proved who it is; `anonymous` only when authentication is switched off. */
  method: 'jwt' | 'api-key' | 'anonymous';
}

export interface RequestScope {
  /** Sent back to the client in a header and written on every log line of the request. */
  requestId: string;
  actor: Actor | null;
  /** The client's address as the socket saw it. */
  clientAddress: string | null;
  /** Every string value the request carried (variables included); vendor text is redacted of them. */
  readonly carried: Set<string>;
  /** Vendor calls this request may still make; null for no limit. */
  vendorCallsLeft: number | null;
  /**
   * When the request's time budget ends (`Date.now()` milliseconds; GRAPHQL_REQUEST_BUDGET_MS after
   * it arrived): the vendor transport sends no attempt, waits for no retry, slot or rate-limit
   * token past it. Absent or null: no deadline (code run outside an HTTP request).
   */
  deadlineAt?: number | null;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request, for everything it awaits. */
export function runInRequest<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The request being served, or undefined outside one (startup, background jobs, tests of parts). */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Cuts every value the current request carried out of a text from outside, such as a vendor's
 * error message, before it is logged (by the rule of src/platform/redaction.ts: values of 4
 * characters or longer, so that ordinary words and flags survive, in any of their written forms).
 */
export function redactCarried(text: string, scope: RequestScope | undefined = currentRequest()): string {
  return scope ? redactValues(text, scope.carried) : text;
}
