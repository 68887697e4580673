import { Field, Int, ObjectType } from 'type-graphql';
import { Operation } from './operation.type';
import { PageInfo } from '../relay/page-info.type';

@ObjectType({ description: 'An operation in a page of the audit trail, with its cursor.' })
export class OperationEdge {
  @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue after it.' })
  cursor!: string;

  @Field(() => Operation, { description: 'The operation.' })
  node!: Operation;
}

@ObjectType({ description: 'A Relay connection: one page of the audit trail, newest first.' })
export class OperationConnection {
  @Field(() => [OperationEdge], { description: 'The operations of this page with their cursors.' })
  edges!: OperationEdge[];

  @Field(() => [Operation], { description: 'The operations of this page, without cursors.' })
  nodes!: Operation[];

  @Field(() => PageInfo, { description: 'Where this page is.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many operations meet the filter, across all pages.' })
  totalCount!: number;
}
