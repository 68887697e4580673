import { Pool, type Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import type { SharedRedis } from '../../platform/redis';
import { VendorError, VendorTimeoutError, VendorUnavailableError } from './errors';
import {
  guardedObserver,
  type AttemptInfo,
  type AttemptOutcome,
  type CircuitState,
  type HttpMethod,
  type VendorObserver,
} from './observer';
import { VendorPolicies } from './policies';
import { probeVendor } from './probe';
import { resiliencePolicy, type ResiliencePolicy } from './resilience';
import { decodeBody, readBody, tryDecodeBody } from './response-body';
import { redactVendorText } from './vendor-text';

export type { HttpMethod } from './observer';

/** A request as a vendor client describes it, before authentication. */
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
  /** With REDIS_URL: what the policies share with the other replicas (shared-state.ts). */
  sharedRedis?: SharedRedis | null;
}

/** Latency and last failure seen by one vendor's transport, for health reporting. */
export interface VendorHealth {
  lastLatencyMs: number | null;
  lastError: { code: string; message: string; at: Date } | null;
  lastSuccessAt: Date | null;
}

/** Failures while connecting: the request never left, so nothing can have happened at the vendor. */
const NO_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The one way a vendor client talks HTTP, with one vendor's resilience policy composed from
 * cockatiel's policies (in VendorPolicies, policies.ts), in this order for every attempt:
 *
 * 1. refusals that send nothing: the request's time budget spent (request-budget.ts), a
 *    Retry-After pause the vendor asked for (retry-after.ts), an open circuit breaker or one
 *    testing the vendor with its single half-open trial (circuit-breaker.ts), credentials the
 *    vendor refuses, until a trial call is accepted (credentials.ts);
 * 2. the outbound rate limit, waiting for a turn no longer than the attempt could last (rate-limit.ts);
 * 3. the bulkhead: at most `connections` calls in flight, up to `queue` more waiting for one no
 *    longer than the vendor's timeout allows, requests taking turns, any further one refused with
 *    VENDOR_BUSY (bulkhead.ts);
 * 4. the request's vendor-call budget (request-budget.ts);
 * 5. the circuit breaker: consecutive 5xx, timeouts and connection failures open it (circuit-breaker.ts);
 * 6. the attempt's deadline: what is left of the vendor's timeout, which counts from step 1 (so the
 *    waits of steps 2 and 3 come out of it), or of the request's budget, whichever ends first,
 *    besides undici's connect, headers and body timeouts (timeout.ts);
 * 7. the exchange itself ({@link VendorHttp.exchange}), the answer read as a stream and cut off past
 *    `maxResponseBytes` (response-body.ts), its status judged for the credentials (credentials.ts).
 *
 * Around the attempts, a retry with exponential backoff and jitter for what may be retried,
 * bounded in count (`retries`), in time (`retryWindowMs` and the request's budget: a retry whose
 * wait would end past either is not made) and waiting out any Retry-After (retry.ts). Transport
 * failures become typed VendorErrors inside each attempt ({@link VendorHttp.toVendorError} and each
 * policy for its own refusals), so the retry and the breaker judge them by code. Vendor-specific
 * status and body handling stays in each client.
 */
export class VendorHttp {
  readonly source: Source;
  readonly health: VendorHealth = { lastLatencyMs: null, lastError: null, lastSuccessAt: null };
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private closed = false;
  private readonly resilience: ResiliencePolicy;
  private readonly observer: VendorObserver;
  private readonly policies: VendorPolicies;

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
    const resilience = resiliencePolicy(owner, options.resilience);
    this.resilience = resilience;
    this.source = options.source;
    this.observer = guardedObserver(options.observer, options.logger, options.source);
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.base.origin, {
        connections: options.connections,
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connectTimeout: resilience.connectTimeoutMs,
        headersTimeout: resilience.headersTimeoutMs,
        bodyTimeout: resilience.bodyTimeoutMs,
      });
    this.policies = new VendorPolicies({
      source: options.source,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      connections: options.connections,
      resilience,
      logger: options.logger,
      observer: this.observer,
      sharedRedis: options.sharedRedis,
    });
  }

  /**
   * Calls this vendor takes at once: a batch of single reads asks for no more than this together,
   * so that it never fills the queue by itself; requests then take turns (see bulkhead.ts).
   */
  get concurrency(): number {
    return this.options.connections;
  }

  /** The vendor's circuit breaker, as `sources` shows it. */
  get circuit(): CircuitState {
    return this.policies.circuit;
  }

  /** Whether the vendor refuses the gateway's credentials now (a 401 or 403, no trial call accepted since). */
  get credentialsRejected(): boolean {
    return this.policies.credentialsRejected;
  }

  /**
   * Sends one request; resolves with any HTTP status below 500 but 429, rejects only with a
   * VendorError. Each attempt (retries included) takes one call from the request's budget; when
   * none is left the call is not sent (VENDOR_CALL_BUDGET_EXCEEDED).
   */
  async send(request: VendorRequest): Promise<VendorResponse> {
    const { route, method } = request;
    try {
      return await this.policies.retrying(
        { route, method, retrySafe: request.idempotent ?? method === 'GET' },
        (attempt) => {
          const info: AttemptInfo = { source: this.source, route, method, attempt };
          return this.attempt(info, true, (signal) => this.exchange(request, info, signal));
        },
      );
    } catch (error) {
      const vendorError = this.toVendorError(error, route);
      // A call the transport refused says nothing new about the vendor's health.
      if (vendorError.unsent === undefined || vendorError.unsent === 'no-connection') this.recordFailure(vendorError);
      throw vendorError;
    }
  }

  /**
   * A vendor's failure text made fit for the log (see redactVendorText in vendor-text.ts): what the
   * request carried, the secrets `request` sent and the vendor's credentials cut out.
   */
  redactVendorText(text: string, request: Pick<VendorRequest, 'json'>): string {
    return redactVendorText(text, request.json, this.options.credentials ?? []);
  }

  /**
   * Parses a JSON body against the contract's schema; anything else is VENDOR_BAD_RESPONSE (see
   * decodeBody in response-body.ts), recorded as the vendor's last failure.
   */
  decode<T>(response: VendorResponse, schema: ZodType<T>, route: string): T {
    try {
      return decodeBody(this.source, route, response, schema);
    } catch (error) {
      this.recordFailure(error as VendorError);
      throw error;
    }
  }

  /** Like decode, but for error bodies: returns undefined instead of throwing when they do not fit. */
  tryDecode<T>(response: VendorResponse, schema: ZodType<T>): T | undefined {
    return tryDecodeBody(response, schema);
  }

  /** Records a vendor-level failure that a client raised from a status code or envelope. */
  recordFailure(error: VendorError): void {
    this.health.lastError = { code: error.code, message: error.message, at: new Date() };
  }

  /** Whether the vendor answers HTTP without a server failure, now (see probe.ts). */
  async probe(): Promise<boolean> {
    return probeVendor({
      source: this.source,
      dispatcher: this.dispatcher,
      base: this.base,
      observer: this.observer,
      attempt: (info, send) => this.attempt(info, false, send),
      recordFailure: (error) => this.recordFailure(error),
    });
  }

  /** Closes the pool; in-flight requests are aborted so nothing is left open. */
  async close(): Promise<void> {
    this.policies.close();
    if (!this.ownsDispatcher || this.closed) return;
    this.closed = true;
    await this.dispatcher.destroy();
  }

  /**
   * One attempt, through the policies (steps 1 to 6; `guarded`: the bulkhead and the breaker too),
   * its outcome told to the observer; always rejects with a VendorError.
   */
  private async attempt<T extends { status: number }>(
    info: AttemptInfo,
    guarded: boolean,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const begun = performance.now();
    try {
      const result = await this.policies.admit(info, guarded, (signal) =>
        send(signal).catch((error: unknown) => {
          throw this.toVendorError(error, info.route);
        }),
      );
      this.finished(info, begun, { outcome: 'ok', status: result.status });
      return result;
    } catch (error) {
      const vendorError = this.toVendorError(error, info.route);
      this.finished(info, begun, { outcome: vendorError.code, status: vendorError.status, unsent: vendorError.unsent });
      throw vendorError;
    }
  }

  /** Step 7 of the class comment: one HTTP exchange, signed, sent, its answer read (to a limit) and judged by status. */
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
      const text = await readBody(this.source, request.route, response, this.resilience.maxResponseBytes);
      const latencyMs = Math.round(performance.now() - started);
      const status = response.statusCode;
      this.health.lastLatencyMs = latencyMs;
      this.policies.answered(status, request.route);
      this.options.logger.debug(
        { source: this.source, route: request.route, method: request.method, status, latencyMs, attempt: info.attempt },
        'vendor call',
      );
      if (status >= 500 || status === 429) {
        this.policies.pauseIfAsked(status, response.headers['retry-after'], request.route);
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
    this.observer.finished(event);
  }

  /**
   * A failure of the exchange itself as the VendorError it means (the policies make their own
   * refusals and the deadline's VENDOR_TIMEOUT): undici's headers and body timeouts, a connection
   * that could not be made (nothing sent) or that broke.
   */
  private toVendorError(error: unknown, route: string): VendorError {
    if (error instanceof VendorError) return error;
    const code = (error as { code?: string } | null)?.code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT')
      return new VendorTimeoutError(
        this.source,
        `${route} sent no headers within ${this.resilience.headersTimeoutMs} ms`,
        { cause: error },
      );
    if (code === 'UND_ERR_BODY_TIMEOUT')
      return new VendorTimeoutError(
        this.source,
        `${route} paused its body for over ${this.resilience.bodyTimeoutMs} ms`,
        { cause: error },
      );
    const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
    if (code !== undefined && NO_CONNECTION_CODES.has(code)) {
      return new VendorUnavailableError(this.source, `${route} could not be reached (${reason})`, {
        cause: error,
        unsent: 'no-connection',
      });
    }
    return new VendorUnavailableError(this.source, `${route} lost its connection (${reason})`, { cause: error });
  }
}
