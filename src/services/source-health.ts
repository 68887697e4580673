import { SOURCES, type Source } from '../domain/types';
import type { Health } from '../sources/adapter';
import type { Adapters } from '../sources/registry';

export interface SourceHealth extends Health {
  source: Source;
  configured: boolean;
}

/** Every vendor's health as this gateway instance sees it, probing the configured ones now. */
export class HealthService {
  constructor(private readonly adapters: Adapters) {}

  statuses(): Promise<SourceHealth[]> {
    return Promise.all(
      SOURCES.map(async (source): Promise<SourceHealth> => {
        const adapter = this.adapters.get(source);
        if (!adapter) return { source, configured: false, reachable: false, latencyMs: null, lastError: null, lastSuccessAt: null };
        return { source, configured: true, ...(await adapter.health()) };
      }),
    );
  }
}
