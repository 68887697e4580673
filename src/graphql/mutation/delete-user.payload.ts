import { ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of deleteUser.', implements: MutationPayload })
export class DeleteUserPayload extends MutationPayload {}
