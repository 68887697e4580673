import type {
  AttemptInfo,
  AttemptOutcome,
  CircuitState,
  RetryInfo,
  VendorObserver,
} from '../vendors/transport/observer';
import { breakerStateWord, type VendorStates } from './health';
import type { GatewayMetrics } from './metrics';
import type { Tracing } from './tracing';

/**
 * What the operator's side hears from the vendor transport (src/vendors/transport/observer.ts): each attempt
 * sent gets a client span and carries its `traceparent` (with tracing), each attempt's end, each
 * retry, breaker change, queue change and credentials verdict feeds the Prometheus metrics (when
 * on), and the breaker states and credentials verdicts feed readiness. Label values are the transport's own (`source`, route names, outcomes).
 */
export function createVendorObserver(parts: {
  metrics: GatewayMetrics | null;
  tracing: Tracing | null;
  vendors: VendorStates;
}): VendorObserver {
  const { metrics, tracing, vendors } = parts;
  return {
    attempt: <T>(info: AttemptInfo, headers: Record<string, string>, run: () => Promise<T>) =>
      tracing ? tracing.vendorAttempt(info, headers, run) : run(),
    finished(outcome: AttemptOutcome) {
      metrics?.vendorCallFinished(outcome);
    },
    retried(retry: RetryInfo) {
      metrics?.vendorRetried(retry);
    },
    breakerChanged(change: { source: string; state: CircuitState }) {
      const state = breakerStateWord(change.state);
      vendors.breakerChanged(change.source, state);
      metrics?.breakerChanged(change.source, state);
    },
    queue(queue: { source: string; depth: number; active: number }) {
      metrics?.queueChanged(queue.source, queue.depth, queue.active);
    },
    credentialsChanged(change: { source: string; rejected: boolean }) {
      vendors.credentialsChanged(change.source, change.rejected);
      metrics?.credentialsChanged(change.source, change.rejected);
    },
  };
}
