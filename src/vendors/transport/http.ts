import { Pool, type Dispatcher } from 'undici';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
} from 'cockatiel';
import type { ZodType } from 'zod';
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { currentRequest, redactCarried } from '../../platform/request-context';
import {
  VendorBadResponseError,
  VendorBusyError,
  VendorCallBudgetExceededError,
  VendorError,
  VendorTimeoutError,
  VendorUnavailableError,
} from './errors';
import {
  NO_OBSERVER,
  type AttemptInfo,
  type AttemptOutcome,
  type CircuitState,
  type HttpMethod,
  type VendorObserver,
} from './observer';
import { OutboundRateLimit, resiliencePolicy, retryAfterMs, type ResiliencePolicy } from './resilience';

export type { HttpMethod } from './observer';

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
  /**
   * Whether sending the request twice does no more than sending it once, so that a failure may be
   * retried. Defaults to true for GET and false for every other method: a write is retried only
   * when the connection could not even be made (nothing was sent). A client may set it for a
   * write its vendor treats idempotently.
   */
  idempotent?: boolean;
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

/** What came back: any HTTP status below 500 but 429; only transport failures throw. */
export interface VendorResponse {
  status: number;
  text: string;
  /** The answer's Content-Type header, when it had one. */
  contentType?: string;
}

export interface VendorHttpOptions {
  source: Source;
  /** Origin plus an optional path prefix, e.g. `https://api.example.com/pub`. */
  baseUrl: string;
  /** Deadline for one attempt, from sending to the last byte of the body. */
  timeoutMs: number;
  /** Extra attempts for a call that may be retried (see {@link VendorRequest.idempotent}). */
  retries: number;
  /** Keep-alive connections in the pool, and calls in flight at once (more wait in the queue). */
  connections: number;
  /** The rest of the vendor's policy; what is left out takes its default ({@link DEFAULT_RESILIENCE}). */
  resilience?: Partial<ResiliencePolicy>;
  authorize: Authorizer;
  /**
   * The values of the vendor's credentials (a password, an API key, a secret key, the Basic
   * header's base64), cut from any vendor text before it is logged, should a vendor echo them.
   */
  credentials?: readonly (string | undefined)[];
  logger: Logger;
  /** Who watches the calls (metrics, traces); nobody by default. */
  observer?: Partial<VendorObserver>;
  /** Injected transport; defaults to a keep-alive undici Pool on the base URL's origin. */
  dispatcher?: Dispatcher;
}

/** Latency and last failure seen by one vendor's transport, for health reporting. */
export interface VendorHealth {
  lastLatencyMs: number | null;
  lastError: { code: string; message: string; at: Date } | null;
  lastSuccessAt: Date | null;
}

/** How much of a vendor's failure text is kept (for the log): enough to read, not a whole page. */
export const VENDOR_TEXT_LIMIT = 500;

const REDACTED = '[REDACTED]';

/** An email address inside free text; the log at warn and above never holds one. */
const EMAIL_IN_TEXT = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/g;

/** A body key whose value is a secret (`password`, `new_password`, `secret`, `token`). */
const SECRET_KEY = /password|secret|token/i;

/** Media types a JSON contract may come back as (user-management's examples say text/javascript). */
const JSON_MEDIA_TYPE = /^(application|text)\/([\w.-]+\+)?(json|javascript)$/;

/** Failures while connecting: the request never left, so nothing can have happened at the vendor. */
const NO_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const BREAKER_STATES: Record<BreakerState, CircuitState> = {
  [BreakerState.Closed]: 'CLOSED',
  [BreakerState.Open]: 'OPEN',
  [BreakerState.HalfOpen]: 'HALF_OPEN',
  [BreakerState.Isolated]: 'OPEN',
};

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
    throw new VendorCallBudgetExceededError(
      source,
      `${route} was not sent: this request has used all the vendor calls it may make`,
    );
  }
  scope.vendorCallsLeft -= 1;
}

/** Milliseconds left of the current request's time budget; Infinity outside a request or without one. */
function requestTimeLeft(): number {
  const deadlineAt = currentRequest()?.deadlineAt;
  return deadlineAt === undefined || deadlineAt === null ? Infinity : deadlineAt - Date.now();
}

/**
 * Whether a failure tells the breaker the vendor is in trouble: a 5xx, a timeout, a connection
 * that failed or broke. Not a 4xx (the request's own fault), not a 429 (the Retry-After pause
 * handles throttling), not an answer that is too large or not JSON (one listing, not the vendor),
 * and never a call the transport refused itself.
 */
function countsAgainstVendor(error: Error): boolean {
  if (!(error instanceof VendorError) || (error.unsent !== undefined && error.unsent !== 'no-connection')) return false;
  if (error instanceof VendorTimeoutError) return true;
  return error instanceof VendorUnavailableError && error.status !== 429;
}

/**
 * Whether a failed attempt may be sent again: any request whose connection could not be made (it
 * never left), and a retry-safe request that met a 5xx, a 429 or a broken connection. Never a
 * timeout (the vendor had its whole deadline; the breaker deals with a vendor that keeps hanging),
 * a 4xx, an answer that does not fit, or a call the transport refused itself.
 */
function worthRetrying(error: VendorError, retrySafe: boolean): boolean {
  if (error.unsent === 'no-connection') return true;
  if (!retrySafe || error.unsent !== undefined) return false;
  return error instanceof VendorUnavailableError;
}

/** `work`, or the error `late()` makes when `work` has not settled within `ms`; no timer outlives the race. */
async function settledWithin<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late()), Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one way a datasource talks HTTP, with one vendor's resilience policy composed from cockatiel's
 * policies, in this order for every attempt:
 *
 * 1. refusals that send nothing: the request's time budget spent, a Retry-After pause the vendor
 *    asked for, an open circuit breaker (or one testing the vendor with its single half-open trial);
 * 2. the outbound rate limit, waiting for a turn no longer than the attempt could last;
 * 3. the bulkhead: at most `connections` calls in flight, `queue` more waiting for as long as the
 *    attempt could last, any further one refused with VENDOR_BUSY;
 * 4. the request's vendor-call budget;
 * 5. the circuit breaker (consecutive 5xx, timeouts and connection failures open it);
 * 6. the attempt's deadline, the vendor's timeout or what is left of the request's budget, whichever
 *    ends first, besides undici's connect, headers and body timeouts;
 * 7. the exchange itself, the answer read as a stream and cut off past `maxResponseBytes`.
 *
 * Around the attempts, a retry with exponential backoff and jitter for what may be retried (see
 * {@link worthRetrying}), bounded in count (`retries`), in time (`retryWindowMs` and the request's
 * budget: a retry whose wait would end past either is not made) and waiting out any Retry-After.
 * Transport failures become typed VendorErrors inside each attempt, so the retry and the breaker
 * judge them by code. Vendor-specific status and body handling stays in each client.
 */
export class VendorHttp {
  readonly source: Source;
  readonly health: VendorHealth = { lastLatencyMs: null, lastError: null, lastSuccessAt: null };
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private closed = false;
  private readonly policy: ResiliencePolicy;
  private readonly observer: VendorObserver;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly rateLimit: OutboundRateLimit | null;
  private readonly backoff: ExponentialBackoff<unknown>;
  /** When the breaker last opened (Date.now()), to refuse calls before its half-open delay without asking it. */
  private openedAt = 0;
  /** Until when the vendor asked for no calls (Retry-After), Date.now() milliseconds. */
  private pausedUntil = 0;
  /** Rate-limit waits in progress, cleared by close. */
  private readonly waits = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  /** Calls this vendor takes at once; a batch of single reads sends no more than this together. */
  get concurrency(): number {
    return this.options.connections;
  }

  constructor(private readonly options: VendorHttpOptions) {
    const owner = `VendorHttp(${options.source})`;
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new TypeError(`${owner}: timeoutMs must be a positive integer, got ${options.timeoutMs}`);
    }
    if (!Number.isInteger(options.retries) || options.retries < 0)
      throw new TypeError(`${owner}: retries must be a non-negative integer, got ${options.retries}`);
    if (!Number.isInteger(options.connections) || options.connections <= 0) {
      throw new TypeError(`${owner}: connections must be a positive integer, got ${options.connections}`);
    }
    const policy = resiliencePolicy(owner, options.resilience);
    this.policy = policy;
    this.source = options.source;
    this.observer = { ...NO_OBSERVER, ...options.observer };
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.base.origin, {
        connections: options.connections,
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connectTimeout: policy.connectTimeoutMs,
        headersTimeout: policy.headersTimeoutMs,
        bodyTimeout: policy.bodyTimeoutMs,
      });
    this.breaker = circuitBreaker(handleWhen(countsAgainstVendor), {
      halfOpenAfter: policy.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(policy.breakerThreshold),
    });
    this.breaker.onStateChange((state) => this.breakerChanged(state));
    this.bulkhead = bulkhead(options.connections, policy.queue);
    this.rateLimit = policy.rateLimitPerSecond > 0 ? new OutboundRateLimit(policy.rateLimitPerSecond) : null;
    this.backoff = new ExponentialBackoff({ initialDelay: policy.retryBaseDelayMs, maxDelay: policy.retryMaxDelayMs });
  }

  /** The vendor's circuit breaker, as `sources` shows it. */
  get circuit(): CircuitState {
    return BREAKER_STATES[this.breaker.state];
  }

  /**
   * Sends one request; resolves with any HTTP status below 500 but 429, rejects only with a
   * VendorError. Each attempt (retries included) takes one call from the request's budget; when
   * none is left the call is not sent (VENDOR_CALL_BUDGET_EXCEEDED).
   */
  async send(request: VendorRequest): Promise<VendorResponse> {
    const retrySafe = request.idempotent ?? request.method === 'GET';
    const firstAt = Date.now();
    let backoff: IBackoff<unknown> | undefined;
    let chosenDelayMs = 0;
    // The retry's decision and its wait are made together: whether a retry fits in what is left of
    // the retry window and the request's budget depends on how long it must wait (Retry-After included).
    const mayRetry = (error: Error): boolean => {
      if (!(error instanceof VendorError) || !worthRetrying(error, retrySafe)) return false;
      backoff = backoff ? backoff.next(undefined) : this.backoff.next();
      const now = Date.now();
      const delayMs = Math.max(Math.round(backoff.duration), this.pausedUntil - now);
      const retryBy = Math.min(firstAt + this.policy.retryWindowMs, now + requestTimeLeft());
      if (now + delayMs >= retryBy) return false;
      chosenDelayMs = delayMs;
      return true;
    };
    const chosen: IBackoffFactory<unknown> = {
      next: () => ({ duration: chosenDelayMs, next: () => chosen.next(undefined) }),
    };
    const policy = retry(handleWhen(mayRetry), { maxAttempts: this.options.retries, backoff: chosen });
    policy.onRetry((event) => {
      const error = 'error' in event ? (event.error as VendorError) : undefined;
      this.notify(() =>
        this.observer.retried({
          source: this.source,
          route: request.route,
          method: request.method,
          attempt: event.attempt,
          delayMs: event.delay,
          reason: error?.code ?? 'VENDOR_UNAVAILABLE',
          status: error?.status,
        }),
      );
    });
    try {
      return await policy.execute(({ attempt }) => this.attempt(request, attempt + 1));
    } catch (error) {
      const vendorError = this.toVendorError(error, request.route);
      // A call the transport refused says nothing new about the vendor's health.
      if (vendorError.unsent === undefined || vendorError.unsent === 'no-connection') this.recordFailure(vendorError);
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
    const secrets = [
      ...secretsSent(request.json),
      ...(this.options.credentials ?? []).filter((value): value is string => value !== undefined),
    ];
    for (const value of secrets) {
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
        if (form.length >= 4 && redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
      }
    }
    redacted = redacted.replace(EMAIL_IN_TEXT, '[email]');
    return redacted.length > VENDOR_TEXT_LIMIT ? `${redacted.slice(0, VENDOR_TEXT_LIMIT)}…` : redacted;
  }

  /**
   * Parses a JSON body against the contract's schema; anything else is VENDOR_BAD_RESPONSE,
   * including an answer whose content type says it is not JSON (a proxy's error page, a login form).
   */
  decode<T>(response: VendorResponse, schema: ZodType<T>, route: string): T {
    const mediaType = response.contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== undefined && mediaType !== '' && !JSON_MEDIA_TYPE.test(mediaType)) {
      throw this.badResponse(
        route,
        `answered HTTP ${response.status} with content type ${mediaType.slice(0, 100)}, not JSON`,
        response.status,
      );
    }
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
   * Whether the vendor answers HTTP without a server failure, now: a GET of the base URL, unsigned,
   * where a status below 500 (even 401 or 404) proves its HTTP side works, and a 5xx or a 429 does
   * not. The probe only looks: while the breaker is open (or testing the vendor), or the vendor
   * asked for a pause, or the request's time is up, it sends nothing and answers false; its outcome
   * never opens or closes the breaker (an unsigned GET of the root is no proof that the API works).
   * It takes a rate-limit turn and a call from the request's budget like any other call; with
   * none left it throws VENDOR_CALL_BUDGET_EXCEEDED. A failure is recorded as the last error.
   */
  async probe(): Promise<boolean> {
    const info: AttemptInfo = { source: this.source, route: 'probe', method: 'GET', attempt: 1 };
    const begun = performance.now();
    try {
      const headers: Record<string, string> = {};
      const status = await this.admitted(info, false, (signal) =>
        this.observer.attempt(info, headers, async () => {
          const response = await this.dispatcher.request({
            origin: this.base.origin,
            path: this.base.pathname,
            method: 'GET',
            headers,
            signal,
          });
          await response.body.dump();
          return response.statusCode;
        }),
      );
      if (status >= 500 || status === 429)
        throw new VendorUnavailableError(this.source, `probe answered HTTP ${status}`, { status });
      this.finished(info, begun, { outcome: 'ok', status });
      return true;
    } catch (error) {
      const vendorError = this.toVendorError(error, 'probe');
      this.finished(info, begun, { outcome: vendorError.code, status: vendorError.status, unsent: vendorError.unsent });
      if (vendorError instanceof VendorCallBudgetExceededError) throw vendorError;
      if (vendorError.unsent === undefined || vendorError.unsent === 'no-connection') this.recordFailure(vendorError);
      return false;
    }
  }

  /** Closes the pool; in-flight requests are aborted so nothing is left open. */
  async close(): Promise<void> {
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.done();
    }
    this.waits.clear();
    if (!this.ownsDispatcher || this.closed) return;
    this.closed = true;
    await this.dispatcher.destroy();
  }

  /** One attempt of a call, through every policy but the retry; always rejects with a VendorError. */
  private async attempt(request: VendorRequest, number: number): Promise<VendorResponse> {
    const info: AttemptInfo = { source: this.source, route: request.route, method: request.method, attempt: number };
    const begun = performance.now();
    try {
      const response = await this.admitted(info, true, (signal) => this.exchange(request, info, signal));
      this.finished(info, begun, { outcome: 'ok', status: response.status });
      return response;
    } catch (error) {
      const vendorError = this.toVendorError(error, request.route);
      this.finished(info, begun, { outcome: vendorError.code, status: vendorError.status, unsent: vendorError.unsent });
      throw vendorError;
    }
  }

  /**
   * Steps 1 to 6 of the class comment around `send`. `guarded`: through the bulkhead and the breaker
   * (every call but the probe, which only looks at the breaker).
   */
  private async admitted<T>(
    info: AttemptInfo,
    guarded: boolean,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { route } = info;
    this.refuseIfOutOfTime(route);
    this.refuseIfPaused(route);
    this.refuseIfCircuitOpen(route);
    await this.rateLimitTurn(route);
    const run = (): Promise<T> => {
      // Checked again: the rate limit or the queue may have taken time, and the breaker may have opened meanwhile.
      this.refuseIfOutOfTime(route);
      this.refuseIfCircuitOpen(route);
      takeVendorCall(this.source, route);
      const deadlineMs = Math.max(1, Math.min(this.options.timeoutMs, Math.floor(requestTimeLeft())));
      const timed = () =>
        timeout(deadlineMs, TimeoutStrategy.Aggressive)
          .execute(({ signal }) => send(signal))
          .catch((error: unknown) => {
            throw this.toVendorError(error, route, deadlineMs);
          });
      return guarded ? this.breaker.execute(timed) : timed();
    };
    return guarded ? this.inBulkhead(route, run) : run();
  }

  /** Runs `run` in one of the vendor's slots, after waiting in the queue no longer than the attempt could last. */
  private async inBulkhead<T>(route: string, run: () => Promise<T>): Promise<T> {
    let abandoned = false;
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    const work = this.bulkhead.execute(() => {
      began();
      this.reportQueue();
      if (abandoned)
        throw new VendorBusyError(this.source, `${route} was not sent: its caller stopped waiting for a connection`);
      return run();
    });
    this.reportQueue();
    try {
      const maxWaitMs = Math.min(this.options.timeoutMs, requestTimeLeft());
      await settledWithin(
        Promise.race([
          started,
          work.then(
            () => undefined,
            () => undefined,
          ),
        ]),
        maxWaitMs,
        () => {
          abandoned = true;
          return new VendorBusyError(
            this.source,
            `${route} was not sent: no connection came free within ${Math.round(maxWaitMs)} ms`,
          );
        },
      );
      return await work;
    } finally {
      this.reportQueue();
    }
  }

  private refuseIfOutOfTime(route: string): void {
    if (requestTimeLeft() <= 0)
      throw new VendorTimeoutError(this.source, `${route} was not sent: the request's time budget is spent`, {
        unsent: 'time-budget',
      });
  }

  private refuseIfPaused(route: string): void {
    const leftMs = this.pausedUntil - Date.now();
    if (leftMs > 0) {
      throw new VendorUnavailableError(
        this.source,
        `${route} was not sent: the vendor asked for no calls for another ${Math.ceil(leftMs)} ms (Retry-After)`,
        {
          unsent: 'retry-after',
        },
      );
    }
  }

  /** Refuses while the breaker is open and its half-open delay runs, and while its single half-open trial runs. */
  private refuseIfCircuitOpen(route: string): void {
    const state = this.breaker.state;
    const waiting = state === BreakerState.Open && Date.now() - this.openedAt < this.policy.breakerHalfOpenMs;
    if (waiting || state === BreakerState.HalfOpen || state === BreakerState.Isolated) throw this.circuitOpen(route);
  }

  private circuitOpen(route: string): VendorUnavailableError {
    return new VendorUnavailableError(
      this.source,
      `${route} was not sent: the circuit breaker is open after ${this.policy.breakerThreshold} failures in a row`,
      {
        unsent: 'circuit-open',
      },
    );
  }

  /** Waits for a turn of the outbound rate limit, if there is one, no longer than the attempt could last. */
  private async rateLimitTurn(route: string): Promise<void> {
    if (this.rateLimit === null) return;
    const maxWaitMs = Math.min(this.options.timeoutMs, requestTimeLeft());
    const waitMs = this.rateLimit.reserve(Date.now(), maxWaitMs);
    if (waitMs === null) {
      throw new VendorBusyError(
        this.source,
        `${route} was not sent: the vendor's rate limit (${this.policy.rateLimitPerSecond} a second) has no turn free within ${Math.round(maxWaitMs)} ms`,
      );
    }
    if (waitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const wait = { timer: setTimeout(() => wait.done(), waitMs), done: () => (this.waits.delete(wait), resolve()) };
      this.waits.add(wait);
    });
  }

  /** One HTTP exchange: signed, sent, its answer read (to a limit) and judged by status. */
  private async exchange(request: VendorRequest, info: AttemptInfo, signal: AbortSignal): Promise<VendorResponse> {
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
    return this.observer.attempt(info, headers, async () => {
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
      const text = await this.readBody(response, request.route);
      const latencyMs = Math.round(performance.now() - started);
      const status = response.statusCode;
      this.health.lastLatencyMs = latencyMs;
      this.options.logger.debug(
        { source: this.source, route: request.route, method: request.method, status, latencyMs, attempt: info.attempt },
        'vendor call',
      );
      if (status >= 500 || status === 429) {
        this.pauseIfAsked(status, response.headers['retry-after'], request.route);
        throw new VendorUnavailableError(this.source, `${request.route} answered HTTP ${status}`, {
          status,
          vendorMessage: this.redactVendorText(text, request),
        });
      }
      this.health.lastSuccessAt = new Date();
      const contentType = response.headers['content-type'];
      return { status, text, ...(typeof contentType === 'string' ? { contentType } : {}) };
    });
  }

  /**
   * The answer's body as text, read as it streams in and cut off (the connection dropped, nothing
   * more read) as soon as it is over `maxResponseBytes`, or at once when its Content-Length says so.
   */
  private async readBody(response: Dispatcher.ResponseData, route: string): Promise<string> {
    const limit = this.policy.maxResponseBytes;
    const tooLarge = () =>
      new VendorBadResponseError(this.source, `${route} answered more than ${limit} bytes; the rest was not read`, {
        status: response.statusCode,
      });
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.body.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      // Leaving the loop by a throw destroys the stream, and with it the connection.
      if (size > limit) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  /** A 429 or 503 with Retry-After pauses every call to the vendor for that long (at most `retryAfterMaxMs`). */
  private pauseIfAsked(status: number, header: string | string[] | undefined, route: string): void {
    if (status !== 429 && status !== 503) return;
    const now = Date.now();
    const askedMs = retryAfterMs(header, now);
    if (askedMs === null || askedMs <= 0) return;
    const pauseMs = Math.min(askedMs, this.policy.retryAfterMaxMs);
    if (now + pauseMs <= this.pausedUntil) return;
    this.pausedUntil = now + pauseMs;
    this.options.logger.warn(
      { source: this.source, route, status, retryAfterMs: askedMs, pauseMs },
      'vendor asked for a pause: no calls until it ends',
    );
  }

  private breakerChanged(state: BreakerState): void {
    if (state === BreakerState.Open) this.openedAt = Date.now();
    const circuit = BREAKER_STATES[state];
    const fields = {
      source: this.source,
      circuit,
      threshold: this.policy.breakerThreshold,
      halfOpenMs: this.policy.breakerHalfOpenMs,
    };
    if (state === BreakerState.Open)
      this.options.logger.warn(fields, 'vendor circuit opened: calls fail fast until a trial call succeeds');
    else
      this.options.logger.info(
        fields,
        state === BreakerState.Closed
          ? 'vendor circuit closed: calls go through again'
          : 'vendor circuit half-open: one trial call goes through',
      );
    this.notify(() => this.observer.breakerChanged({ source: this.source, state: circuit }));
  }

  private reportQueue(): void {
    const depth = this.policy.queue - this.bulkhead.queueSlots;
    const active = this.options.connections - this.bulkhead.executionSlots;
    this.notify(() => this.observer.queue({ source: this.source, depth, active }));
  }

  private finished(
    info: AttemptInfo,
    begun: number,
    outcome: Pick<AttemptOutcome, 'outcome' | 'status' | 'unsent'>,
  ): void {
    const event: AttemptOutcome = {
      ...info,
      outcome: outcome.outcome,
      latencyMs: Math.round(performance.now() - begun),
    };
    if (outcome.status !== undefined) event.status = outcome.status;
    if (outcome.unsent !== undefined) event.unsent = outcome.unsent;
    this.notify(() => this.observer.finished(event));
  }

  /** Calls an observer's event; one that throws is logged, never allowed to fail the call it watches. */
  private notify(event: () => void): void {
    try {
      event();
    } catch (error) {
      this.options.logger.warn({ source: this.source, err: error }, 'a vendor call observer failed');
    }
  }

  /** Any failure inside an attempt as the VendorError it means; `deadlineMs` is the attempt's deadline, when it had one. */
  private toVendorError(error: unknown, route: string, deadlineMs?: number): VendorError {
    if (error instanceof VendorError) return error;
    if (error instanceof TaskCancelledError) {
      const ms = deadlineMs ?? this.options.timeoutMs;
      const budget = ms < this.options.timeoutMs ? ", what was left of the request's time budget" : '';
      return new VendorTimeoutError(this.source, `${route} did not answer within ${ms} ms${budget}`);
    }
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return this.circuitOpen(route);
    if (error instanceof BulkheadRejectedError) {
      return new VendorBusyError(
        this.source,
        `${route} was not sent: all ${this.options.connections} connections are busy and ${this.policy.queue} calls wait already`,
      );
    }
    const code = (error as { code?: string } | null)?.code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT')
      return new VendorTimeoutError(this.source, `${route} sent no headers within ${this.policy.headersTimeoutMs} ms`, {
        cause: error,
      });
    if (code === 'UND_ERR_BODY_TIMEOUT')
      return new VendorTimeoutError(this.source, `${route} paused its body for over ${this.policy.bodyTimeoutMs} ms`, {
        cause: error,
      });
    const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
    if (code !== undefined && NO_CONNECTION_CODES.has(code)) {
      return new VendorUnavailableError(this.source, `${route} could not be reached (${reason})`, {
        cause: error,
        unsent: 'no-connection',
      });
    }
    return new VendorUnavailableError(this.source, `${route} lost its connection (${reason})`, { cause: error });
  }

  private badResponse(route: string, message: string, status: number): VendorBadResponseError {
    const error = new VendorBadResponseError(this.source, `${route} ${message}`, { status });
    this.recordFailure(error);
    return error;
  }
}
