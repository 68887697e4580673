/**
 * One vendor's resilience policies, composed here and nowhere else, in the order of the steps in
 * VendorHttp's class comment (src/vendors/transport/http.ts). Each policy lives in a file of its
 * own: request-budget.ts, retry-after.ts, circuit-breaker.ts, rate-limit.ts, bulkhead.ts,
 * timeout.ts and retry.ts; their settings and defaults are in resilience.ts.
 */
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import type { SharedRedis } from '../../platform/redis';
import { VendorBulkhead } from './bulkhead';
import { VendorCircuitBreaker } from './circuit-breaker';
import { VendorCredentials } from './credentials';
import type { AttemptInfo, CircuitState, VendorObserver } from './observer';
import { VendorRateLimit } from './rate-limit';
import { refuseIfOutOfTime, requestTimeLeft, takeVendorCall } from './request-budget';
import type { ResiliencePolicy } from './resilience';
import { VendorRetry, type RetriedCall } from './retry';
import { RetryAfterPause } from './retry-after';
import { SharedVendorState } from './shared-state';
import { withinDeadline } from './timeout';

export interface VendorPoliciesOptions {
  source: Source;
  /** Deadline for one attempt. */
  timeoutMs: number;
  /** Extra attempts for a call that may be retried. */
  retries: number;
  /** Calls in flight at once. */
  connections: number;
  resilience: ResiliencePolicy;
  logger: Logger;
  /** Told of retries, the breaker's changes and the queue's (a guarded observer: its events never throw). */
  observer: VendorObserver;
  /** With REDIS_URL: the pause, the breaker's opening and the rate limit are shared with the other replicas. */
  sharedRedis?: SharedRedis | null;
}

export class VendorPolicies {
  private readonly source: Source;
  private readonly timeoutMs: number;
  private readonly pause: RetryAfterPause;
  private readonly breaker: VendorCircuitBreaker;
  private readonly credentials: VendorCredentials;
  private readonly rateLimit: VendorRateLimit | null;
  private readonly bulkhead: VendorBulkhead;
  private readonly retry: VendorRetry;
  private readonly shared: SharedVendorState | null;

  constructor(options: VendorPoliciesOptions) {
    const { source, resilience, logger, observer } = options;
    this.source = source;
    this.timeoutMs = options.timeoutMs;
    const shared = options.sharedRedis ? new SharedVendorState(options.sharedRedis, source) : null;
    this.shared = shared;
    this.pause = new RetryAfterPause(source, resilience.retryAfterMaxMs, logger, shared);
    this.breaker = new VendorCircuitBreaker(
      source,
      { threshold: resilience.breakerThreshold, halfOpenMs: resilience.breakerHalfOpenMs },
      logger,
      observer,
      shared,
    );
    this.credentials = new VendorCredentials(source, resilience.breakerHalfOpenMs, logger, observer);
    this.rateLimit =
      resilience.rateLimitPerSecond > 0 ? new VendorRateLimit(source, resilience.rateLimitPerSecond, shared) : null;
    this.bulkhead = new VendorBulkhead(source, { connections: options.connections, queue: resilience.queue }, observer);
    this.retry = new VendorRetry(
      source,
      {
        retries: options.retries,
        baseDelayMs: resilience.retryBaseDelayMs,
        maxDelayMs: resilience.retryMaxDelayMs,
        windowMs: resilience.retryWindowMs,
      },
      this.pause,
      observer,
    );
  }

  /** The vendor's circuit breaker, as `sources` shows it. */
  get circuit(): CircuitState {
    return this.breaker.state;
  }

  /** Whether the vendor refuses the gateway's credentials now (see credentials.ts). */
  get credentialsRejected(): boolean {
    return this.credentials.rejected;
  }

  /** The retry around a call's attempts (numbered from 1). */
  retrying<T>(call: RetriedCall, attempt: (number: number) => Promise<T>): Promise<T> {
    return this.retry.execute(call, attempt);
  }

  /**
   * Steps 1 to 6 of VendorHttp's class comment around one attempt's `send`. `guarded`: through
   * the bulkhead and the breaker (every call but the probe, which only looks at the breaker). The
   * vendor's timeout covers the whole of it: what the attempt waited for a rate-limit turn and a
   * connection is taken from its deadline, so no attempt lasts longer than the timeout, whatever
   * the queue (waiting a timeout for a connection and then a timeout more for the answer took 10 s
   * with a 5 s timeout).
   */
  async admit<T>(info: AttemptInfo, guarded: boolean, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const askedAt = Date.now();
    // With Redis, first what the other replicas know of the vendor (shared-state.ts).
    const view = this.shared === null ? null : await this.shared.view(this.timeoutMs);
    if (view !== null) {
      this.pause.heard(view.pauseLeftMs);
      this.breaker.heard(view.openLeftMs);
    }
    if (view?.trial !== true) return this.attempt(info, guarded, askedAt, send);
    // This call is the deployment's trial of a vendor found down: its outcome is every replica's.
    try {
      const answer = await this.attempt(info, guarded, askedAt, send);
      this.breaker.sharedTrialEnded(undefined);
      return answer;
    } catch (error) {
      this.breaker.sharedTrialEnded(error);
      throw error;
    }
  }

  /** Steps 1 to 6 of one attempt, once what the other replicas know has been heard. */
  private async attempt<T>(
    info: AttemptInfo,
    guarded: boolean,
    askedAt: number,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { route } = info;
    // 1. Refusals that send nothing.
    refuseIfOutOfTime(this.source, route);
    this.pause.refuseIfPaused(route);
    this.breaker.refuseIfOpen(route);
    const trial = guarded && this.credentials.admit(route);
    try {
      // 2. The outbound rate limit.
      if (this.rateLimit !== null) await this.rateLimit.waitForTurn(route, this.waitAtMostMs(askedAt));
      const run = (): Promise<T> => {
        // Checked again: the rate limit or the queue may have taken time, and the breaker may have opened meanwhile.
        refuseIfOutOfTime(this.source, route);
        this.breaker.refuseIfOpen(route);
        // A call that waited while the vendor began refusing the credentials is refused now; the trial goes on.
        if (guarded && !trial) this.credentials.refuseIfRejected(route);
        // 4. The request's vendor-call budget.
        takeVendorCall(this.source, route);
        // 6. The attempt's deadline: what is left of the timeout.
        const timed = () => withinDeadline(this.source, route, this.timeoutMs, Date.now() - askedAt, send);
        // 5. The circuit breaker.
        return guarded ? this.breaker.execute(route, timed) : timed();
      };
      // 3. The bulkhead.
      return guarded ? await this.bulkhead.execute(route, this.waitAtMostMs(askedAt), run) : await run();
    } finally {
      if (trial) this.credentials.trialEnded();
    }
  }

  /** Step 7's answer, judged for what it says of the gateway's credentials (see credentials.ts). */
  answered(status: number, route: string): void {
    this.credentials.answered(status, route);
  }

  /** Step 7's answer, when it is a 429 or 503 with Retry-After: the vendor is paused (see retry-after.ts). */
  pauseIfAsked(status: number, header: string | string[] | undefined, route: string): void {
    this.pause.pauseIfAsked(status, header, route);
  }

  /** Lets go of every call waiting for a rate-limit turn, so that no timer outlives the transport. */
  close(): void {
    this.rateLimit?.close();
  }

  /**
   * The longest a call asked at `askedAt` may still wait for a rate-limit turn or a connection:
   * what is left of its timeout and of the request's budget. A call that waits all of it is
   * refused with VENDOR_BUSY, the sign of real overload (or of a vendor holding every connection).
   */
  private waitAtMostMs(askedAt: number): number {
    return Math.max(0, Math.min(this.timeoutMs - (Date.now() - askedAt), requestTimeLeft()));
  }
}
