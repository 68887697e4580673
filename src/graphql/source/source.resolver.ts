import { Ctx, Query, Resolver } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import { SourceStatus } from './source-status.type';

@Resolver()
export class SourceResolver {
  @Query(() => [SourceStatus], { description: 'Per vendor: configured, reachable now, latency and last error seen.' })
  sources(@Ctx() context: RequestServices): Promise<SourceStatus[]> {
    return context.health.statuses();
  }
}
