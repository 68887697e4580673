import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { SOURCES } from '../domain/types';
import { SourceStatus } from '../schema/source-status.type';

@Resolver(() => SourceStatus)
export class SourceResolver {
  @Query(() => [SourceStatus], { description: 'Per vendor: configured, reachable now, latency and last error seen.' })
  async sources(@Ctx() context: Context): Promise<SourceStatus[]> {
    return Promise.all(
      SOURCES.map(async (source) => {
        const http = context.sources[source]?.http;
        if (!http) return { source, configured: false, reachable: false, latencyMs: null, lastError: null, lastSuccessAt: null };
        const reachable = await http.probe();
        const { lastLatencyMs, lastError, lastSuccessAt } = http.health;
        return { source, configured: true, reachable, latencyMs: lastLatencyMs, lastError, lastSuccessAt };
      }),
    );
  }
}
