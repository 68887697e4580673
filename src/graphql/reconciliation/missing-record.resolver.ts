import { Ctx, FieldResolver, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { MissingRecord } from './missing-record.type';

/** The person missing at a vendor, as a User (null for one deleted since). */
@Resolver(() => MissingRecord)
export class MissingRecordResolver implements ResolverInterface<MissingRecord> {
  @FieldResolver()
  user(@Root() entry: MissingRecord, @Ctx() context: RequestServices): Promise<GatewayUser | null> {
    return context.users.byId(entry.userId);
  }
}
