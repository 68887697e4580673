import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { connectionCost } from '../query-cost';
import { Account } from '../schema/account.type';
import { UserConnection } from '../schema/user-connection.type';
import type { User } from '../schema/user.type';
import { decodeCursor, encodeCursor, pageSize } from '../services/cursors';
import { linkRecords } from '../services/identity-linker';
import { VendorNotFoundError } from '../sources/errors';
import { vendorField } from './vendor-field';

const ACCOUNT_USERS = 'account-users';

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => Account, { nullable: true, description: 'A user-management account; null when the API has no such account.' })
  async account(@Ctx() context: Context, @Arg('id', () => ID, { description: "The user-management API's account id." }) id: string): Promise<Account | null> {
    const users = context.loaders.userManagement.accountUsers.load(id);
    // The API has no account endpoint: an account exists when its user listing does.
    try {
      await users;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      await vendorField(users);
    }
    return { id };
  }

  @FieldResolver(() => UserConnection, { description: "The account's users, in the user-management API's order (Relay).", complexity: connectionCost })
  async users(
    @Root() account: Account,
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 500; default 20.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string | null,
  ): Promise<UserConnection> {
    const size = pageSize(first);
    const managed = await vendorField(context.loaders.userManagement.accountUsers.load(account.id));
    const afterId = after == null ? undefined : decodeCursor(`${ACCOUNT_USERS}:${account.id}`, after);
    const start = afterId === undefined ? 0 : managed.findIndex((user) => user.externalId === afterId) + 1;
    if (afterId !== undefined && start === 0) {
      throw new GraphQLError('`after` names a user who is no longer in this account; start again without it', {
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
      });
    }
    const page = managed.slice(start, start + size);

    const known = await context.loaders.store.userIdByRecord.loadMany(
      page.map((user) => ({ source: 'USER_MANAGEMENT' as const, externalId: user.externalId })),
    );
    const unlinked = page.filter((_, index) => typeof known[index] !== 'string');
    // Users created at the vendor behind the gateway's back are linked the first time they are seen.
    const linked = unlinked.length === 0 ? new Map<string, string>() : await linkRecords(
      context.store,
      'USER_MANAGEMENT',
      unlinked.map((user) => ({ externalId: user.externalId, email: user.email, values: { username: user.username, active: user.active } })),
    );
    const userIds = page.map((user, index) => (typeof known[index] === 'string' ? (known[index] as string) : linked.get(user.externalId)!));
    const users = await context.loaders.store.user.loadMany(userIds);

    const edges = page.flatMap((user, index) => {
      const node = users[index];
      return node && !(node instanceof Error) ? [{ cursor: encodeCursor(`${ACCOUNT_USERS}:${account.id}`, user.externalId), node: node as unknown as User }] : [];
    });
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: start + size < managed.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: managed.length,
    };
  }
}
