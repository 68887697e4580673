/**
 * What the gateway's edge accepts, from the environment: how it answers HTTP (hosts, CORS, bodies,
 * timeouts, connections, the rate limit) and how large one GraphQL operation may be. Every limit is
 * named by its variable; the errors that enforce them carry a stable code.
 */
import type { EnvReader } from './env';

/** How the gateway answers HTTP, beyond GraphQL itself. */
export interface HttpSettings {
  /** Browser origins whose pages may call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Whether a browser's GET of /graphql gets the offline playground. */
  playground: boolean;
  /**
   * Host names (lower case, no port) a request's Host header may name; anything else is refused
   * before it is read, so a web page cannot reach a local gateway by DNS rebinding. `*` allows any.
   */
  allowedHosts: readonly string[] | '*';
  /** Requests one token (one client address, without a token) may make per window; per process. */
  rateLimit: { requests: number; windowS: number };
  /** Node's socket limits: a client must send its headers, then its whole request, within these. */
  timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /** Open connections at most; Node closes any more at once. */
  maxConnections: number;
}

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

/** The loopback names, with any port: all a gateway on 127.0.0.1 is ever reached by. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export function readHttpSettings(read: EnvReader): HttpSettings {
  const timeouts = {
    headersMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 300_000),
    requestMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 300_000),
    keepAliveMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 300_000),
  };
  if (timeouts.headersMs > timeouts.requestMs) read.problems.push('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  return {
    corsOrigins: read.origins('CORS_ORIGINS'),
    maxBodyBytes: read.int('HTTP_MAX_BODY_BYTES', 1_048_576, 1_024, 1_073_741_824),
    playground: read.boolean('PLAYGROUND', true),
    allowedHosts: readAllowedHosts(read, 'ALLOWED_HOSTS'),
    rateLimit: {
      requests: read.int('RATE_LIMIT_REQUESTS', 600, 1, 1_000_000),
      windowS: read.int('RATE_LIMIT_WINDOW_S', 60, 1, 86_400),
    },
    timeouts,
    maxConnections: read.int('HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000),
  };
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
  return { introspection: read.boolean('GRAPHQL_INTROSPECTION', false), suggestions: read.boolean('GRAPHQL_SUGGESTIONS', false) };
}

/** Host names without ports, lower-cased; an IPv6 address in brackets; `*` alone for any host. */
function readAllowedHosts(read: EnvReader, name: string): readonly string[] | '*' {
  const hosts = read.list(name, LOOPBACK_HOSTS, 'host names without a port (e.g. gateway.example.com, localhost), or * for any');
  if (hosts.length === 1 && hosts[0] === '*') return '*';
  const valid = hosts.map((host) => host.toLowerCase()).filter((host) => {
    const ok = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/.test(host);
    if (!ok) read.problems.push(`${name}: expected host names without a port (an IPv6 address in brackets), or * alone, got "${host}"`);
    return ok;
  });
  return valid;
}
