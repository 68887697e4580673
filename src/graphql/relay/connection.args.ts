import { ArgsType, Field, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection';

/**
 * The arguments of every connection field: where the page starts (forward only) and its size.
 * Declared in the order the served schema has always listed them.
 */
@ArgsType()
export class ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size, 0 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;
}
