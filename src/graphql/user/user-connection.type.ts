import { Field, Int, ObjectType } from 'type-graphql';
import type { Connection } from '../relay/connection';
import { PageInfo } from '../relay/page-info.type';
import { UserEdge } from './user-edge.type';
import { User } from './user.type';

@ObjectType({ description: 'A Relay connection: one page of users.' })
export class UserConnection implements Connection<User> {
  @Field(() => [UserEdge], { description: 'The users of this page with their cursors.' })
  edges!: UserEdge[];

  @Field(() => [User], { description: 'The users of this page, without cursors.' })
  nodes!: User[];

  @Field(() => PageInfo, { description: 'Where this page is.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many users the whole connection holds, across all pages.' })
  totalCount!: number;
}
