import { Field, ID, InputType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

@InputType({ description: 'Removes a person from the vendors.' })
export class DeleteUserInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field(() => [SourceEnum], { nullable: true, description: 'Vendors to delete from; default every linked vendor.' })
  sources?: Source[] | null;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}
