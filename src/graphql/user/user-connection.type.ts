import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../relay/page-info.type';
import { User } from './user.type';

@ObjectType({ description: 'A user in a page of a connection, with its cursor.' })
export class UserEdge {
  @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue after it.' })
  cursor!: string;

  @Field(() => User, { description: 'The user.' })
  node!: User;
}

@ObjectType({ description: 'A Relay connection: one page of users.' })
export class UserConnection {
  @Field(() => [UserEdge], { description: 'The users of this page with their cursors.' })
  edges!: UserEdge[];

  @Field(() => [User], { description: 'The users of this page, without cursors.' })
  nodes!: User[];

  @Field(() => PageInfo, { description: 'Where this page is.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many users the whole connection holds, across all pages.' })
  totalCount!: number;
}
