import { Field, ObjectType } from 'type-graphql';
import type { Edge } from '../relay/connection';
import { User } from './user.type';

@ObjectType({ description: 'A user in a page of a connection, with its cursor.' })
export class UserEdge implements Edge<User> {
  @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue after it.' })
  cursor!: string;

  @Field(() => User, { description: 'The user.' })
  node!: User;
}
