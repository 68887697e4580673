/**
 * How large one GraphQL operation may be and what the schema tells clients about itself, from the
 * environment. Every limit is named by its variable; the errors that enforce them carry a stable code.
 */
import type { EnvReader } from '../platform/env';
import type { SubgraphSdlReaders } from './federation/subgraph-schema';

/** Limits on what one GraphQL request may ask for, against hostile or accidental huge documents. */
export interface QueryLimits {
  /** Largest estimated cost of one operation (a field costs 1; a connection, its selection per node). */
  maxCost: number;
  /** Largest number of lexical tokens in one document; parsing stops there. */
  maxTokens: number;
  /** Deepest nesting of fields (introspection's own fields not counted). */
  maxDepth: number;
  /** Most aliased fields in one operation, fragments counted where they are spread. */
  maxAliases: number;
  /** Most root fields in one mutation operation. */
  maxMutationFields: number;
  /** Vendor calls one operation may make; the vendor transport refuses the ones over it. */
  maxVendorCalls: number;
  /**
   * Milliseconds one GraphQL request may spend, from its arrival: the vendor transport sends no
   * attempt and waits for no retry past it, so no request waits longer, whatever the vendors do.
   */
  requestBudgetMs: number;
  /** Longest `operationName`, in characters. */
  maxOperationNameLength: number;
  /** Longest GraphQL document, in characters. */
  maxQueryLength: number;
}

/** What the schema tells clients about itself. */
export interface SchemaExposure {
  /** Whether `__schema` and `__type` may be queried. */
  introspection: boolean;
  /** Whether validation errors suggest field and type names ("Did you mean ...?"). */
  suggestions: boolean;
}

export function readQueryLimits(read: EnvReader): QueryLimits {
  return {
    maxCost: read.int('GRAPHQL_MAX_COST', 25_000, 1, 1_000_000_000),
    maxTokens: read.int('GRAPHQL_MAX_TOKENS', 10_000, 100, 10_000_000),
    maxDepth: read.int('GRAPHQL_MAX_DEPTH', 10, 1, 1_000),
    maxAliases: read.int('GRAPHQL_MAX_ALIASES', 100, 0, 100_000),
    maxMutationFields: read.int('GRAPHQL_MAX_MUTATION_FIELDS', 1, 1, 1_000),
    maxVendorCalls: read.int('GRAPHQL_MAX_VENDOR_CALLS', 500, 1, 1_000_000),
    requestBudgetMs: read.int('GRAPHQL_REQUEST_BUDGET_MS', 15_000, 100, 600_000),
    maxOperationNameLength: read.int('GRAPHQL_MAX_OPERATION_NAME_LENGTH', 100, 1, 10_000),
    maxQueryLength: read.int('GRAPHQL_MAX_QUERY_LENGTH', 262_144, 100, 100_000_000),
  };
}

/** Off unless switched on: the demo switches both on, a deployed gateway keeps its schema to its clients. */
export function readSchemaExposure(read: EnvReader): SchemaExposure {
  return {
    introspection: read.boolean('GRAPHQL_INTROSPECTION', false),
    suggestions: read.boolean('GRAPHQL_SUGGESTIONS', false),
  };
}

/** Whether the schema is served as an Apollo Federation subgraph (docs/federation.md). */
export interface SubgraphSettings {
  /**
   * The subgraph schema (`_entities` and `_service` beside every standalone field) instead of the
   * standalone one, which schema/schema.graphql prints and standalone clients generate types from.
   */
  enabled: boolean;
  /** Who may read `_service { sdl }`; a router that composes at runtime reads it with its own token. */
  sdlReaders: SubgraphSdlReaders;
}

/** Off unless switched on (the demo switches it on); the SDL is for admins unless the operator says otherwise. */
export function readSubgraphSettings(read: EnvReader): SubgraphSettings {
  return {
    enabled: read.boolean('GRAPHQL_SUBGRAPH', false),
    sdlReaders: read.oneOf('GRAPHQL_SUBGRAPH_SDL', 'admin', ['admin', 'viewer', 'off'] as const),
  };
}
