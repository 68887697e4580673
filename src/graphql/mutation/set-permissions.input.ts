import { Field, ID, InputType } from 'type-graphql';
import { PermissionsInput } from './permissions.input';

@InputType({ description: 'New GreenArrow permissions for a user; omitted fields keep their value.' })
export class SetPermissionsInput {
  @Field(() => ID, { description: 'The gateway id of the user.' })
  id!: string;

  @Field(() => PermissionsInput, { description: 'The permissions to set.' })
  permissions!: PermissionsInput;

  @Field(() => String, { nullable: true, description: 'See CreateUserInput.idempotencyKey.' })
  idempotencyKey?: string | null;
}
