import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestServices } from '../../services/request-services';
import type {
  CreateUserCommand,
  MailClassChoice,
  MutationOutcome,
  PermissionsChange,
  Profile,
  UpdateUserCommand,
} from '../../domain/commands';
import { ChangePasswordInput } from './change-password.input';
import { ChangePasswordPayload } from './change-password.payload';
import { CreateUserInput } from './create-user.input';
import { CreateUserPayload } from './create-user.payload';
import { DeleteUserInput } from './delete-user.input';
import { DeleteUserPayload } from './delete-user.payload';
import type { MutationPayload } from './mutation-payload.interface';
import type { PermissionsInput } from './permissions.input';
import { SetPermissionsInput } from './set-permissions.input';
import { SetPermissionsPayload } from './set-permissions.payload';
import { UpdateUserInput } from './update-user.input';
import { UpdateUserPayload } from './update-user.payload';

/** GraphQL's "absent or null" as the domain's "not given". */
function given<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** Text fields lose surrounding space; a blank one is not given. */
function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Only the keys that have a value, so "not given" never travels as a key holding undefined. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function permissionsChange(input: PermissionsInput): PermissionsChange {
  let mailClass: MailClassChoice | null | undefined;
  if (input.mailClass === null) mailClass = null;
  else if (input.mailClass) mailClass = defined({ id: text(input.mailClass.id), name: text(input.mailClass.name) });
  return defined({
    injection: given(input.injection),
    api: given(input.api),
    ui: given(input.ui),
    disabled: given(input.disabled),
    mailClass,
  });
}

function createCommand(input: CreateUserInput): CreateUserCommand {
  const profile: Profile = {
    email: text(input.email),
    phone: text(input.phone),
    username: text(input.username),
    displayName: text(input.displayName),
    firstName: text(input.firstName),
    lastName: text(input.lastName),
    country: text(input.country),
    state: text(input.state),
    locale: text(input.locale),
    accountId: text(input.accountId),
  };
  return defined({
    ...profile,
    password: given(input.password),
    subscriptions: input.subscriptions
      ? defined({
          email: given(input.subscriptions.email),
          sms: given(input.subscriptions.sms),
          voice: given(input.subscriptions.voice),
        })
      : undefined,
    permissions: input.permissions ? permissionsChange(input.permissions) : undefined,
    sources: given(input.sources),
    onPartialFailure: input.onPartialFailure ?? 'ROLLBACK',
    idempotencyKey: given(input.idempotencyKey),
  });
}

function updateCommand(input: UpdateUserInput): UpdateUserCommand {
  const changes = defined({
    email: text(input.email),
    username: text(input.username),
    displayName: text(input.displayName),
    accountId: text(input.accountId),
    active: given(input.active),
  });
  return defined({ id: input.id, changes, sources: given(input.sources), idempotencyKey: given(input.idempotencyKey) });
}

/** The payload every mutation answers: the recorded outcome, with the user as it is now. */
async function payload(context: RequestServices, outcome: MutationOutcome): Promise<MutationPayload> {
  const user = outcome.userId === null ? null : await context.users.byId(outcome.userId);
  return {
    user,
    results: outcome.results,
    userErrors: outcome.userErrors,
    replayed: outcome.replayed,
  };
}

/** Translates GraphQL inputs into the services' commands and their outcomes back into payloads; nothing more. */
@Resolver()
export class MutationResolver {
  @Mutation(() => CreateUserPayload, {
    description:
      'Creates a person at every targeted vendor at once; checks everything first (with reads where a vendor can answer), then writes concurrently.',
  })
  async createUser(
    @Ctx() context: RequestServices,
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
  ): Promise<CreateUserPayload> {
    return payload(context, await context.mutations.createUser(createCommand(input)));
  }

  @Mutation(() => UpdateUserPayload, {
    description: 'Changes profile fields at the linked vendors that can change them; the others are reported SKIPPED.',
  })
  async updateUser(
    @Ctx() context: RequestServices,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<UpdateUserPayload> {
    return payload(context, await context.mutations.updateUser(updateCommand(input)));
  }

  @Mutation(() => ChangePasswordPayload, {
    description: 'Sets a new password at the linked vendors that keep one (RainMaker, GreenArrow, user-management).',
  })
  async changePassword(
    @Ctx() context: RequestServices,
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
  ): Promise<ChangePasswordPayload> {
    const command = defined({
      id: input.id,
      password: input.password,
      sources: given(input.sources),
      idempotencyKey: given(input.idempotencyKey),
    });
    return payload(context, await context.mutations.changePassword(command));
  }

  @Mutation(() => SetPermissionsPayload, { description: "Sets the user's GreenArrow permissions." })
  async setPermissions(
    @Ctx() context: RequestServices,
    @Arg('input', () => SetPermissionsInput) input: SetPermissionsInput,
  ): Promise<SetPermissionsPayload> {
    const command = defined({
      id: input.id,
      permissions: permissionsChange(input.permissions),
      idempotencyKey: given(input.idempotencyKey),
    });
    return payload(context, await context.mutations.setPermissions(command));
  }

  @Mutation(() => DeleteUserPayload, {
    description:
      'Deletes the user at every linked vendor (or the given ones); the gateway user goes when no record is left.',
  })
  async deleteUser(
    @Ctx() context: RequestServices,
    @Arg('input', () => DeleteUserInput) input: DeleteUserInput,
  ): Promise<DeleteUserPayload> {
    const command = defined({
      id: input.id,
      sources: given(input.sources),
      idempotencyKey: given(input.idempotencyKey),
    });
    const outcome = await context.mutations.deleteUser(command);
    // The services settle a delete with no user left (userId null) only when the user existed and lost its last record.
    const deleted = outcome.userId === null && outcome.userErrors.length === 0;
    return { ...(await payload(context, outcome)), deletedUserId: deleted ? input.id : null };
  }
}
