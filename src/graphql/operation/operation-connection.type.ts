import { Field, Int, ObjectType } from 'type-graphql';
import type { Connection } from '../relay/connection';
import { PageInfo } from '../relay/page-info.type';
import { OperationEdge } from './operation-edge.type';
import { Operation } from './operation.type';

@ObjectType({ description: 'A Relay connection: one page of the audit trail, newest first.' })
export class OperationConnection implements Connection<Operation> {
  @Field(() => [OperationEdge], { description: 'The operations of this page with their cursors.' })
  edges!: OperationEdge[];

  @Field(() => [Operation], { description: 'The operations of this page, without cursors.' })
  nodes!: Operation[];

  @Field(() => PageInfo, { description: 'Where this page is.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many operations meet the filter, across all pages.' })
  totalCount!: number;
}
