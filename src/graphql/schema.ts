import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { authChecker } from '../auth/roles';
import { resolveAccountReference } from './account/account.reference';
import { AccountResolver } from './account/account.resolver';
import { UserAccountResolver } from './account/user-account.resolver';
import { MutationResolver } from './mutation/mutation.resolver';
import { OperationResolver } from './operation/operation.resolver';
import { AmbiguousRecordResolver } from './reconciliation/ambiguous-record.resolver';
import { FieldDriftResolver } from './reconciliation/field-drift.resolver';
import { MissingRecordResolver } from './reconciliation/missing-record.resolver';
import { ReconciliationResolver } from './reconciliation/reconciliation.resolver';
import type { ReferenceResolver, SubgraphSdlReaders } from './federation/subgraph-schema';
import { SourceResolver } from './source/source.resolver';
import { resolveUserReference } from './user/user.reference';
import { resolveUserViewFields, UserResolver } from './user/user.resolver';

/**
 * The gateway's executable schema. `Date` fields are the DateTime scalar of graphql-scalars; fields
 * marked `@Authorized(...)` are checked against the request's actor.
 */
export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      UserResolver,
      AccountResolver,
      UserAccountResolver,
      SourceResolver,
      MutationResolver,
      ReconciliationResolver,
      MissingRecordResolver,
      FieldDriftResolver,
      AmbiguousRecordResolver,
      OperationResolver,
    ],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // `@Authorized('admin')` on a field lets only admins read it; see src/auth/roles.ts.
    authChecker,
    validate: false,
  });
  resolveUserViewFields(schema);
  // type-graphql offers no option for the root type's description; the playground shows it first.
  schema.getQueryType()!.description =
    'Users, accounts and permissions across RainMaker, Engagement Services, GreenArrow and the user-management API.';
  schema.getMutationType()!.description =
    'Writes that fan out to the vendors concurrently, with one result per vendor, rollback and idempotency keys.';
  return schema;
}

/**
 * The schema as an Apollo Federation v2 subgraph (GRAPHQL_SUBGRAPH): createSchema()'s, plus
 * `_entities` for the two entities, User (by id or email) and Account (by id), and `_service`,
 * readable by `sdlReaders` (GRAPHQL_SUBGRAPH_SDL). docs/federation.md says why and how.
 */
export async function createSubgraphSchema(sdlReaders: SubgraphSdlReaders): Promise<GraphQLSchema> {
  const references: Record<string, ReferenceResolver> = {
    User: resolveUserReference,
    Account: resolveAccountReference,
  };
  // Loaded here, only in subgraph mode: a standalone gateway never loads @apollo/subgraph (about 200 modules).
  const { toSubgraphSchema } = await import('./federation/subgraph-schema');
  return toSubgraphSchema(await createSchema(), references, sdlReaders);
}

/** The SDL as committed in schema/schema.graphql: sorted, so the diff shows only real changes. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
