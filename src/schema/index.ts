import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AccountResolver } from '../resolvers/account.resolver';
import { SourceResolver } from '../resolvers/source.resolver';
import { UserResolver } from '../resolvers/user.resolver';

/** The gateway's executable schema. `Date` fields are the DateTime scalar of graphql-scalars. */
export async function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [UserResolver, AccountResolver, SourceResolver],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
  });
}

/** The SDL as committed in schema/schema.graphql: sorted, so the diff shows only real changes. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
