import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Narrows `operations`; every given condition must hold.' })
export class OperationFilter {
  @Field(() => ID, { nullable: true, description: 'Only operations about this gateway user (deleted users included).' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this mutation, e.g. `deleteUser`.' })
  mutation?: string | null;
}
