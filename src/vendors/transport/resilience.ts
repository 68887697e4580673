/**
 * The settings of a vendor's resilience policy, their defaults and their bounds. The policies
 * themselves are one file each beside this one, composed in policies.ts.
 */

/** How one vendor's transport protects the gateway from it (and it from the gateway). */
export interface ResiliencePolicy {
  /** Longest wait for a TCP connection to open. */
  connectTimeoutMs: number;
  /** Longest wait for the answer's headers once the request is sent. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of an answer's body. */
  bodyTimeoutMs: number;
  /** First retry's backoff (decorrelated jitter around it, doubling per retry). */
  retryBaseDelayMs: number;
  /** Longest backoff before one retry. */
  retryMaxDelayMs: number;
  /** Retries of one call end this long after its first attempt began, however many are left. */
  retryWindowMs: number;
  /** Longest Retry-After window honoured; a vendor asking for more is paused this long. */
  retryAfterMaxMs: number;
  /** Consecutive failures (5xx, timeouts, connection failures) that open the vendor's breaker. */
  breakerThreshold: number;
  /** How long an open breaker refuses every call before letting one trial through. */
  breakerHalfOpenMs: number;
  /**
   * Calls that may wait for one of the vendor's connections, across every request; one more is
   * refused with VENDOR_BUSY. A last resort against real overload: a call waits for a connection no
   * longer than what is left of its vendor timeout (which covers the wait and the attempt
   * together), so waiting is bounded by time, and requests take turns (see bulkhead.ts).
   */
  queue: number;

  /** Calls a second the gateway sends the vendor at most (bursts of as many); 0 for no limit. */
  rateLimitPerSecond: number;
  /** Largest answer read; a larger one is cut off unread (VENDOR_BAD_RESPONSE). */
  maxResponseBytes: number;
}

/** The defaults, which docs/configuration.md documents. */
export const DEFAULT_RESILIENCE: Readonly<ResiliencePolicy> = {
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 5_000,
  bodyTimeoutMs: 5_000,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 1_000,
  retryWindowMs: 3_000,
  retryAfterMaxMs: 60_000,
  breakerThreshold: 5,
  breakerHalfOpenMs: 10_000,
  queue: 4_096,
  rateLimitPerSecond: 0,
  maxResponseBytes: 8 * 1024 * 1024,
};

/** Each setting's bounds, for the environment reader and the transport's own checks. */
export const RESILIENCE_BOUNDS: Readonly<Record<keyof ResiliencePolicy, readonly [min: number, max: number]>> = {
  connectTimeoutMs: [1, 600_000],
  headersTimeoutMs: [1, 600_000],
  bodyTimeoutMs: [1, 600_000],
  retryBaseDelayMs: [1, 60_000],
  retryMaxDelayMs: [1, 600_000],
  retryWindowMs: [0, 600_000],
  retryAfterMaxMs: [0, 3_600_000],
  breakerThreshold: [1, 1_000_000],
  breakerHalfOpenMs: [1, 3_600_000],
  queue: [0, 1_000_000],
  rateLimitPerSecond: [0, 1_000_000],
  maxResponseBytes: [1_024, 1_073_741_824],
};

/** The policy with every setting left out taken from the defaults; a value out of bounds is a TypeError naming it. */
export function resiliencePolicy(owner: string, given: Partial<ResiliencePolicy> = {}): ResiliencePolicy {
  const policy = { ...DEFAULT_RESILIENCE, ...given };
  for (const [name, [min, max]] of Object.entries(RESILIENCE_BOUNDS) as [
    keyof ResiliencePolicy,
    readonly [number, number],
  ][]) {
    const value = policy[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new TypeError(`${owner}: resilience.${name} must be an integer from ${min} to ${max}, got ${value}`);
    }
  }
  return policy;
}
