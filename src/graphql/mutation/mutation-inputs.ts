import { Field, ID, InputType } from 'type-graphql';
import type { AccessLevel, InjectionPermission, Source } from '../../domain/types';
import {
  AccessLevelEnum,
  InjectionPermissionEnum,
  PartialFailurePolicyEnum,
  SourceEnum,
  type PartialFailurePolicy,
} from '../common/enums';

@InputType({ description: 'Engagement channel subscriptions to set; an omitted channel is false on create.' })
export class SubscriptionsInput {
  @Field(() => Boolean, { nullable: true, description: 'Email messages.' })
  email?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'SMS messages.' })
  sms?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Voice messages.' })
  voice?: boolean | null;
}

@InputType({ description: 'A GreenArrow mail class, by id or by name; both together must name the same class.' })
export class MailClassInput {
  @Field(() => ID, { nullable: true, description: "GreenArrow's id of the mail class." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact name of the mail class.' })
  name?: string | null;
}

@InputType({ description: 'GreenArrow permissions. On create, omitted levels default to NONE (least privilege).' })
export class PermissionsInput {
  @Field(() => InjectionPermissionEnum, { nullable: true, description: 'How the user may inject mail.' })
  injection?: InjectionPermission | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Access to the GreenArrow API.' })
  api?: AccessLevel | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Access to the GreenArrow web UI.' })
  ui?: AccessLevel | null;

  @Field(() => Boolean, { nullable: true, description: 'Disable the GreenArrow user.' })
  disabled?: boolean | null;

  @Field(() => MailClassInput, { nullable: true, description: 'Force a mail class; null clears it.' })
  mailClass?: MailClassInput | null;
}

@InputType({ description: 'A new person, written to every targeted vendor at once.' })
export class CreateUserInput {
  @Field(() => String, {
    nullable: true,
    description: 'Email address: links the person across vendors. Email or phone is required on create.',
  })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Mobile number, E.164 (+ and country code, then ten digits for Engagement).',
  })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'User-management username.' })
  username?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'User-management contact name; defaults to first and last name.',
  })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'First name (Engagement requires it).' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Last name (Engagement requires it).' })
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'Country (Engagement requires it).' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'State (Engagement requires it for the USA).' })
  state?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "RainMaker locale for the user's emails and SMS; case-insensitive.",
  })
  locale?: string | null;

  @Field(() => ID, { nullable: true, description: "The user's default user-management account (required there)." })
  accountId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Password for RainMaker, GreenArrow and user-management. Write-only: never stored, logged or returned.',
  })
  password?: string | null;

  @Field(() => SubscriptionsInput, { nullable: true, description: 'Engagement subscriptions.' })
  subscriptions?: SubscriptionsInput | null;

  @Field(() => PermissionsInput, { nullable: true, description: 'GreenArrow permissions.' })
  permissions?: PermissionsInput | null;

  @Field(() => [SourceEnum], { nullable: true, description: 'Vendors to write; default every configured vendor.' })
  sources?: Source[] | null;

  @Field(() => PartialFailurePolicyEnum, {
    nullable: true,
    description: 'What to do when some vendors fail; default ROLLBACK.',
  })
  onPartialFailure?: PartialFailurePolicy | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes the mutation safe to retry: a replay returns the recorded result and only finishes unfinished steps.',
  })
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'Changes to a person; only the given fields change, at the vendors that can change them. A linked vendor that keeps a given field but cannot change it is reported SKIPPED (NOT_SUPPORTED) and keeps its value; the person is still found by it.',
})
export class UpdateUserInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Email address (GreenArrow and user-management can change it; RainMaker and Engagement keep the old one).',
  })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'User-management username.' })
  username?: string | null;

  @Field(() => String, { nullable: true, description: 'User-management contact name.' })
  displayName?: string | null;

  @Field(() => ID, { nullable: true, description: "The user's default user-management account." })
  accountId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Activate or deactivate (user-management).' })
  active?: boolean | null;

  @Field(() => [SourceEnum], {
    nullable: true,
    description: 'Vendors to write; default every linked vendor that keeps a given field.',
  })
  sources?: Source[] | null;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'A new password for a user.' })
export class ChangePasswordInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field({ description: 'The new password. Write-only: never stored, logged or returned.' })
  password!: string;

  @Field(() => [SourceEnum], {
    nullable: true,
    description: 'Vendors to write; default RainMaker, GreenArrow and user-management where linked.',
  })
  sources?: Source[] | null;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'New GreenArrow permissions for a user; omitted fields keep their value.' })
export class SetPermissionsInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field(() => PermissionsInput, { description: 'The permissions to set.' })
  permissions!: PermissionsInput;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Removes a person from the vendors.' })
export class DeleteUserInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field(() => [SourceEnum], { nullable: true, description: 'Vendors to delete from; default every linked vendor.' })
  sources?: Source[] | null;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}
