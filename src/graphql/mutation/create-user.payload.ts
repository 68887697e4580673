import { ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of createUser.', implements: MutationPayload })
export class CreateUserPayload extends MutationPayload {}
