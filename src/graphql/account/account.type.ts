import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { UserConnection } from '../user/user-connection.type';

/**
 * The root value is just the id: the users are resolved (and paged) by the account resolver. In a
 * supergraph it is an entity keyed by that id (account.reference.ts resolves it).
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A user-management account: a group of users.' })
export class Account {
  @Field(() => ID, { description: "The user-management API's account id." })
  id!: string;

  @Field(() => UserConnection, { description: "The account's users, in the user-management API's order (Relay)." })
  users?: UserConnection;
}
