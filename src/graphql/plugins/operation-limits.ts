/**
 * The shape limits of one operation, checked once it is parsed and validated and before anything
 * resolves (so a refused operation calls no vendor): how deep its fields nest, how many aliases it
 * uses and how many root fields a mutation has. Fragments count where they are spread, each
 * fragment measured once. Each refusal is a 400 with its own code and the limit's value.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The limits an operation's shape is held to (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_MUTATION_FIELDS). */
export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxMutationFields: number;
}

/** The measures of an operation the limits apply to. */
export interface OperationShape {
  /** Deepest chain of nested fields; a top-level leaf is 1. Introspection fields (`__schema`) are not counted. */
  depth: number;
  /** Aliased fields, each fragment counted once per spread. */
  aliases: number;
  /** Root fields other than `__typename`; for a mutation, the writes it asks for. */
  rootFields: number;
}

/** Measures `operation` with its document's fragments (validation has ruled out fragment cycles). */
export function measureOperation(operation: OperationDefinitionNode, document: DocumentNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  // Per fragment, computed once: a fragment spread twice in each of ten levels is not walked 2^10 times.
  const measured = new Map<string, { depth: number; aliases: number }>();

  const measure = (selectionSet: SelectionSetNode): { depth: number; aliases: number } => {
    let depth = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        if (selection.name.value.startsWith('__') && selection.name.value !== '__typename') continue;
        const inner = selection.selectionSet ? measure(selection.selectionSet) : { depth: 0, aliases: 0 };
        depth = Math.max(depth, 1 + inner.depth);
        aliases += inner.aliases;
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? measure(selection.selectionSet) : spread(selection.name.value);
        depth = Math.max(depth, inner.depth);
        aliases += inner.aliases;
      }
    }
    return { depth, aliases };
  };
  const spread = (name: string): { depth: number; aliases: number } => {
    let found = measured.get(name);
    if (!found) {
      const fragment = fragments.get(name);
      found = fragment ? measure(fragment.selectionSet) : { depth: 0, aliases: 0 };
      measured.set(name, found);
    }
    return found;
  };
  const rootFields = (selectionSet: SelectionSetNode): number =>
    selectionSet.selections.reduce((count, selection) => {
      if (selection.kind === Kind.FIELD) return count + (selection.name.value === '__typename' ? 0 : 1);
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments.get(selection.name.value)?.selectionSet;
      return count + (inner ? rootFields(inner) : 0);
    }, 0);

  return { ...measure(operation.selectionSet), rootFields: rootFields(operation.selectionSet) };
}

function tooLarge(message: string, code: string, extensions: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/**
 * Refuses an operation nested deeper than `maxDepth` (QUERY_TOO_DEEP), with more than `maxAliases`
 * aliases (TOO_MANY_ALIASES), or a mutation with more than `maxMutationFields` root fields
 * (TOO_MANY_MUTATIONS): 800 aliased `deleteUser` in one request would otherwise all run.
 */
export function operationShapeLimits(limits: ShapeLimits): ApolloServerPlugin {
  // An operation's shape depends on its document alone: Apollo hands the same parsed document to
  // every request of the same text while its document cache holds it, so each is measured once.
  const shapes = new WeakMap<OperationDefinitionNode, OperationShape>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document }) {
          if (!operation) return;
          let shape = shapes.get(operation);
          if (shape === undefined) {
            shape = measureOperation(operation, document);
            shapes.set(operation, shape);
          }
          if (operation.operation === OperationTypeNode.MUTATION && shape.rootFields > limits.maxMutationFields) {
            const most =
              limits.maxMutationFields === 1 ? 'one mutation field' : `${limits.maxMutationFields} mutation fields`;
            throw tooLarge(
              `This operation has ${shape.rootFields} mutation fields; send at most ${most} per request`,
              'TOO_MANY_MUTATIONS',
              {
                mutationFields: shape.rootFields,
                maxMutationFields: limits.maxMutationFields,
              },
            );
          }
          if (shape.depth > limits.maxDepth) {
            throw tooLarge(
              `This operation nests fields ${shape.depth} deep, over the limit of ${limits.maxDepth}`,
              'QUERY_TOO_DEEP',
              { depth: shape.depth, maxDepth: limits.maxDepth },
            );
          }
          if (shape.aliases > limits.maxAliases) {
            throw tooLarge(
              `This operation uses ${shape.aliases} aliases, over the limit of ${limits.maxAliases}`,
              'TOO_MANY_ALIASES',
              { aliases: shape.aliases, maxAliases: limits.maxAliases },
            );
          }
        },
      };
    },
  };
}
