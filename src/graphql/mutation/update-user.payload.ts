import { ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of updateUser.', implements: MutationPayload })
export class UpdateUserPayload extends MutationPayload {}
