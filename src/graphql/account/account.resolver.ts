import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import { InvalidArgumentError } from '../errors/invalid-argument.error';
import { connectionCost } from '../plugins/query-cost';
import { ConnectionArgs } from '../relay/connection.args';
import { connection, requestedPage } from '../relay/connection';
import type { UserConnection } from '../user/user-connection.type';
import { settleSelected } from '../user/view-fields';
import { Account } from './account.type';

const ACCOUNT_USERS = 'account-users';

@Resolver(() => Account)
export class AccountResolver implements ResolverInterface<Account> {
  @Query(() => Account, {
    nullable: true,
    description: 'A user-management account; null when the API has no such account.',
  })
  async account(
    @Ctx() context: RequestServices,
    @Arg('id', () => ID, { description: "The user-management API's account id." }) id: string,
  ): Promise<Account | null> {
    return (await context.accounts.exists(id)) ? { id } : null;
  }

  @FieldResolver({ complexity: connectionCost })
  async users(
    @Root() account: Account,
    @Ctx() context: RequestServices,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UserConnection> {
    const name = `${ACCOUNT_USERS}:${account.id}`;
    const { size, after: afterId } = requestedPage(name, args);
    const members = await context.accounts.members(account.id);
    const start = afterId === undefined ? 0 : members.findIndex((member) => member.externalId === afterId) + 1;
    if (afterId !== undefined && start === 0) {
      throw new InvalidArgumentError(
        '`after` names a user who is no longer in this account; start again without it',
        'after',
      );
    }
    const page = members.slice(start, start + size);
    const userIds = await context.accounts.usersOf(page);
    const users = await Promise.all(
      userIds.map((userId) => (userId === null ? Promise.resolve(null) : context.users.byId(userId))),
    );
    await settleSelected(context, users.filter(isUser), info, 'connection');
    const nodes = page.flatMap((member, index) => {
      const user = users[index];
      return user ? [{ node: user, position: member.externalId }] : [];
    });
    return connection(name, nodes, {
      hasNextPage: start + size < members.length,
      hasPreviousPage: start > 0,
      totalCount: members.length,
    });
  }
}

const isUser = <T>(user: T | null): user is T => user !== null;
