import { Field, ID, InputType } from 'type-graphql';
import type { PartialFailurePolicy } from '../../domain/commands';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';
import { PartialFailurePolicyEnum } from './partial-failure-policy.enum';
import { PermissionsInput } from './permissions.input';
import { SubscriptionsInput } from './subscriptions.input';

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
