import type { ApolloServer, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Lexer, Source, TokenKind } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
// One class a module, not the package's index, which loads every store's limiter (see rate-limiter-flexible.d.ts).
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory';
import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes';
import { AuthError, type Authenticate } from '../auth/authenticator';
import type { RequestServices } from '../services/request-services';
import type { QueryLimits } from '../graphql/settings';
import type { HttpSettings } from './settings';
import type { Logger } from '../platform/logger';
import type { SharedRedis } from '../platform/redis';
import type { Readiness } from '../observability/health';
import type { GatewayMetrics } from '../observability/metrics';
import type { Tracing } from '../observability/tracing';
import {
  PLAYGROUND_CSP,
  PLAYGROUND_PATH,
  PLAYGROUND_SESSION,
  playgroundAsset,
  type PlaygroundSession,
} from './playground';
import { runInRequest, type Actor, type RequestScope } from '../platform/request-context';
import type { RequestDrain } from './shutdown';
import { CROSS_SITE_REFUSAL, requiresPreflight } from './cross-site';
import { errorContentType } from './media-type';
import type { PersistedDocuments } from './persisted-documents';

/** Where GraphQL is served. */
export const GRAPHQL_PATH = '/graphql';
/** Liveness and readiness, for Kubernetes' probes (and any load balancer's health check). */
export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;
/** Prometheus's scrape endpoint (METRICS). */
export const METRICS_PATH = '/metrics';

/** What an operator reaches besides GraphQL, and the shutdown that refuses new requests. */
export interface OperatorParts {
  readiness: Readiness;
  /** null when METRICS is off: /metrics answers 404. */
  metrics: GatewayMetrics | null;
  /** null when no trace exporter is configured: no span is made. */
  tracing: Tracing | null;
  drain: RequestDrain;
}

export interface HttpHandlerOptions {
  graphql: ApolloServer<RequestServices>;
  /** Fresh services for each GraphQL request: its context. */
  context: () => Promise<RequestServices>;
  http: HttpSettings;
  limits: Pick<
    QueryLimits,
    'maxVendorCalls' | 'requestBudgetMs' | 'maxOperationNameLength' | 'maxQueryLength' | 'maxTokens'
  >;
  /** Who the Authorization header proves the caller is (src/auth/authenticator.ts). */
  authenticate: Authenticate;
  logger: Logger;
  operator: OperatorParts;
  /** The trusted documents (PERSISTED_OPERATIONS): hashes resolved, and under `require` anything else refused. */
  persistedDocuments: PersistedDocuments;
  /** What the playground's page is told (introspection, the demo's tokens); unused when PLAYGROUND is off. */
  playgroundSession: PlaygroundSession;
  /** With REDIS_URL: the per-token rate limit is counted there, for every replica together. */
  sharedRedis?: SharedRedis | null;
}

/** A failure answered before GraphQL runs, in GraphQL's error shape. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Sent with every answer, errors included. JSON answers may not be framed, sniffed as another type,
 * embedded by another site or kept in a cache; the playground's page replaces the CSP with its own.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};
const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/**
 * The per-token rate limit: in this process's memory, or with Redis in Redis for every replica
 * together, with this process's memory as the insurance rate-limiter-flexible falls back on when a
 * command fails. While the replica uses its own state (Redis away, or connected but not answering
 * its PINGs: see SharedRedis) the memory limiter counts alone, so no request waits for Redis.
 */
async function tokenRateLimiter(
  limit: HttpSettings['rateLimit'],
  redis: SharedRedis | null,
): Promise<() => RateLimiterAbstract> {
  const window = { points: limit.requests, duration: limit.windowS };
  const memory = new RateLimiterMemory(window);
  if (redis === null) return () => memory;
  // Loaded here, only with REDIS_URL.
  const { default: RateLimiterRedis } = await import('rate-limiter-flexible/lib/RateLimiterRedis');
  const shared = new RateLimiterRedis({
    ...window,
    storeClient: redis.connection,
    keyPrefix: redis.key('rate'),
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
  return () => (redis.mode === 'shared' ? shared : memory);
}

/** A client's own request id is kept when it is this plain (so it can go into logs as it is); otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The gateway's HTTP front: GraphQL at /graphql (Apollo's `executeHTTPGraphQLRequest`), the
 * playground's assets under /playground/, the probes at /healthz and /readyz, Prometheus's
 * /metrics (METRICS), a redirect from /, and a JSON 404 elsewhere. It exists
 * instead of Apollo's standalone server to answer CORS only for configured origins (the standalone
 * server allows every origin, so any web page could drive a gateway on localhost) and to bound
 * request bodies (the standalone server reads 50 MB).
 *
 * Every request, in this order: gets a request id (the client's `x-request-id` when well formed),
 * sent back in `x-request-id` and written on every log line of the request; /healthz and /readyz
 * are answered at once (no Host check: a kubelet's probe names the pod's IP; no token; nothing they
 * say is private); once shutdown has begun, anything else is refused with 503 SHUTTING_DOWN before
 * it is read; is refused unless its Host is an allowed name (DNS rebinding); for GraphQL and
 * /metrics, must carry a valid token (the playground's page excepted) and stay within its token's
 * rate limit; GraphQL must send a bounded, valid UTF-8 body, and runs inside the request's scope
 * (who asked, from where, the values it carried, its vendor-call budget) and, with tracing, in a
 * server span whose parent is the request's W3C `traceparent`.
 */
export async function createHttpHandler(options: HttpHandlerOptions): Promise<RequestListener> {
  const { http, limits, logger, operator } = options;
  const allowedOrigins = new Set(http.corsOrigins);
  const allowedHosts = http.allowedHosts === '*' ? null : new Set(http.allowedHosts);
  const limiter = await tokenRateLimiter(http.rateLimit, options.sharedRedis ?? null);

  return (req, res) => {
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = pathOf(req.url);
    if (path === HEALTH_PATHS.live || path === HEALTH_PATHS.ready) {
      health(req, res, path).catch((error: unknown) => {
        if (error instanceof HttpError) return sendError(req, res, error);
        logger.error({ err: error, path }, 'unexpected error while answering a health probe');
        sendError(req, res, new HttpError(500, 'Internal server error', 'INTERNAL_SERVER_ERROR', {}, { requestId }));
      });
      return;
    }
    // Before anything is read or checked: a request that arrived after the signal does nothing at all.
    if (operator.drain.stopping) return operator.drain.refuse(res, requestId);
    const handled = operator.drain.track(res);
    const scope: RequestScope = {
      requestId,
      actor: null,
      clientAddress: req.socket.remoteAddress ?? null,
      carried: new Set(),
      vendorCallsLeft: limits.maxVendorCalls,
      deadlineAt: Date.now() + limits.requestBudgetMs,
    };
    runInRequest(scope, () => {
      const started = { method: req.method, path };
      // Logged in the request's scope, so the line carries its id (a plain closure, not an
      // AsyncResource per request: the scope is all the logger reads).
      res.once('close', () =>
        runInRequest(scope, () => {
          if (res.writableFinished)
            logger.debug({ ...started, status: res.statusCode, actor: scope.actor }, 'request answered');
          // Not an error of ours: the client went away (or was too slow and timed out) before the answer was complete.
          else logger.info({ ...started, clientAborted: true }, 'the connection closed before the answer was complete');
        }),
      );
      handle(req, res, scope)
        .catch((error: unknown) => {
          if (error instanceof HttpError) return sendError(req, res, error);
          // The body never fully arrived: the client went away or was too slow (the 'close' listener logs it).
          if (!req.complete || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return res.destroy();
          logger.error({ err: error, ...started }, 'unexpected error while answering an HTTP request');
          sendError(req, res, new HttpError(500, 'Internal server error', 'INTERNAL_SERVER_ERROR', {}, { requestId }));
        })
        .finally(handled);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const host = hostName(req.headers.host);
    if (allowedHosts !== null && (host === null || !allowedHosts.has(host))) {
      throw new HttpError(
        421,
        'This gateway does not answer for that host name (set ALLOWED_HOSTS)',
        'HOST_NOT_ALLOWED',
      );
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === GRAPHQL_PATH) {
      const tracing = operator.tracing;
      if (tracing === null) return graphql(req, res, method, url, scope);
      return tracing.serve(req, res, { 'usergraph.request_id': scope.requestId }, () =>
        graphql(req, res, method, url, scope),
      );
    }
    if (url.pathname === METRICS_PATH && operator.metrics !== null)
      return metrics(req, res, method, scope, operator.metrics);
    if (http.playground && url.pathname.startsWith(PLAYGROUND_PATH) && (method === 'GET' || method === 'HEAD')) {
      return asset(req, res, url.pathname.slice(PLAYGROUND_PATH.length), method);
    }
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(302, { location: GRAPHQL_PATH }).end();
      return;
    }
    throw new HttpError(404, `Nothing here: GraphQL is served at ${GRAPHQL_PATH}`, 'NOT_FOUND');
  }

  async function graphql(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    scope: RequestScope,
  ): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && allowedOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id, retry-after, www-authenticate');
      res.setHeader('vary', 'origin');
    }
    if (method === 'OPTIONS') {
      // A preflight: browsers only go on when the origin was allowed above.
      if (res.hasHeader('access-control-allow-origin')) {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader(
          'access-control-allow-headers',
          'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id',
        );
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204).end();
      return;
    }
    // The playground's page (a browser's GET with no operation) is for anyone; it runs nothing.
    const pageOnly =
      method === 'GET' &&
      !url.searchParams.has('query') &&
      !url.searchParams.has('extensions') &&
      /\btext\/html\b/.test(String(req.headers.accept ?? ''));
    if (!pageOnly) {
      scope.actor = await authenticated(req, scope);
      await withinRateLimit(rateKey(scope.actor, scope));
    }
    if (!pageOnly && !requiresPreflight(req.headers)) throw new HttpError(400, CROSS_SITE_REFUSAL, 'BAD_REQUEST');
    const resolved = options.persistedDocuments.resolve({
      method,
      body: await readJsonBody(req, http.maxBodyBytes),
      params: url.searchParams,
    });
    if ('refused' in resolved) {
      const { status, message, code } = resolved.refused;
      throw new HttpError(status, message, code);
    }
    const { body, params } = resolved;
    const operation = requestedOperation(body, params);
    // Before anything walks the values (Apollo and graphql-js recurse over them): a variable nested
    // 400,000 lists deep overflowed the stack of a recursive walk here and answered 500.
    const depth = nestingDepth(body ?? operation.variables, http.maxJsonDepth);
    if (depth > http.maxJsonDepth) {
      throw new HttpError(
        400,
        `The request's values nest deeper than ${http.maxJsonDepth} arrays and objects`,
        'VARIABLES_TOO_DEEP',
        {},
        { maxDepth: http.maxJsonDepth },
      );
    }
    if (operation.name !== undefined && operation.name.length > limits.maxOperationNameLength) {
      throw new HttpError(
        400,
        `operationName is longer than ${limits.maxOperationNameLength} characters`,
        'OPERATION_NAME_TOO_LONG',
      );
    }
    if (operation.query !== undefined && operation.query.length > limits.maxQueryLength) {
      throw new HttpError(
        400,
        `The GraphQL document is longer than ${limits.maxQueryLength} characters`,
        'QUERY_TOO_LONG',
      );
    }
    collectCarried(scope.carried, operation, limits.maxTokens);

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const request: HTTPGraphQLRequest = { method, headers, search: `?${params.toString()}`, body };
    const response = await options.graphql.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: options.context,
    });
    // A stop whose grace ran out has answered it already (503 SHUTDOWN_INTERRUPTED).
    if (res.headersSent) return;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    // Apollo's own cache hints would allow caching answers that depend on who asked.
    res.setHeader('cache-control', 'no-store');
    if (response.headers.get('content-type')?.startsWith('text/html'))
      res.setHeader('content-security-policy', PLAYGROUND_CSP);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /**
   * /healthz: the process is alive and answering (200, always). /readyz: 200 when ready for
   * traffic, 503 when not (shutdown begun, the database not answering, or a vendor's breaker open
   * with READINESS_REQUIRES_VENDORS), with every check in the body.
   */
  async function health(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD')
      throw new HttpError(405, `${path} answers GET and HEAD only`, 'METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' });
    let status = 200;
    let body: object = { status: 'ok' };
    if (path === HEALTH_PATHS.ready) {
      const report = await operator.readiness.check();
      status = report.ready ? 200 : 503;
      body = { status: report.ready ? 'ready' : 'not ready', checks: report.checks };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(method === 'HEAD' ? undefined : text);
  }

  /** Prometheus's scrape: any authenticated caller (a viewer's token is enough), within its rate limit. */
  async function metrics(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    scope: RequestScope,
    registry: GatewayMetrics,
  ): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD')
      throw new HttpError(405, `${METRICS_PATH} answers GET and HEAD only`, 'METHOD_NOT_ALLOWED', {
        allow: 'GET, HEAD',
      });
    scope.actor = await authenticated(req, scope);
    await withinRateLimit(rateKey(scope.actor, scope));
    const text = await registry.render();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(method === 'HEAD' ? undefined : text);
  }

  /** The actor the Authorization header proves; a refusal is counted against the client's address. */
  async function authenticated(req: IncomingMessage, scope: RequestScope): Promise<Actor> {
    try {
      return await options.authenticate(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // Guessing tokens costs the address its rate limit like any other request.
      await withinRateLimit(rateKey(null, scope));
      throw new HttpError(
        error.status,
        error.message,
        error.code,
        error.status === 401 ? { 'www-authenticate': error.challenge } : {},
      );
    }
  }

  /** Counts one request against `key`; over the limit, a 429 with the seconds until the window resets. */
  async function withinRateLimit(key: string): Promise<void> {
    try {
      await limiter().consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new HttpError(
        429,
        `Too many requests: at most ${http.rateLimit.requests} every ${http.rateLimit.windowS} s per token; retry in ${retryAfter} s`,
        'RATE_LIMITED',
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  function asset(req: IncomingMessage, res: ServerResponse, name: string, method: string): void {
    if (name === PLAYGROUND_SESSION) {
      // The demo's tokens change at every start: never cached.
      const text = JSON.stringify(options.playgroundSession);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(method === 'HEAD' ? undefined : text);
      return;
    }
    const found = playgroundAsset(name);
    if (!found) throw new HttpError(404, `The playground has no file ${JSON.stringify(name)}`, 'NOT_FOUND');
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? found.gzipped : found.body;
    res.writeHead(200, {
      'content-type': found.contentType,
      'content-length': body.length,
      'cache-control': 'public, max-age=3600',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(method === 'HEAD' ? undefined : body);
  }
}

/** The rate limit's key: the authenticated actor, or the client's address for anonymous callers. */
function rateKey(actor: Actor | null, scope: RequestScope): string {
  if (actor !== null && actor.method !== 'anonymous') return `${actor.method}:${actor.subject}`;
  return `address:${scope.clientAddress ?? 'unknown'}`;
}

/** The path alone, for logs: a GET's query string may carry variables. */
function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0];
}

/** The Host header's name, lower-cased and without its port; null when there is none or it is not a host. */
export function hostName(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::\d{1,5})?$/.exec((header ?? '').trim().toLowerCase());
  return match ? match[1] : null;
}

/** The parts of a GraphQL request the edge looks at, from a POST body or a GET's query string. */
interface RequestedOperation {
  query?: string;
  name?: string;
  variables?: unknown;
}

function requestedOperation(body: unknown, params: URLSearchParams): RequestedOperation {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const { query, operationName, variables } = body as Record<string, unknown>;
    return {
      ...(typeof query === 'string' ? { query } : {}),
      ...(typeof operationName === 'string' ? { name: operationName } : {}),
      variables,
    };
  }
  const variables = params.get('variables');
  let parsed: unknown;
  try {
    parsed = variables === null ? undefined : JSON.parse(variables);
  } catch {
    // Apollo refuses it with its own message.
  }
  return {
    ...(params.has('query') ? { query: params.get('query')! } : {}),
    ...(params.has('operationName') ? { name: params.get('operationName')! } : {}),
    variables: parsed,
  };
}

/**
 * Every string the request carried, for redacting vendor text that echoes one: the variables' string
 * values at any depth and the document's string literals (read by the lexer, at most `maxTokens`
 * tokens, as the parser will).
 */
function collectCarried(carried: Set<string>, operation: RequestedOperation, maxTokens: number): void {
  const pending: unknown[] = [operation.variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') carried.add(value);
    // One by one: spreading a list of a million items into push() would overflow the stack itself.
    else if (value !== null && typeof value === 'object') for (const child of Object.values(value)) pending.push(child);
  }
  if (operation.query === undefined) return;
  try {
    const lexer = new Lexer(new Source(operation.query));
    for (
      let count = 0, token = lexer.advance();
      token.kind !== TokenKind.EOF && count < maxTokens;
      token = lexer.advance(), count += 1
    ) {
      if ((token.kind === TokenKind.STRING || token.kind === TokenKind.BLOCK_STRING) && token.value !== undefined)
        carried.add(token.value);
    }
  } catch {
    // A syntax error: the parser refuses the document; what was read so far is kept.
  }
}

/**
 * How deeply `value` nests arrays and objects (a scalar is 0), measured without recursion, so that
 * no depth can overflow the stack, and no further than `limit + 1`.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item))
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return deepest;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as Apollo expects it: parsed JSON for a JSON content type, otherwise nothing (Apollo
 * then refuses the request with its own message). UTF-8 only, as JSON is: a body that is not valid
 * UTF-8 is refused, never repaired with replacement characters.
 */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new HttpError(413, `The request body is over ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `The request body is over ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
    chunks.push(chunk as Buffer);
  }
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\b/.test(type)) return undefined;
  const charset = /;\s*charset=([^;\s]+)/.exec(type)?.[1]?.replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, `Unsupported charset "${charset}": send UTF-8`, 'UNSUPPORTED_MEDIA_TYPE');
  }
  let text: string;
  try {
    text = UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError(400, 'The request body is not valid UTF-8', 'BAD_REQUEST');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON', 'BAD_REQUEST');
  }
}

/** A refusal in GraphQL's error shape, as the media type the client's Accept header prefers (src/edge/media-type.ts). */
function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  // Answered already (a stop whose grace ran out): leave that answer alone.
  if (res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(error.status, { 'content-type': errorContentType(req.headers.accept), ...error.headers });
  res.end(
    JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] }),
  );
}
