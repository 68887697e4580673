import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimatorArgs,
} from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../relay/connection';

/**
 * What a connection field (`users(first:)`) costs: its selection once per node it may return, so
 * `users(first: 500) { nodes { account { users(first: 500) { ... } } } }` is priced as the 250,000
 * nodes it could resolve, not as a handful of fields. Set as the field's `complexity`.
 */
export function connectionCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args['first'] === 'number' ? args['first'] : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(first, 1) * childComplexity;
}

/**
 * What `_entities(representations:)` costs in a subgraph: its selection once per representation,
 * as a connection's is once per node, so a router's batch of 100 users is priced as the account
 * page of 100 it resembles and a batch of 100,000 is refused before any is looked up.
 */
export function entitiesCost({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const representations = Array.isArray(args['representations']) ? args['representations'].length : 1;
  return 1 + Math.max(representations, 1) * childComplexity;
}

/**
 * Refuses, before anything resolves, an operation whose estimated cost is over `maxCost`: every
 * field costs 1 unless it declares a `complexity` (connections do, above). The error says the cost
 * and the limit, so a client can narrow the request.
 */
export function queryCostLimit(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  // A document's cost depends on it, the operation and the variables its priced arguments and
  // directives use, nothing else: a cost within the limit is kept per document (Apollo hands the
  // same parsed document to every request with the same text) and per those variables' values.
  const withinLimit = new WeakMap<DocumentNode, { priced: ReadonlySet<string>; costs: Map<string, number> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let known = withinLimit.get(document);
          if (known === undefined) {
            known = { priced: pricedVariables(schema, document), costs: new Map() };
            withinLimit.set(document, known);
          }
          const variables: Record<string, unknown> = request.variables ?? {};
          const key = JSON.stringify([
            request.operationName ?? null,
            ...[...known.priced].map((name) => variables[name]),
          ]);
          if (known.costs.has(key)) return;
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName,
              variables: request.variables,
              estimators,
            });
          } catch {
            // Variables that do not fit their types: execution refuses them with a precise error.
            return;
          }
          if (cost <= maxCost) {
            if (known.costs.size >= MAX_COSTS_PER_DOCUMENT) known.costs.clear();
            known.costs.set(key, cost);
            return;
          }
          throw new GraphQLError(
            `This operation may cost ${cost}, over the limit of ${maxCost}: ask for fewer items (\`first\`) or fewer nested connections`,
            {
              extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost, http: { status: 400 } },
            },
          );
        },
      };
    },
  };
}

/** Costs kept per document: one per combination of its priced variables' values. */
const MAX_COSTS_PER_DOCUMENT = 256;

/**
 * The variables a document's cost can depend on: those in the arguments of fields that price
 * themselves (a `complexity` extension reads its arguments) and in directives (`@include`,
 * `@skip` decide which fields count).
 */
function pricedVariables(schema: GraphQLSchema, document: DocumentNode): ReadonlySet<string> {
  const names = new Set<string>();
  const collect = (node: ASTNode): void => {
    visit(node, {
      [Kind.VARIABLE]: (variable) => {
        names.add(variable.name.value);
      },
    });
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.DIRECTIVE]: (directive) => {
        collect(directive);
      },
      [Kind.FIELD]: (field) => {
        const definition = typeInfo.getFieldDef();
        if (definition?.extensions?.['complexity'] !== undefined)
          for (const argument of field.arguments ?? []) collect(argument);
      },
    }),
  );
  return names;
}
