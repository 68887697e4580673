import { Ctx, FieldResolver, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { FieldDrift } from './field-drift.type';

/** The person the drift is about, as a User (null for one deleted since). */
@Resolver(() => FieldDrift)
export class FieldDriftResolver implements ResolverInterface<FieldDrift> {
  @FieldResolver()
  user(@Root() entry: FieldDrift, @Ctx() context: RequestServices): Promise<GatewayUser | null> {
    return context.users.byId(entry.userId);
  }
}
