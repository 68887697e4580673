import { Field, ID, ObjectType } from 'type-graphql';
import { UserConnection } from '../user/user-connection.type';

/** The root value is just the id: the users are resolved (and paged) by the account resolver. */
@ObjectType({ description: 'A user-management account: a group of users.' })
export class Account {
  @Field(() => ID, { description: "The user-management API's account id." })
  id!: string;

  @Field(() => UserConnection, { description: "The account's users, in the user-management API's order (Relay)." })
  users?: UserConnection;
}
