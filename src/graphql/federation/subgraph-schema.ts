import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { getDocumentNodeFromSchema } from '@graphql-tools/utils';
import {
  concatAST,
  isInterfaceType,
  isObjectType,
  parse,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { createResolversMap } from 'type-graphql';
import { forbidden, requireRoles } from '../../auth/roles';
import type { RequestServices } from '../../services/request-services';
import { entitiesCost } from '../plugins/query-cost';

/** Who may read the subgraph's SDL (`_service`): admins, every authenticated caller (viewers), or nobody. */
export type SubgraphSdlReaders = 'admin' | 'viewer' | 'off';

/**
 * The federation release the SDL links to: 2.0 already has `@key` and `@shareable` (on types and
 * fields), all this subgraph uses, and as the first Federation 2 release it composes with
 * subgraphs of any later one in every Federation 2 router. A later release is needed only for a
 * directive 2.0 lacks (`@requiresScopes` came in 2.5, `@cost` in 2.9).
 */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.0';

const FEDERATION_LINK = parse(`extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])`);

/** Resolves an entity's representation (`{ __typename, ...key }`) to its root value, or null when it does not exist. */
export type ReferenceResolver = (
  reference: Record<string, unknown>,
  context: RequestServices,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

/**
 * The Federation v2 subgraph of `standalone` (type-graphql's schema, whose entities carry their
 * `@key` directives): the same types, fields and resolvers, plus `_entities`, resolving each
 * entity type's representations with `references[type]`, and `_service`, whose SDL only
 * `sdlReaders` may read.
 *
 * As type-graphql's Federation example does, the schema is printed with its directives and built
 * again by @apollo/subgraph, with type-graphql's resolvers (role checks included) carried over.
 * What the SDL cannot carry is carried here: each field's extensions, where a connection keeps its
 * cost. `_entities` is priced per representation, as a connection is per node, so the cost limit
 * holds for a router's batches as for any query; the alias and depth limits and the roles of each
 * field apply as they do everywhere.
 */
export function toSubgraphSchema(
  standalone: GraphQLSchema,
  references: Readonly<Record<string, ReferenceResolver>>,
  sdlReaders: SubgraphSdlReaders,
): GraphQLSchema {
  const subgraph = buildSubgraphSchema([
    {
      typeDefs: concatAST([FEDERATION_LINK, getDocumentNodeFromSchema(standalone)]),
      // The same graphql-tools resolver map (field resolvers, scalars, enum values), which
      // type-graphql and @apollo/subgraph each type in a way the other does not accept.
      resolvers: createResolversMap(standalone) as GraphQLResolverMap,
    },
  ]);

  for (const type of Object.values(standalone.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const built = subgraph.getType(type.name);
    if (!isObjectType(built) && !isInterfaceType(built)) continue;
    const builtFields = built.getFields();
    for (const field of Object.values(type.getFields()))
      builtFields[field.name].extensions = { ...builtFields[field.name].extensions, ...field.extensions };
  }
  // Where @apollo/subgraph looks for an entity's reference resolver on a schema not built from a resolver map.
  for (const [typeName, resolveReference] of Object.entries(references)) {
    const entity = subgraph.getType(typeName);
    if (!isObjectType(entity)) throw new TypeError(`toSubgraphSchema: ${typeName} is not an object type of the schema`);
    entity.extensions = { ...entity.extensions, apollo: { subgraph: { resolveReference } } };
  }

  const rootFields = subgraph.getQueryType()!.getFields();
  rootFields['_entities'].extensions = { ...rootFields['_entities'].extensions, complexity: entitiesCost };
  const service = rootFields['_service'];
  service.resolve = guardedSdl(service.resolve!, sdlReaders);
  return subgraph;
}

/** `_service`'s resolver, answering only the readers the operator allows (GRAPHQL_SUBGRAPH_SDL). */
function guardedSdl(
  resolve: GraphQLFieldResolver<unknown, unknown>,
  readers: SubgraphSdlReaders,
): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    if (readers === 'off')
      throw forbidden(
        'This gateway does not serve its subgraph SDL (GRAPHQL_SUBGRAPH_SDL=off); compose it from the published schema/subgraph.graphql',
      );
    requireRoles([readers], 'read the subgraph SDL (`_service`; GRAPHQL_SUBGRAPH_SDL says who may)');
    return resolve(source, args, context, info);
  };
}

/** The SDL `_service` answers (federation directives and `@link` included), as schema/subgraph.graphql holds it. */
export function printSubgraphSdl(subgraph: GraphQLSchema): string {
  return `${printSubgraphSchema(subgraph)}\n`;
}
