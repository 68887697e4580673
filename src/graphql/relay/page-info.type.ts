import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * Relay's own type, which every Relay subgraph of a supergraph defines with these same four
 * fields: shareable, so that two of them compose instead of clashing over it.
 */
@Directive('@shareable')
@ObjectType({ description: 'Relay pagination state of a connection.' })
export class PageInfo {
  @Field({ description: 'Whether a next page exists; fetch it with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether a previous page exists (forward pagination only: true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of this page.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge; pass it as `after` for the next page.',
  })
  endCursor!: string | null;
}
