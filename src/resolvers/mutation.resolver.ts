import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { ChangePasswordInput, CreateUserInput, DeleteUserInput, SetPermissionsInput, UpdateUserInput } from '../schema/mutation-inputs';
import { ChangePasswordPayload, CreateUserPayload, DeleteUserPayload, SetPermissionsPayload, UpdateUserPayload } from '../schema/mutation-payloads';
import type { User } from '../schema/user.type';
import type { MutationOutcome } from '../services/writes/mutations';

/** The payload every mutation answers: the recorded outcome, with the user as it is now. */
async function payload(context: Context, outcome: MutationOutcome) {
  const user = outcome.userId === null ? null : await context.loaders.store.user.load(outcome.userId);
  return { user: user as unknown as User | null, results: outcome.results, userErrors: outcome.userErrors, replayed: outcome.replayed };
}

@Resolver()
export class MutationResolver {
  @Mutation(() => CreateUserPayload, { description: 'Creates a person at every targeted vendor at once; validates everything first, then writes concurrently.' })
  async createUser(@Ctx() context: Context, @Arg('input', () => CreateUserInput) input: CreateUserInput) {
    return payload(context, await context.mutations.createUser(input));
  }

  @Mutation(() => UpdateUserPayload, { description: 'Changes profile fields at the linked vendors that can change them.' })
  async updateUser(@Ctx() context: Context, @Arg('input', () => UpdateUserInput) input: UpdateUserInput) {
    return payload(context, await context.mutations.updateUser(input));
  }

  @Mutation(() => ChangePasswordPayload, { description: 'Sets a new password at RainMaker, GreenArrow and user-management, where the user has a record.' })
  async changePassword(@Ctx() context: Context, @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput) {
    return payload(context, await context.mutations.changePassword(input));
  }

  @Mutation(() => SetPermissionsPayload, { description: "Sets the user's GreenArrow permissions." })
  async setPermissions(@Ctx() context: Context, @Arg('input', () => SetPermissionsInput) input: SetPermissionsInput) {
    return payload(context, await context.mutations.setPermissions(input));
  }

  @Mutation(() => DeleteUserPayload, { description: 'Deletes the user at every linked vendor (or the given ones); the gateway user goes when no record is left.' })
  async deleteUser(@Ctx() context: Context, @Arg('input', () => DeleteUserInput) input: DeleteUserInput) {
    return payload(context, await context.mutations.deleteUser(input));
  }
}
