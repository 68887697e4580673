/**
 * What the gateway's edge accepts, from the environment: how it answers HTTP (hosts, CORS, bodies,
 * timeouts, connections, the rate limit). Every limit is named by its variable; the errors that
 * enforce them carry a stable code. How large one GraphQL operation may be is src/graphql/settings.ts.
 */
import type { EnvReader } from '../platform/env';

/** How the gateway answers HTTP, beyond GraphQL itself. */
export interface HttpSettings {
  /** Browser origins whose pages may call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /**
   * Deepest nesting of arrays and objects in a GraphQL request's JSON (its variables above all):
   * a deeper one is refused with 400 VARIABLES_TOO_DEEP before anything walks it.
   */
  maxJsonDepth: number;
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

/** The loopback names, with any port: all a gateway on 127.0.0.1 is ever reached by. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export function readHttpSettings(read: EnvReader): HttpSettings {
  const timeouts = {
    headersMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 300_000),
    requestMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 300_000),
    keepAliveMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 300_000),
  };
  if (timeouts.headersMs > timeouts.requestMs)
    read.problems.push(
      'HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    );
  return {
    corsOrigins: read.origins('CORS_ORIGINS'),
    maxBodyBytes: read.int('HTTP_MAX_BODY_BYTES', 1_048_576, 1_024, 1_073_741_824),
    maxJsonDepth: read.int('HTTP_MAX_JSON_DEPTH', 64, 8, 100_000),
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

/** Host names without ports, lower-cased; an IPv6 address in brackets; `*` alone for any host. */
function readAllowedHosts(read: EnvReader, name: string): readonly string[] | '*' {
  const hosts = read.list(
    name,
    LOOPBACK_HOSTS,
    'host names without a port (e.g. gateway.example.com, localhost), or * for any',
  );
  if (hosts.length === 1 && hosts[0] === '*') return '*';
  const valid = hosts
    .map((host) => host.toLowerCase())
    .filter((host) => {
      const ok = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/.test(host);
      if (!ok)
        read.problems.push(
          `${name}: expected host names without a port (an IPv6 address in brackets), or * alone, got "${host}"`,
        );
      return ok;
    });
  return valid;
}
