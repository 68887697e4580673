import { Ctx, FieldResolver, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { User } from '../user/user.type';
import { Account } from './account.type';

/** User with the field this feature adds to it. */
type UserWithAccount = User & { account?: Account | null };

/** `User.account`: the account feature adds it to User, so that users know nothing of accounts. */
@Resolver(() => User)
export class UserAccountResolver implements ResolverInterface<UserWithAccount> {
  @FieldResolver(() => Account, { nullable: true, description: "The user's default user-management account." })
  async account(@Root() user: GatewayUser, @Ctx() context: RequestServices): Promise<Account | null> {
    const accountId = await context.users.field(user, 'accountId');
    return accountId === null ? null : { id: accountId };
  }
}
