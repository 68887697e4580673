import { Ctx, FieldResolver, Resolver, Root, type ResolverInterface } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { User } from '../user/user.type';
import { Account } from './account.type';
import { answeredFromView, whenSettled } from '../user/view-fields';

/** User with the field this feature adds to it. */
type UserWithAccount = User & { account?: Account | null };

/** `User.account`: the account feature adds it to User, so that users know nothing of accounts. */
@Resolver(() => User)
export class UserAccountResolver implements ResolverInterface<UserWithAccount> {
  @FieldResolver(() => Account, { nullable: true, description: "The user's default user-management account." })
  account(@Root() user: GatewayUser, @Ctx() context: RequestServices): Account | null | Promise<Account | null> {
    return whenSettled(context.users.fieldNowOrLater(user, 'accountId'), accountOf);
  }
}

const accountOf = (accountId: string | null): Account | null => (accountId === null ? null : { id: accountId });

answeredFromView('account', 'accountId');
