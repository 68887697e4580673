/**
 * The Retry-After pause: a vendor that answers 429 or 503 with Retry-After gets no call at all
 * until the window it asked for ends (at most `retryAfterMaxMs`); calls meanwhile are refused
 * without being sent, and a retry waits the window out (see retry.ts).
 */
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { VendorUnavailableError } from './errors';
import type { SharedVendorState } from './shared-state';

/**
 * Milliseconds a Retry-After header asks for, from `now`: delay-seconds or an HTTP date (RFC 9110
 * 10.2.3); null when there is none or it cannot be read. A date in the past asks for nothing (0).
 */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class RetryAfterPause {
  /** Until when the vendor asked for no calls, Date.now() milliseconds. */
  private pausedUntil = 0;

  constructor(
    private readonly source: Source,
    private readonly maxMs: number,
    private readonly logger: Logger,
    /** With Redis: a pause one replica is asked for pauses every replica (shared-state.ts). */
    private readonly shared: SharedVendorState | null = null,
  ) {}

  /** Milliseconds left of the pause at `now`; 0 or less when there is none. */
  leftMs(now: number): number {
    return this.pausedUntil - now;
  }

  /** A pause another replica was asked for, `leftMs` from now: this replica keeps it too. */
  heard(leftMs: number): void {
    if (leftMs > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + leftMs);
  }

  /** Refuses a call (not sent) while the pause runs. */
  refuseIfPaused(route: string): void {
    const leftMs = this.leftMs(Date.now());
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

  /** A 429 or 503 with Retry-After pauses every call to the vendor for that long (at most `retryAfterMaxMs`). */
  pauseIfAsked(status: number, header: string | string[] | undefined, route: string): void {
    if (status !== 429 && status !== 503) return;
    const now = Date.now();
    const askedMs = retryAfterMs(header, now);
    if (askedMs === null || askedMs <= 0) return;
    const pauseMs = Math.min(askedMs, this.maxMs);
    if (now + pauseMs <= this.pausedUntil) return;
    this.pausedUntil = now + pauseMs;
    if (this.shared !== null) void this.shared.publishPause(pauseMs);
    this.logger.warn(
      { source: this.source, route, status, retryAfterMs: askedMs, pauseMs },
      'vendor asked for a pause: no calls until it ends',
    );
  }
}
