/**
 * The vendor's outbound rate limit (`rateLimitPerSecond`; none by default): a call waits for its
 * turn no longer than its attempt could last, and one that would have to wait longer is refused
 * with VENDOR_BUSY without taking a turn from the others.
 */
import type { Source } from '../../domain/types';
import { VendorBusyError } from './errors';
import type { SharedVendorState } from './shared-state';

/**
 * An outbound rate limit as the generic cell rate algorithm keeps it: calls are spaced
 * `1000 / perSecond` ms apart on average, with bursts of up to `perSecond` calls. A call learns at
 * once how long it must wait for its turn, so one that could not wait that long is refused without
 * taking a turn from the others.
 */
export class OutboundRateLimit {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  /** When the next call would be on time if no burst were allowed (the algorithm's one state). */
  private theoreticalAt = 0;

  constructor(perSecond: number) {
    if (!(perSecond > 0)) throw new TypeError(`OutboundRateLimit: perSecond must be positive, got ${perSecond}`);
    this.intervalMs = 1_000 / perSecond;
    this.burstMs = this.intervalMs * (Math.max(1, Math.floor(perSecond)) - 1);
  }

  /** Takes a turn and answers how long to wait for it, or null (no turn taken) when that is over `maxWaitMs`. */
  reserve(now: number, maxWaitMs: number): number | null {
    const due = Math.max(this.theoreticalAt, now);
    const waitMs = Math.max(0, due - this.burstMs - now);
    if (waitMs > maxWaitMs) return null;
    this.theoreticalAt = due + this.intervalMs;
    return waitMs;
  }
}

/** One vendor's rate limit with the calls waiting for their turns, which `close` lets go at once. */
export class VendorRateLimit {
  private readonly limit: OutboundRateLimit;
  /** Waits in progress, cleared by close. */
  private readonly waits = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  constructor(
    private readonly source: Source,
    private readonly perSecond: number,
    /** With Redis: the turns are the deployment's, `perSecond` for every replica together (shared-state.ts). */
    private readonly shared: SharedVendorState | null = null,
  ) {
    this.limit = new OutboundRateLimit(perSecond);
  }

  /** Waits for a turn, no longer than `maxWaitMs`; refuses the call (VENDOR_BUSY) when none is free by then. */
  async waitForTurn(route: string, maxWaitMs: number): Promise<void> {
    const sharedWaitMs = this.shared === null ? undefined : await this.shared.reserveTurn(this.perSecond, maxWaitMs);
    // Redis away: this replica's own schedule decides.
    const waitMs = sharedWaitMs === undefined ? this.limit.reserve(Date.now(), maxWaitMs) : sharedWaitMs;
    if (waitMs === null) {
      throw new VendorBusyError(
        this.source,
        `${route} was not sent: the vendor's rate limit (${this.perSecond} a second) has no turn free within ${Math.round(maxWaitMs)} ms`,
      );
    }
    if (waitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const wait = { timer: setTimeout(() => wait.done(), waitMs), done: () => (this.waits.delete(wait), resolve()) };
      this.waits.add(wait);
    });
  }

  /** Ends every wait at once (its call goes on), so that no timer outlives the transport. */
  close(): void {
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.done();
    }
    this.waits.clear();
  }
}
