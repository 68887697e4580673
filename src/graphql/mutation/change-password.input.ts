import { Field, ID, InputType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

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
