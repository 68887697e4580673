import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../services/request-services';
import { SourceStatus } from './source-status.type';

@Resolver()
export class SourceResolver {
  @Query(() => [SourceStatus], { description: 'Per vendor: configured, reachable now, latency and last error seen.' })
  sources(@Ctx() context: Context): Promise<SourceStatus[]> {
    return context.health.statuses();
  }
}
