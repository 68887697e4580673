import { SOURCES, type Source } from '../domain/types';
import type { Health } from '../vendors/kit/adapter';
import type { Adapters } from '../vendors/registry';

/** The database engine of this gateway instance (the store's `Database['engine']`). */
export type StoreEngine = 'sqlite' | 'postgres';

export interface SourceHealth extends Omit<Health, 'circuit'> {
  source: Source;
  /** This gateway instance's database engine, the same for every vendor. */
  storeEngine: StoreEngine;
  configured: boolean;
  /** The vendor's circuit breaker; null when the vendor is not configured (it has none). */
  circuit: Health['circuit'] | null;
}

/**
 * Every vendor's health as this gateway instance sees it, probing the configured ones now. One
 * instance serves one request: however many times the request asks (1,500 aliased `sources`
 * fields), each vendor is probed once and every field gets that answer.
 */
export class HealthService {
  private probed: Promise<SourceHealth[]> | null = null;

  constructor(
    private readonly adapters: Adapters,
    private readonly storeEngine: StoreEngine,
  ) {}

  /** Rejects (with VENDOR_CALL_BUDGET_EXCEEDED) when the request may not probe them all, once every probe has ended. */
  statuses(): Promise<SourceHealth[]> {
    this.probed ??= this.probeAll();
    return this.probed;
  }

  private async probeAll(): Promise<SourceHealth[]> {
    const settled = await Promise.allSettled(
      SOURCES.map(async (source): Promise<SourceHealth> => {
        const adapter = this.adapters.get(source);
        if (!adapter)
          return {
            source,
            storeEngine: this.storeEngine,
            configured: false,
            reachable: false,
            latencyMs: null,
            lastError: null,
            lastSuccessAt: null,
            circuit: null,
            authRejected: false,
          };
        return { source, storeEngine: this.storeEngine, configured: true, ...(await adapter.health()) };
      }),
    );
    const refused = settled.find((outcome) => outcome.status === 'rejected');
    if (refused) throw refused.reason;
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<SourceHealth>).value);
  }
}
