import { Field, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

@ObjectType({ description: 'A problem with a mutation: invalid input, or a vendor that refused or failed.' })
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description: 'Path of the input field at fault, e.g. ["input", "email"]; null when no one field is.',
  })
  field!: string[] | null;

  @Field({ description: 'What is wrong, for a person to read.' })
  message!: string;

  @Field({ description: 'Stable code to match on, e.g. INVALID_INPUT, VENDOR_CONFLICT, IDEMPOTENCY_KEY_REUSED.' })
  code!: string;

  @Field(() => SourceEnum, { nullable: true, description: 'The vendor concerned, when one is.' })
  source!: Source | null;
}
