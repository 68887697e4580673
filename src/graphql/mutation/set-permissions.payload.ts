import { ObjectType } from 'type-graphql';
import { MutationPayload } from './mutation-payload.interface';

@ObjectType({ description: 'Result of setPermissions.', implements: MutationPayload })
export class SetPermissionsPayload extends MutationPayload {}
