import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { InvalidArgumentError } from '../errors/invalid-argument.error';
import { connectionCost } from '../plugins/query-cost';
import { ConnectionArgs } from '../relay/connection.args';
import { connection, requestedPage } from '../relay/connection';
import { Identity } from './identity.type';
import { Subscriptions } from './subscriptions.type';
import { UserConnection } from './user-connection.type';
import { UserFilter } from './user-filter.input';
import { User } from './user.type';
import { resolveFromView, settleSelected, viewAnswer, type AnyViewAnswer } from './view-fields';

const USERS = 'users';

/**
 * The root value of a User is the gateway's own record; every other field comes from the vendors
 * through the request's directory, which knows which vendor answers what. Field resolvers type
 * their root as GatewayUser, an interface, so type-graphql passes it as it is rather than copying
 * it into a new User for every field of every user.
 */
@Resolver(() => User)
export class UserResolver implements ResolverInterface<User> {
  @Query(() => User, { nullable: true, description: 'One user, by gateway id or by email address (give exactly one).' })
  async user(
    @Ctx() context: RequestServices,
    @Info() info: GraphQLResolveInfo,
    @Arg('id', () => ID, { nullable: true, description: 'The gateway id.' }) id?: string | null,
    @Arg('email', () => String, {
      nullable: true,
      description:
        'Email address, any letter case; also finds a person by an address one of their vendor records still holds.',
    })
    email?: string | null,
  ): Promise<GatewayUser | null> {
    if ((id == null) === (email == null)) {
      throw new InvalidArgumentError('Give exactly one of `id` and `email`');
    }
    const user = await (id != null ? context.users.byId(id) : context.users.byEmail(email!));
    if (user !== null) await settleSelected(context, [user], info, 'self');
    return user;
  }

  @Query(() => UserConnection, {
    description: 'Every user the gateway knows, oldest first, a page at a time (Relay).',
    complexity: connectionCost,
  })
  async users(
    @Ctx() context: RequestServices,
    @Info() info: GraphQLResolveInfo,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Conditions every returned user meets.' })
    filter?: UserFilter | null,
  ): Promise<UserConnection> {
    const { size, after: afterId } = requestedPage(USERS, args);
    const criteria = { emailContains: filter?.emailContains ?? undefined, source: filter?.source ?? undefined };
    if (size === 0) {
      const { totalCount } = await context.users.page({ first: 1, after: afterId, filter: criteria });
      return connection(USERS, [], {
        hasNextPage: totalCount > 0,
        hasPreviousPage: afterId !== undefined,
        totalCount,
      });
    }
    const page = await context.users.page({ first: size, after: afterId, filter: criteria });
    await settleSelected(context, page.users, info, 'connection');
    return connection(
      USERS,
      page.users.map((user) => ({ node: user, position: user.id })),
      { hasNextPage: page.hasNextPage, hasPreviousPage: afterId !== undefined, totalCount: page.totalCount },
    );
  }

  @FieldResolver()
  identities(@Root() user: GatewayUser, @Ctx() context: RequestServices): Promise<Identity[]> {
    return context.users.identitiesOf(user.id);
  }
}

/**
 * The User fields answered from the directory's view of a person (user.type.ts declares them),
 * with what turns the view's value into the field's where they differ.
 */
const VIEW_FIELDS: { [Name in keyof User]?: AnyViewAnswer } = {
  phone: { field: 'phone' },
  username: { field: 'username' },
  displayName: { field: 'displayName' },
  firstName: { field: 'firstName' },
  lastName: { field: 'lastName' },
  country: { field: 'country' },
  state: { field: 'state' },
  lastActiveAt: { field: 'lastActiveAt' },
  locale: { field: 'locale' },
  permissions: { field: 'permissions' },
  /** Non-null, so a failing vendor falls back (to the next vendor, then the last value seen) instead of erroring. */
  active: viewAnswer('active', (active) => active ?? true),
  /** Engagement does not return the voice flag on reads: false when the gateway never saw one. */
  subscriptions: viewAnswer(
    'subscriptions',
    (subscriptions): Subscriptions | null =>
      subscriptions && { email: subscriptions.email, sms: subscriptions.sms, voice: subscriptions.voice ?? false },
  ),
};

/** Gives User's view fields their resolvers (see resolveFromView); createSchema calls it. */
export function resolveUserViewFields(schema: GraphQLSchema): void {
  resolveFromView(schema, 'User', VIEW_FIELDS);
}
