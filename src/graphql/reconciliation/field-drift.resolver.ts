import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { User } from '../user/user.type';
import { FieldDrift } from './field-drift.type';

/** The person the drift is about, as a User (null for one deleted since). */
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
