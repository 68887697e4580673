import { Field, ObjectType } from 'type-graphql';
import type { Edge } from '../relay/connection';
import { Operation } from './operation.type';

@ObjectType({ description: 'An operation in a page of the audit trail, with its cursor.' })
export class OperationEdge implements Edge<Operation> {
  @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue after it.' })
  cursor!: string;

  @Field(() => Operation, { description: 'The operation.' })
  node!: Operation;
}
