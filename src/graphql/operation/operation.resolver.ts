import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import { connectionCost } from '../plugins/query-cost';
import { OperationConnection } from './operation-connection.type';
import { OperationFilter } from './operation-filter.input';
import { ConnectionArgs } from '../relay/connection.args';
import { connection, requestedPage } from '../relay/connection';

const OPERATIONS = 'operations';

/** The audit trail, for admins: recent mutations from the journal, through the audit log service. */
@Resolver()
export class OperationResolver {
  @Authorized('admin')
  @Query(() => OperationConnection, {
    description:
      'Recent mutations, newest first, a page at a time (Relay): who asked, from where, the fields changed and where each landed. Admins only.',
    complexity: connectionCost,
  })
  async operations(
    @Ctx() context: RequestServices,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OperationFilter, { nullable: true, description: 'Conditions every returned operation meets.' })
    filter?: OperationFilter | null,
  ): Promise<OperationConnection> {
    const { size, after: afterId } = requestedPage(OPERATIONS, args);
    const criteria = { userId: filter?.userId ?? undefined, mutation: filter?.mutation ?? undefined };
    const page = await context.audit.page({ first: size, after: afterId, filter: criteria });
    return connection(
      OPERATIONS,
      page.entries.map((entry) => ({ node: entry, position: entry.id })),
      {
        hasNextPage: size === 0 ? page.totalCount > 0 : page.hasNextPage,
        hasPreviousPage: afterId !== undefined,
        totalCount: page.totalCount,
      },
    );
  }
}
