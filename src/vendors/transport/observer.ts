/**
 * What the vendor transport tells whoever watches it (metrics, traces): one hook around every
 * attempt that is sent, and an event for every attempt's outcome, every retry, every change of a
 * vendor's circuit breaker and every change of its queue. The transport knows nothing of Prometheus
 * or OpenTelemetry; an observer is injected through the clients' deps (`VendorClientDeps.observer`,
 * passed by `createAdapters(vendors, deps)`), and without one nothing is observed.
 *
 * Events are called synchronously, on the transport's own path: they must be quick and must not
 * throw (a throwing event is logged and ignored). `attempt` must call `run` exactly once and return
 * (or rethrow) what it gives.
 */
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import type { UnsentReason, VendorErrorCode } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A vendor's circuit breaker: CLOSED lets calls through, OPEN refuses them, HALF_OPEN lets one trial through. */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** One attempt of one vendor call. */
export interface AttemptInfo {
  source: Source;
  /** The endpoint's stable name (`listUsers`), or `probe` for a health probe. */
  route: string;
  method: HttpMethod;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  attempt: number;
}

/** How one attempt ended; sent once per attempt, whether or not it was sent. */
export interface AttemptOutcome extends AttemptInfo {
  /**
   * `ok` when the vendor answered and the transport took the answer (any status but 5xx and 429:
   * what a 404 means is the client's business); otherwise the error's code.
   */
  outcome: 'ok' | VendorErrorCode;
  /** The HTTP status, when the vendor answered. */
  status?: number;
  /** From the attempt's start (queueing and rate-limit waits included) to its end. */
  latencyMs: number;
  /** Set when the attempt was refused before anything was sent, with the reason. */
  unsent?: UnsentReason;
}

/** A retry about to wait `delayMs`, after attempt number `attempt` failed with `reason`. */
export interface RetryInfo extends AttemptInfo {
  delayMs: number;
  reason: VendorErrorCode;
  status?: number;
}

export interface VendorObserver {
  /**
   * Wraps one attempt that is being sent, from signing to the last byte of the answer. `headers`
   * are the request's headers before the vendor's credentials are added: an observer may add to
   * them (a tracer's `traceparent`), and they are then signed and sent. Not called for an attempt
   * refused before sending.
   */
  attempt<T>(info: AttemptInfo, headers: Record<string, string>, run: () => Promise<T>): Promise<T>;
  /** After every attempt, sent or refused. */
  finished(outcome: AttemptOutcome): void;
  /** Before the wait that precedes a retry. */
  retried(retry: RetryInfo): void;
  /** When a vendor's breaker changes state. */
  breakerChanged(change: { source: Source; state: CircuitState }): void;
  /** When a vendor's calls waiting for a connection (`depth`) or holding one (`active`) change. */
  queue(queue: { source: Source; depth: number; active: number }): void;
  /** When a vendor starts refusing the gateway's credentials (401/403), or accepts them again. */
  credentialsChanged(change: { source: Source; rejected: boolean }): void;
}

/** The observer of a transport nobody watches. */
export const NO_OBSERVER: VendorObserver = {
  attempt: (_info, _headers, run) => run(),
  finished: () => undefined,
  retried: () => undefined,
  breakerChanged: () => undefined,
  queue: () => undefined,
  credentialsChanged: () => undefined,
};

/**
 * `observer` with what it leaves out taken from {@link NO_OBSERVER}, and its events made safe: an
 * event that throws is logged at warn and ignored, never allowed to fail the call it watches.
 * `attempt` is left as given, since it runs the call itself and must pass on what the call gives.
 */
export function guardedObserver(
  observer: Partial<VendorObserver> | undefined,
  logger: Logger,
  source: Source,
): VendorObserver {
  const full: VendorObserver = { ...NO_OBSERVER, ...observer };
  const safely = (event: () => void): void => {
    try {
      event();
    } catch (error) {
      logger.warn({ source, err: error }, 'a vendor call observer failed');
    }
  };
  return {
    attempt: (info, headers, run) => full.attempt(info, headers, run),
    finished: (outcome) => safely(() => full.finished(outcome)),
    retried: (retry) => safely(() => full.retried(retry)),
    breakerChanged: (change) => safely(() => full.breakerChanged(change)),
    queue: (queue) => safely(() => full.queue(queue)),
    credentialsChanged: (change) => safely(() => full.credentialsChanged(change)),
  };
}
