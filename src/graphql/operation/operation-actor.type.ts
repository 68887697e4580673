import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Who asked for a mutation: the caller its token or API key names.' })
export class OperationActor {
  @Field({ description: "The token's subject (`sub`), or the API key's name." })
  subject!: string;

  @Field({ description: 'The role it acted with (`admin`, `viewer`).' })
  role!: string;
}
