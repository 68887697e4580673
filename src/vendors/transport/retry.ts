/**
 * The retry around a call's attempts: cockatiel's retry with exponential backoff and decorrelated
 * jitter, for what may be retried (see worthRetrying), bounded in count (`retries`) and in time (a
 * retry whose wait would end past `retryWindowMs` after the first attempt, or past the request's
 * time budget, is not made), and waiting out any Retry-After pause the vendor asked for.
 */
import { ExponentialBackoff, handleWhen, retry, type IBackoff, type IBackoffFactory } from 'cockatiel';
import type { Source } from '../../domain/types';
import { VendorError, VendorUnavailableError } from './errors';
import type { HttpMethod, VendorObserver } from './observer';
import { requestTimeLeft } from './request-budget';
import type { RetryAfterPause } from './retry-after';

export interface RetrySettings {
  /** Extra attempts at most. */
  retries: number;
  /** First retry's backoff. */
  baseDelayMs: number;
  /** Longest backoff before one retry. */
  maxDelayMs: number;
  /** Retries end this long after the first attempt began. */
  windowMs: number;
}

/** What the retry needs to know of a call. */
export interface RetriedCall {
  route: string;
  method: HttpMethod;
  /** Whether sending the call twice does no more than sending it once. */
  retrySafe: boolean;
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

export class VendorRetry {
  private readonly backoff: ExponentialBackoff<unknown>;

  constructor(
    private readonly source: Source,
    private readonly settings: RetrySettings,
    private readonly pause: RetryAfterPause,
    private readonly observer: VendorObserver,
  ) {
    this.backoff = new ExponentialBackoff({ initialDelay: settings.baseDelayMs, maxDelay: settings.maxDelayMs });
  }

  /** Runs `attempt` (numbered from 1) until it succeeds or a failure may not be retried. */
  async execute<T>(call: RetriedCall, attempt: (number: number) => Promise<T>): Promise<T> {
    const firstAt = Date.now();
    let backoff: IBackoff<unknown> | undefined;
    let chosenDelayMs = 0;
    // The retry's decision and its wait are made together: whether a retry fits in what is left of
    // the retry window and the request's budget depends on how long it must wait (Retry-After included).
    const mayRetry = (error: Error): boolean => {
      if (!(error instanceof VendorError) || !worthRetrying(error, call.retrySafe)) return false;
      backoff = backoff ? backoff.next(undefined) : this.backoff.next();
      const now = Date.now();
      const delayMs = Math.max(Math.round(backoff.duration), this.pause.leftMs(now));
      const retryBy = Math.min(firstAt + this.settings.windowMs, now + requestTimeLeft());
      if (now + delayMs >= retryBy) return false;
      chosenDelayMs = delayMs;
      return true;
    };
    const chosen: IBackoffFactory<unknown> = {
      next: () => ({ duration: chosenDelayMs, next: () => chosen.next(undefined) }),
    };
    const policy = retry(handleWhen(mayRetry), { maxAttempts: this.settings.retries, backoff: chosen });
    policy.onRetry((event) => {
      const error = 'error' in event ? (event.error as VendorError) : undefined;
      this.observer.retried({
        source: this.source,
        route: call.route,
        method: call.method,
        attempt: event.attempt,
        delayMs: event.delay,
        reason: error?.code ?? 'VENDOR_UNAVAILABLE',
        status: error?.status,
      });
    });
    return policy.execute(async ({ attempt: retried }) => {
      if (retried > 0) await this.finishWaitingOutPause(chosenDelayMs);
      return attempt(retried + 1);
    });
  }

  /**
   * A retry chosen to wait out a Retry-After pause can wake a little before the pause ends by the
   * wall clock: Node measures a timer from the event loop's cached time, which lags when the loop is
   * busy, so `Date.now()` may still be a few milliseconds inside the pause. Such a retry waits the rest
   * instead of being refused by the pause it waited for. A pause another answer extended past what
   * this retry chose to wait is left to refuse it, as any other call.
   */
  private async finishWaitingOutPause(chosenDelayMs: number): Promise<void> {
    for (let leftMs = this.pause.leftMs(Date.now()); leftMs > 0 && leftMs <= chosenDelayMs;) {
      await new Promise((resolve) => setTimeout(resolve, leftMs + 1));
      leftMs = this.pause.leftMs(Date.now());
    }
  }
}
