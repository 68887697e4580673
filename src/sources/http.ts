import { Pool, type Dispatcher } from 'undici';
import {
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  handleType,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { ZodType } from 'zod';
import type { Source } from '../domain/types';
import type { Logger } from '../logger';
import { currentRequest, redactCarried } from '../request-context';
import {
  VendorBadResponseError,
  VendorCallBudgetExceededError,
  VendorError,
  VendorTimeoutError,
  VendorUnavailableError,
} from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request as a datasource describes it, before authentication. */
export interface VendorRequest {
  /** A stable name for the endpoint (`listUsers`), used in logs and metrics, never the raw path. */
  route: string;
  method: HttpMethod;
  /** Path below the vendor's base URL, starting with `/`, without the query string. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify; the content type defaults to `application/json`. */
  json?: unknown;
  contentType?: string;
}

/** A fully resolved request, as the authorizer sees and amends it. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds the vendor's credentials to a request (Basic, API key, SigV4). */
export type Authorizer = (request: OutgoingRequest) => OutgoingRequest | Promise<OutgoingRequest>;

/** What came back: any HTTP status; only transport failures throw. */
export interface VendorResponse {
  status: number;
  text: string;
}

export interface VendorHttpOptions {
  source: Source;
  /** Origin plus an optional path prefix, e.g. `https://api.example.com/pub`. */
  baseUrl: string;
  /** Deadline for one attempt, from sending to the last byte of the body. */
  timeoutMs: number;
  /** Extra attempts for idempotent reads that failed with VENDOR_UNAVAILABLE. */
  retries: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  authorize: Authorizer;
  /**
   * The values of the vendor's credentials (a password, an API key, a secret key, the Basic
   * header's base64), cut from any vendor text before it is logged, should a vendor echo them.
   */
  credentials?: readonly (string | undefined)[];
  logger: Logger;
  /** Injected transport; defaults to a keep-alive undici Pool on the base URL's origin. */
  dispatcher?: Dispatcher;
}

/** Latency and last failure seen by one vendor's transport, for health reporting. */
export interface VendorHealth {
  lastLatencyMs: number | null;
  lastError: { code: string; message: string; at: Date } | null;
  lastSuccessAt: Date | null;
}

const RETRYABLE_METHODS = new Set<HttpMethod>(['GET']);

/** How much of a vendor's failure text is kept (for the log): enough to read, not a whole page. */
export const VENDOR_TEXT_LIMIT = 500;

const REDACTED = '[REDACTED]';

/** An email address inside free text; the log at warn and above never holds one. */
const EMAIL_IN_TEXT = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/g;

/** A body key whose value is a secret (`password`, `new_password`, `secret`, `token`). */
const SECRET_KEY = /password|secret|token/i;

/** The string values a request body holds under a secret key, at any depth. */
function secretsSent(value: unknown, secret = false, into: string[] = []): string[] {
  if (typeof value === 'string') {
    if (secret) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) secretsSent(item, secret, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) secretsSent(item, secret || SECRET_KEY.test(key), into);
  }
  return into;
}

/**
 * Takes one call from the current request's vendor-call budget, or refuses it (the call is then
 * not sent). Outside a request, or with no limit, there is no budget.
 */
function takeVendorCall(source: Source, route: string): void {
  const scope = currentRequest();
  if (!scope || scope.vendorCallsLeft === null) return;
  if (scope.vendorCallsLeft <= 0) {
    throw new VendorCallBudgetExceededError(source, `${route} was not sent: this request has used all the vendor calls it may make`);
  }
  scope.vendorCallsLeft -= 1;
}

/**
 * The one way a datasource talks HTTP: a keep-alive pool, a deadline per attempt, retries for
 * idempotent reads, and transport failures turned into typed VendorErrors. Vendor-specific status
 * and body handling stays in each client.
 */
export class VendorHttp {
  readonly source: Source;
  readonly health: VendorHealth = { lastLatencyMs: null, lastError: null, lastSuccessAt: null };
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private closed = false;
  private readonly attempt: IPolicy<{ signal: AbortSignal }>;
  private readonly readPolicy: IPolicy<{ signal: AbortSignal }>;

  constructor(private readonly options: VendorHttpOptions) {
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new TypeError(`VendorHttp(${options.source}): timeoutMs must be a positive integer, got ${options.timeoutMs}`);
    }
    this.source = options.source;
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.base.origin, {
        connections: options.connections,
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
      });
    this.attempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    this.readPolicy = wrap(
      retry(
        handleType(VendorUnavailableError),
        { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1_000 }) },
      ),
      this.attempt,
    );
  }

  /**
   * Sends one request; resolves with any HTTP status, rejects only with a VendorError. Each
   * attempt (retries included) takes one call from the request's budget; when none is left the
   * call is not sent (VENDOR_CALL_BUDGET_EXCEEDED).
   */
  async send(request: VendorRequest): Promise<VendorResponse> {
    const policy = RETRYABLE_METHODS.has(request.method) && this.options.retries > 0 ? this.readPolicy : this.attempt;
    try {
      // A signal of its own per call: without one, cockatiel derives every call's deadline from one
      // shared signal, which collects a listener per concurrent call (MaxListenersExceededWarning).
      return await policy.execute(({ signal }) => this.sendOnce(request, signal), new AbortController().signal);
    } catch (error) {
      const vendorError = this.toVendorError(error, request);
      // A refused budget says nothing about the vendor's health.
      if (!(vendorError instanceof VendorCallBudgetExceededError)) this.recordFailure(vendorError);
      throw vendorError;
    }
  }

  /**
   * A vendor's failure text made fit for the log: every value the current request carried (see
   * redactCarried), every secret the vendor was sent in the body and the vendor's credentials (as
   * they are, JSON-escaped or URL-encoded) are cut out, email addresses are masked, and the rest
   * is cut to {@link VENDOR_TEXT_LIMIT}.
   */
  redactVendorText(text: string, request: Pick<VendorRequest, 'json'>): string {
    let redacted = redactCarried(text);
    const secrets = [...secretsSent(request.json), ...(this.options.credentials ?? []).filter((value): value is string => value !== undefined)];
    for (const value of secrets) {
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
        if (form.length >= 4 && redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
      }
    }
    redacted = redacted.replace(EMAIL_IN_TEXT, '[email]');
    return redacted.length > VENDOR_TEXT_LIMIT ? `${redacted.slice(0, VENDOR_TEXT_LIMIT)}…` : redacted;
  }

  /** Parses a JSON body against the contract's schema; anything else is VENDOR_BAD_RESPONSE. */
  decode<T>(response: VendorResponse, schema: ZodType<T>, route: string): T {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      throw this.badResponse(route, `answered HTTP ${response.status} with a body that is not JSON`, response.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw this.badResponse(
        route,
        `answered HTTP ${response.status} with a body that does not match its contract${where}: ${issue?.message ?? 'invalid'}`,
        response.status,
      );
    }
    return parsed.data;
  }

  /** Like decode, but for error bodies: returns undefined instead of throwing when they do not fit. */
  tryDecode<T>(response: VendorResponse, schema: ZodType<T>): T | undefined {
    try {
      const parsed = schema.safeParse(JSON.parse(response.text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records a vendor-level failure that a client raised from a status code or envelope. */
  recordFailure(error: VendorError): void {
    this.health.lastError = { code: error.code, message: error.message, at: new Date() };
  }

  /**
   * Whether the vendor answers HTTP at all, within the timeout: a GET of the base URL, unsigned,
   * where any status (even 401 or 404) proves it is reachable. A failure is recorded as the last error.
   * A probe takes a call from the request's budget like any other; refused, it throws the VendorError.
   */
  async probe(): Promise<boolean> {
    takeVendorCall(this.source, 'probe');
    try {
      await this.attempt.execute(async ({ signal }) => {
        const response = await this.dispatcher.request({ origin: this.base.origin, path: this.base.pathname, method: 'GET', signal });
        await response.body.dump();
      });
      return true;
    } catch (error) {
      this.recordFailure(this.toVendorError(error, { route: 'probe', method: 'GET', path: '/' }));
      return false;
    }
  }

  /** Closes the pool; in-flight requests are aborted so nothing is left open. */
  async close(): Promise<void> {
    if (!this.ownsDispatcher || this.closed) return;
    this.closed = true;
    await this.dispatcher.destroy();
  }

  private async sendOnce(request: VendorRequest, signal: AbortSignal): Promise<VendorResponse> {
    takeVendorCall(this.source, request.route);
    const url = new URL(request.path.replace(/^\//, ''), this.base);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    const outgoing = await this.options.authorize({ method: request.method, url, headers, body });
    const started = performance.now();
    const response = await this.dispatcher.request({
      origin: outgoing.url.origin,
      path: outgoing.url.pathname + outgoing.url.search,
      method: outgoing.method,
      headers: outgoing.headers,
      body: outgoing.body,
      signal,
    });
    const text = await response.body.text();
    const latencyMs = Math.round(performance.now() - started);
    this.health.lastLatencyMs = latencyMs;
    if (response.statusCode < 500) this.health.lastSuccessAt = new Date();
    this.options.logger.debug(
      { source: this.source, route: request.route, method: request.method, status: response.statusCode, latencyMs },
      'vendor call',
    );
    if (response.statusCode >= 500 || response.statusCode === 429) {
      throw new VendorUnavailableError(this.source, `${request.route} answered HTTP ${response.statusCode}`, {
        status: response.statusCode,
        vendorMessage: this.redactVendorText(text, request),
      });
    }
    return { status: response.statusCode, text };
  }

  private toVendorError(error: unknown, request: VendorRequest): VendorError {
    if (error instanceof VendorError) return error;
    if (error instanceof TaskCancelledError) {
      return new VendorTimeoutError(this.source, `${request.route} did not answer within ${this.options.timeoutMs} ms`);
    }
    const code = (error as { code?: string } | null)?.code;
    const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
    return new VendorUnavailableError(this.source, `${request.route} could not be reached (${reason})`, { cause: error });
  }

  private badResponse(route: string, message: string, status: number): VendorBadResponseError {
    const error = new VendorBadResponseError(this.source, `${route} ${message}`, { status });
    this.recordFailure(error);
    return error;
  }
}
