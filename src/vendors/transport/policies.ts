/**
 * One vendor's resilience policies, composed here and nowhere else, in the order of the steps in
 * VendorHttp's class comment (src/vendors/transport/http.ts). Each policy lives in a file of its
 * own: request-budget.ts, retry-after.ts, circuit-breaker.ts, rate-limit.ts, bulkhead.ts,
 * timeout.ts and retry.ts; their settings and defaults are in resilience.ts.
 */
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { VendorBulkhead } from './bulkhead';
import { VendorCircuitBreaker } from './circuit-breaker';
import type { AttemptInfo, CircuitState, VendorObserver } from './observer';
import { VendorRateLimit } from './rate-limit';
import { refuseIfOutOfTime, requestTimeLeft, takeVendorCall } from './request-budget';
import type { ResiliencePolicy } from './resilience';
import { VendorRetry, type RetriedCall } from './retry';
import { RetryAfterPause } from './retry-after';
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
}

export class VendorPolicies {
  private readonly source: Source;
  private readonly timeoutMs: number;
  private readonly pause: RetryAfterPause;
  private readonly breaker: VendorCircuitBreaker;
  private readonly rateLimit: VendorRateLimit | null;
  private readonly bulkhead: VendorBulkhead;
  private readonly retry: VendorRetry;

  constructor(options: VendorPoliciesOptions) {
    const { source, resilience, logger, observer } = options;
    this.source = source;
    this.timeoutMs = options.timeoutMs;
    this.pause = new RetryAfterPause(source, resilience.retryAfterMaxMs, logger);
    this.breaker = new VendorCircuitBreaker(
      source,
      { threshold: resilience.breakerThreshold, halfOpenMs: resilience.breakerHalfOpenMs },
      logger,
      observer,
    );
    this.rateLimit =
      resilience.rateLimitPerSecond > 0 ? new VendorRateLimit(source, resilience.rateLimitPerSecond) : null;
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

  /** The retry around a call's attempts (numbered from 1). */
  retrying<T>(call: RetriedCall, attempt: (number: number) => Promise<T>): Promise<T> {
    return this.retry.execute(call, attempt);
  }

  /**
   * Steps 1 to 6 of VendorHttp's class comment around one attempt's `send`. `guarded`: through
   * the bulkhead and the breaker (every call but the probe, which only looks at the breaker).
   */
  async admit<T>(info: AttemptInfo, guarded: boolean, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { route } = info;
    // 1. Refusals that send nothing.
    refuseIfOutOfTime(this.source, route);
    this.pause.refuseIfPaused(route);
    this.breaker.refuseIfOpen(route);
    // 2. The outbound rate limit.
    if (this.rateLimit !== null) await this.rateLimit.waitForTurn(route, this.attemptCouldLastMs());
    const run = (): Promise<T> => {
      // Checked again: the rate limit or the queue may have taken time, and the breaker may have opened meanwhile.
      refuseIfOutOfTime(this.source, route);
      this.breaker.refuseIfOpen(route);
      // 4. The request's vendor-call budget.
      takeVendorCall(this.source, route);
      // 6. The attempt's deadline.
      const timed = () => withinDeadline(this.source, route, this.timeoutMs, send);
      // 5. The circuit breaker.
      return guarded ? this.breaker.execute(route, timed) : timed();
    };
    // 3. The bulkhead.
    return guarded ? this.bulkhead.execute(route, this.attemptCouldLastMs(), run) : run();
  }

  /** Step 7's answer, when it is a 429 or 503 with Retry-After: the vendor is paused (see retry-after.ts). */
  pauseIfAsked(status: number, header: string | string[] | undefined, route: string): void {
    this.pause.pauseIfAsked(status, header, route);
  }

  /** Lets go of every call waiting for a rate-limit turn, so that no timer outlives the transport. */
  close(): void {
    this.rateLimit?.close();
  }

  /** The longest a call may wait for a rate-limit turn or a slot: no longer than its attempt could last. */
  private attemptCouldLastMs(): number {
    return Math.min(this.timeoutMs, requestTimeLeft());
  }
}
