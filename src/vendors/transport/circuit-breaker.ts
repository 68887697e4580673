/**
 * The vendor's circuit breaker, cockatiel's consecutive breaker: after `breakerThreshold` failures
 * in a row that say the vendor is in trouble it opens, and every call is refused without being
 * sent for `breakerHalfOpenMs`; then a single trial goes through, which closes it again or
 * reopens it. Its changes are logged (the opening once at warn) and told to the observer.
 */
import {
  BrokenCircuitError,
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { VendorError, VendorTimeoutError, VendorUnavailableError } from './errors';
import type { CircuitState, VendorObserver } from './observer';
import type { SharedVendorState } from './shared-state';

const BREAKER_STATES: Record<BreakerState, CircuitState> = {
  [BreakerState.Closed]: 'CLOSED',
  [BreakerState.Open]: 'OPEN',
  [BreakerState.HalfOpen]: 'HALF_OPEN',
  [BreakerState.Isolated]: 'OPEN',
};

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

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long an open breaker refuses every call before letting one trial through. */
  halfOpenMs: number;
}

export class VendorCircuitBreaker {
  private readonly breaker: CircuitBreakerPolicy;
  /** When the breaker last opened (Date.now()), to refuse calls before its half-open delay without asking it. */
  private openedAt = 0;
  /** Until when another replica's breaker found the vendor down (Date.now()), with Redis. */
  private openElsewhereUntil = 0;

  constructor(
    private readonly source: Source,
    private readonly settings: CircuitBreakerSettings,
    private readonly logger: Logger,
    private readonly observer: VendorObserver,
    /** With Redis: this breaker's opening refuses calls at every replica for its half-open delay (shared-state.ts). */
    private readonly shared: SharedVendorState | null = null,
  ) {
    this.breaker = circuitBreaker(handleWhen(countsAgainstVendor), {
      halfOpenAfter: settings.halfOpenMs,
      breaker: new ConsecutiveBreaker(settings.threshold),
    });
    this.breaker.onStateChange((state) => this.changed(state));
  }

  /** The breaker's state, as `sources` shows it: OPEN too while another replica's breaker found the vendor down. */
  get state(): CircuitState {
    const state = BREAKER_STATES[this.breaker.state];
    return state === 'CLOSED' && Date.now() < this.openElsewhereUntil ? 'OPEN' : state;
  }

  /**
   * What Redis says now of the vendor being down elsewhere: `leftMs` of another replica's half-open
   * delay (calls here are refused until it ends), or 0 once a trial anywhere found the vendor back.
   */
  heard(leftMs: number): void {
    this.openElsewhereUntil = leftMs > 0 ? Date.now() + leftMs : 0;
  }

  /**
   * The outcome of a call that was the deployment's trial (see SharedVendorState.view): a success
   * closes the vendor for every replica, a failure that counts against the vendor opens it again for
   * every replica, anything else lets another call try.
   */
  sharedTrialEnded(error: unknown): void {
    if (this.shared === null) return;
    if (error === undefined) {
      this.openElsewhereUntil = 0;
      void this.shared.publishClosed();
    } else if (error instanceof Error && countsAgainstVendor(error)) {
      this.heard(this.settings.halfOpenMs);
      void this.shared.publishOpen(this.settings.halfOpenMs);
    } else void this.shared.releaseTrial();
  }

  /** Refuses while the breaker is open and its half-open delay runs, and while its single half-open trial runs. */
  refuseIfOpen(route: string): void {
    const state = this.breaker.state;
    const waiting = state === BreakerState.Open && Date.now() - this.openedAt < this.settings.halfOpenMs;
    if (waiting || state === BreakerState.HalfOpen || state === BreakerState.Isolated) throw this.open(route);
    if (Date.now() < this.openElsewhereUntil) {
      throw new VendorUnavailableError(
        this.source,
        `${route} was not sent: another replica's circuit breaker found the vendor down`,
        { unsent: 'circuit-open' },
      );
    }
  }

  /** Runs `run` under the breaker, which counts its failure (see countsAgainstVendor) or success. */
  async execute<T>(route: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(run);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw this.open(route);
      throw error;
    }
  }

  private open(route: string): VendorUnavailableError {
    return new VendorUnavailableError(
      this.source,
      `${route} was not sent: the circuit breaker is open after ${this.settings.threshold} failures in a row`,
      {
        unsent: 'circuit-open',
      },
    );
  }

  private changed(state: BreakerState): void {
    if (state === BreakerState.Open) this.openedAt = Date.now();
    if (this.shared !== null) {
      if (state === BreakerState.Open) void this.shared.publishOpen(this.settings.halfOpenMs);
      // A trial call succeeded here: the vendor is back for every replica.
      else if (state === BreakerState.Closed) {
        this.openElsewhereUntil = 0;
        void this.shared.publishClosed();
      }
    }
    const circuit = BREAKER_STATES[state];
    const fields = {
      source: this.source,
      circuit,
      threshold: this.settings.threshold,
      halfOpenMs: this.settings.halfOpenMs,
    };
    if (state === BreakerState.Open)
      this.logger.warn(fields, 'vendor circuit opened: calls fail fast until a trial call succeeds');
    else
      this.logger.info(
        fields,
        state === BreakerState.Closed
          ? 'vendor circuit closed: calls go through again'
          : 'vendor circuit half-open: one trial call goes through',
      );
    this.observer.breakerChanged({ source: this.source, state: circuit });
  }
}
