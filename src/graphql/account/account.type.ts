import { Field, ID, ObjectType } from 'type-graphql';

/** The root value is just the id: the users are resolved (and paged) by the account resolver. */
@ObjectType({ description: 'A user-management account: a group of users.' })
export class Account {
  @Field(() => ID, { description: "The user-management API's account id." })
  id!: string;
}
