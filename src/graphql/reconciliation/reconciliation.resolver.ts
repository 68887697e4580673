import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import { connectionCost } from '../plugins/query-cost';
import { Reconciliation } from './reconciliation.type';
import { pageSize } from '../relay/connection';

@Resolver()
export class ReconciliationResolver {
  @Authorized('admin')
  @Query(() => Reconciliation, {
    description:
      'The reconciliation report, from what the last sync and the mirror saw (no vendor is called). Admins only.',
    complexity: connectionCost,
  })
  async reconciliation(
    @Ctx() context: RequestServices,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'Entries per list, 1 to 500; default 20. The counts are over everything.',
    })
    first?: number | null,
  ): Promise<Reconciliation> {
    const report = await context.reconciliation.report(Math.max(1, pageSize(first)));
    return {
      ...report,
      sources: report.sources.map(({ lastCompleteAt, ...source }) => ({
        ...source,
        lastCompleteSyncAt: lastCompleteAt,
      })),
    };
  }
}
