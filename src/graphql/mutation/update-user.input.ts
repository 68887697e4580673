import { Field, ID, InputType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

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
