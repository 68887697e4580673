import { Ctx, FieldResolver, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { AmbiguousRecord } from './ambiguous-record.type';

/** The people an unlinked record could be, as Users (those deleted since left out). */
@Resolver(() => AmbiguousRecord)
export class AmbiguousRecordResolver implements ResolverInterface<AmbiguousRecord> {
  @FieldResolver()
  async candidates(@Root() entry: AmbiguousRecord, @Ctx() context: RequestServices): Promise<GatewayUser[]> {
    const users = await Promise.all(entry.userIds.map((id) => context.users.byId(id)));
    return users.filter((user): user is GatewayUser => user !== null);
  }
}
