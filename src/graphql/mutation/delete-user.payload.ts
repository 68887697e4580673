import { Field, ID, ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of deleteUser.', implements: MutationPayload })
export class DeleteUserPayload extends MutationPayload {
  // `user` is null once the person is gone, so without this a client would have to remember what it sent to evict them.
  @Field(() => ID, {
    nullable: true,
    description:
      'The id of the user this deleted, once no vendor record of them is left (evict it from a client cache); null when the user remains (a vendor kept a record, or nothing was deleted).',
  })
  deletedUserId!: string | null;
}
