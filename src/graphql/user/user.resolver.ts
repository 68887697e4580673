import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../services/request-services';
import type { Permissions as DomainPermissions } from '../../domain/types';
import { connectionCost } from '../plugins/query-cost';
import { Identity } from './identity.type';
import { Permissions } from './permissions.type';
import { Subscriptions } from './subscriptions.type';
import { UserConnection } from './user-connection.type';
import { UserFilter } from './user-filter.input';
import { User } from './user.type';
import type { GatewayUser } from '../../services/user-directory';
import { connection, decodeCursor, pageSize } from '../relay/connection';

const USERS = 'users';

/**
 * The root value of a User is the gateway's own record; every other field comes from the vendors
 * through the request's directory, which knows which vendor answers what.
 */
@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'One user, by gateway id or by email address (give exactly one).' })
  async user(
    @Ctx() context: Context,
    @Arg('id', () => ID, { nullable: true, description: 'The gateway id.' }) id?: string | null,
    @Arg('email', () => String, {
      nullable: true,
      description:
        'Email address, any letter case; also finds a person by an address one of their vendor records still holds.',
    })
    email?: string | null,
  ): Promise<GatewayUser | null> {
    if ((id == null) === (email == null)) {
      throw new GraphQLError('Give exactly one of `id` and `email`', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return id != null ? context.users.byId(id) : context.users.byEmail(email!);
  }

  @Query(() => UserConnection, {
    description: 'Every user the gateway knows, oldest first, a page at a time (Relay).',
    complexity: connectionCost,
  })
  async users(
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 500; default 20.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' })
    after?: string | null,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Conditions every returned user meets.' })
    filter?: UserFilter | null,
  ): Promise<UserConnection> {
    const size = pageSize(first);
    const afterId = after == null ? undefined : decodeCursor(USERS, after);
    const criteria = { emailContains: filter?.emailContains ?? undefined, source: filter?.source ?? undefined };
    if (size === 0) {
      const { totalCount } = await context.users.page({ first: 1, after: afterId, filter: criteria });
      return connection(USERS, [], {
        hasNextPage: totalCount > 0,
        hasPreviousPage: afterId !== undefined,
        totalCount,
      }) as unknown as UserConnection;
    }
    const page = await context.users.page({ first: size, after: afterId, filter: criteria });
    return connection(
      USERS,
      page.users.map((user) => ({ node: user, position: user.id })),
      { hasNextPage: page.hasNextPage, hasPreviousPage: afterId !== undefined, totalCount: page.totalCount },
    ) as unknown as UserConnection;
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'phone');
  }

  @FieldResolver(() => String, { nullable: true })
  username(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'username');
  }

  @FieldResolver(() => String, { nullable: true })
  displayName(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'displayName');
  }

  @FieldResolver(() => String, { nullable: true })
  firstName(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'firstName');
  }

  @FieldResolver(() => String, { nullable: true })
  lastName(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'lastName');
  }

  @FieldResolver(() => String, { nullable: true })
  country(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'country');
  }

  @FieldResolver(() => String, { nullable: true })
  state(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'state');
  }

  @FieldResolver(() => Date, { nullable: true })
  lastActiveAt(@Root() user: GatewayUser, @Ctx() context: Context): Promise<Date | null> {
    return context.users.field(user, 'lastActiveAt');
  }

  @FieldResolver(() => String, { nullable: true })
  locale(@Root() user: GatewayUser, @Ctx() context: Context): Promise<string | null> {
    return context.users.field(user, 'locale');
  }

  /** Non-null, so a failing vendor falls back (to the next vendor, then the last value seen) instead of erroring. */
  @FieldResolver(() => Boolean)
  async active(@Root() user: GatewayUser, @Ctx() context: Context): Promise<boolean> {
    return (await context.users.field(user, 'active', { tolerateFailures: true })) ?? true;
  }

  @FieldResolver(() => Subscriptions, { nullable: true })
  async subscriptions(@Root() user: GatewayUser, @Ctx() context: Context): Promise<Subscriptions | null> {
    const subscriptions = await context.users.field(user, 'subscriptions');
    return subscriptions && { email: subscriptions.email, sms: subscriptions.sms, voice: subscriptions.voice ?? false };
  }

  @FieldResolver(() => Permissions, { nullable: true })
  permissions(@Root() user: GatewayUser, @Ctx() context: Context): Promise<DomainPermissions | null> {
    return context.users.field(user, 'permissions');
  }

  @FieldResolver(() => [Identity])
  identities(@Root() user: GatewayUser, @Ctx() context: Context): Promise<Identity[]> {
    return context.users.identitiesOf(user.id);
  }
}
