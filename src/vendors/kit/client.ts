import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type { Page, Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import type { SharedRedis } from '../../platform/redis';
import {
  VendorBadResponseError,
  VendorConflictError,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnauthorizedError,
  isVendorError,
  type VendorError,
  type VendorErrorCode,
  type VendorErrorDetails,
} from '../transport/errors';
import {
  VendorHttp,
  type Authorizer,
  type VendorHttpOptions,
  type VendorRequest,
  type VendorResponse,
} from '../transport/http';
import type { VendorObserver } from '../transport/observer';
import { walkPages } from './page-walk';

/** What every vendor client is given besides its settings. */
export interface VendorClientDeps {
  logger: Logger;
  /** Injected transport (tests, a shared agent); defaults to a keep-alive pool of its own. */
  dispatcher?: Dispatcher;
  /** Who watches the vendor calls (metrics, traces; see src/vendors/transport/observer.ts); nobody by default. */
  observer?: Partial<VendorObserver>;
  /** With REDIS_URL: vendor pauses, breakers' openings and rate limits shared across replicas. */
  sharedRedis?: SharedRedis | null;
}

/** The part of every vendor's settings that its transport needs. */
export type EndpointSettings = Pick<
  VendorHttpOptions,
  'baseUrl' | 'timeoutMs' | 'retries' | 'connections' | 'resilience'
>;

export interface VendorClientConfig {
  source: Source;
  settings: EndpointSettings;
  deps: VendorClientDeps;
  /**
   * The client's own settings rules (see setting-rules.ts), each a problem or null where the rule
   * holds. The first problem is thrown, as `<Client>: <problem>`, before anything is built.
   */
  settingProblems: readonly (string | null)[];
  /** Builds what adds the vendor's credentials to a request; called only once the settings passed. */
  authorize: () => Authorizer;
  /** The credentials' values, never to be logged even if the vendor echoes them (see VendorHttpOptions). */
  credentials: readonly (string | undefined)[];
}

/** What a vendor said in a failure, for the error's message and details. */
export interface FailureFacts {
  /** The vendor's own words. */
  vendorMessage?: string;
  /** The vendor's own machine-readable code. */
  vendorCode?: string;
  /** The id of the record a conflict is with, when the vendor says it. */
  existingId?: string;
}

type VendorErrorClass = new (
  source: Source,
  message: string,
  details: VendorErrorDetails & { existingId?: string },
) => VendorError;

/** Failures an operator must look at (credentials, outages, broken answers); the others are the request's own. */
const OPERATOR_FAILURES = new Set<VendorErrorCode>([
  'VENDOR_UNAUTHORIZED',
  'VENDOR_UNAVAILABLE',
  'VENDOR_TIMEOUT',
  'VENDOR_BAD_RESPONSE',
  'VENDOR_BUSY',
]);

/** A vendor's own error code is shown in a message only when it looks like a code, not like words. */
const VENDOR_CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A 2xx: the only statuses a hook may treat as success (VendorHttp has already thrown for 5xx and 429). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * The base of every vendor client, in the spirit of apollographql/datasource-rest: the settings
 * checks, the VendorHttp wiring and the failure path are written here once; a client describes
 * its vendor through named hooks ({@link errorFromResponse}, {@link willSendRequest}) and its
 * public methods, which speak the domain's types.
 *
 * `Hint` is what a client tells the failure hook about a call, where the vendor's statuses mean
 * different things per endpoint (Engagement's 400, RainMaker's user name); `void` when they do not.
 */
export abstract class VendorClient<Hint = void> {
  /** The transport, for health reporting (latency, last failure) and probing. */
  readonly http: VendorHttp;
  readonly source: Source;
  private readonly logger: Logger;

  protected constructor(config: VendorClientConfig) {
    const problem = config.settingProblems.find((candidate) => candidate !== null);
    if (problem) throw new TypeError(`${new.target.name}: ${problem}`);
    const { settings, deps } = config;
    this.source = config.source;
    this.logger = deps.logger;
    this.http = new VendorHttp({
      source: config.source,
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      connections: settings.connections,
      resilience: settings.resilience,
      authorize: config.authorize(),
      credentials: config.credentials,
      logger: deps.logger,
      observer: deps.observer,
      sharedRedis: deps.sharedRedis,
      dispatcher: deps.dispatcher,
    });
  }

  /** Closes the transport's pool (not an injected dispatcher); in-flight requests are aborted. */
  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Hook: the VendorError a response means, or undefined when it is a success to decode. Runs for
   * every response, 2xx included, since some vendors say failure in a 2xx body.
   */
  protected abstract errorFromResponse(route: string, response: VendorResponse, hint: Hint): VendorError | undefined;

  /** Hook: amends every request before it is sent, e.g. with a header the vendor insists on. */
  protected willSendRequest(request: VendorRequest): VendorRequest {
    return request;
  }

  /**
   * Sends a request; a response the vendor means as a failure is thrown as its VendorError,
   * recorded for health. Every failure is logged here, once, with the vendor's words redacted
   * (see VendorHttp.redactVendorText): the only place they go.
   */
  protected async send(request: VendorRequest, hint: Hint): Promise<VendorResponse> {
    const outgoing = this.willSendRequest(request);
    let response: VendorResponse;
    try {
      response = await this.http.send(outgoing);
    } catch (error) {
      this.logFailure(outgoing, error);
      throw error;
    }
    const error = this.errorFromResponse(request.route, response, hint)?.redactVendorMessage((words) =>
      this.http.redactVendorText(words, outgoing),
    );
    if (error !== undefined) {
      this.http.recordFailure(error);
      this.logFailure(outgoing, error);
      throw error;
    }
    return response;
  }

  /** Like {@link send}, then decodes the body with the contract's schema (else VENDOR_BAD_RESPONSE). */
  protected async call<T>(request: VendorRequest, schema: ZodType<T>, hint: Hint): Promise<T> {
    return this.http.decode(await this.send(request, hint), schema, request.route);
  }

  /** Every item of a paged listing, page after page as the iteration goes, with walkPages' guard against a repeated cursor. */
  protected async *walkItems<T>(
    route: string,
    fetchPage: (cursor: string | null) => Promise<Page<T>>,
  ): AsyncIterableIterator<T> {
    for await (const page of walkPages(this.source, route, fetchPage, this.http)) yield* page.items;
  }

  /**
   * An error of the given class with the message every client writes, `route answered HTTP 404
   * (code)`: the gateway's words only. The vendor's own words travel in `vendorMessage`, for the log.
   */
  protected failure(
    ErrorClass: VendorErrorClass,
    route: string,
    response: VendorResponse,
    facts: FailureFacts = {},
  ): VendorError {
    const { vendorMessage, vendorCode, existingId } = facts;
    const shownCode = vendorCode !== undefined && VENDOR_CODE_PATTERN.test(vendorCode) ? ` (${vendorCode})` : '';
    return new ErrorClass(this.source, `${route} answered HTTP ${response.status}${shownCode}`, {
      status: response.status,
      vendorMessage,
      vendorCode,
      existingId,
    });
  }

  /**
   * One log line per failed call: warn for what an operator must fix, info for what the request
   * itself caused, debug for a call the transport refused without sending (an open breaker, a
   * Retry-After pause, no free slot, no time left): the breaker's opening and the pause were logged
   * once at warn, and a line per refused call would flood the log for as long as a vendor is down.
   */
  private logFailure(request: VendorRequest, error: unknown): void {
    if (!isVendorError(error)) return;
    const refused = error.unsent !== undefined && error.unsent !== 'no-connection';
    const level = refused ? 'debug' : OPERATOR_FAILURES.has(error.code) ? 'warn' : 'info';
    this.logger[level](
      {
        source: this.source,
        route: request.route,
        method: request.method,
        code: error.code,
        status: error.status,
        unsent: error.unsent,
        vendorCode: error.vendorCode && this.http.redactVendorText(error.vendorCode, request),
        vendorMessage: error.vendorMessage,
      },
      'vendor call failed',
    );
  }

  /**
   * What a failure status means when the vendor says nothing more particular: 401/403 refused
   * credentials, 404 not found, 409 conflict, another 4xx a rejection; anything else that is not
   * a success (a 3xx) is not what any contract answers.
   */
  protected errorForStatus(route: string, response: VendorResponse, facts: FailureFacts = {}): VendorError {
    const { status } = response;
    if (status === 401 || status === 403) return this.failure(VendorUnauthorizedError, route, response, facts);
    if (status === 404) return this.failure(VendorNotFoundError, route, response, facts);
    if (status === 409) return this.failure(VendorConflictError, route, response, facts);
    if (status >= 400) return this.failure(VendorRejectedError, route, response, facts);
    return new VendorBadResponseError(this.source, `${route} answered unexpected HTTP ${status}`, {
      status,
      vendorMessage: facts.vendorMessage,
      vendorCode: facts.vendorCode,
    });
  }
}
