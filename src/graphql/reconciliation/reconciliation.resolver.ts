import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../services/request-services';
import { connectionCost } from '../plugins/query-cost';
import { AmbiguousRecord, FieldDrift, MissingRecord } from './reconciliation-entries.type';
import { Reconciliation } from './reconciliation.type';
import { User } from '../user/user.type';
import type { GatewayUser } from '../../services/user-directory';
import { pageSize } from '../relay/connection';

@Resolver(() => Reconciliation)
export class ReconciliationResolver {
  @Authorized('admin')
  @Query(() => Reconciliation, {
    description:
      'The reconciliation report, from what the last sync and the mirror saw (no vendor is called). Admins only.',
    complexity: connectionCost,
  })
  async reconciliation(
    @Ctx() context: Context,
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

/** The people the report names, as Users (null for one deleted since). */
@Resolver(() => MissingRecord)
export class MissingRecordResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The person (null when deleted since).' })
  user(@Root() entry: MissingRecord, @Ctx() context: Context): Promise<GatewayUser | null> {
    return context.users.byId(entry.userId);
  }
}

@Resolver(() => FieldDrift)
export class FieldDriftResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'The person whose records disagree (null when deleted since).',
  })
  user(@Root() entry: FieldDrift, @Ctx() context: Context): Promise<GatewayUser | null> {
    return context.users.byId(entry.userId);
  }
}

@Resolver(() => AmbiguousRecord)
export class AmbiguousRecordResolver {
  @FieldResolver(() => [User], { description: 'The people it could be.' })
  async candidates(@Root() entry: AmbiguousRecord, @Ctx() context: Context): Promise<GatewayUser[]> {
    const users = await Promise.all(entry.userIds.map((id) => context.users.byId(id)));
    return users.filter((user): user is GatewayUser => user !== null);
  }
}

export const RECONCILIATION_RESOLVERS = [
  ReconciliationResolver,
  MissingRecordResolver,
  FieldDriftResolver,
  AmbiguousRecordResolver,
] as const;
