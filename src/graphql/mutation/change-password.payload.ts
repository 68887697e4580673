import { ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of changePassword.', implements: MutationPayload })
export class ChangePasswordPayload extends MutationPayload {}
