import type { ApolloServer, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Context } from './context';
import type { Logger } from './logger';
import { PLAYGROUND_CSP, PLAYGROUND_PATH, playgroundAsset } from './playground';

/** Where GraphQL is served. */
export const GRAPHQL_PATH = '/graphql';

export interface HttpHandlerOptions {
  graphql: ApolloServer<Context>;
  /** A fresh context per GraphQL request. */
  context: () => Promise<Context>;
  /** Browser origins allowed to call the gateway from their pages (CORS); none by default. */
  corsOrigins: readonly string[];
  /** Largest request body read, in bytes; a larger one is answered 413 unread. */
  maxBodyBytes: number;
  /** Whether /playground/ serves the playground's assets. */
  playground: boolean;
  logger: Logger;
}

/** A failure answered before GraphQL runs, in GraphQL's error shape. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The gateway's HTTP front: GraphQL at /graphql (Apollo's `executeHTTPGraphQLRequest`), the
 * playground's assets under /playground/, a redirect from /, and a JSON 404 elsewhere. It exists
 * instead of Apollo's standalone server to answer CORS only for configured origins (the standalone
 * server allows every origin, so any web page could drive a gateway on localhost) and to bound
 * request bodies (the standalone server reads 50 MB).
 */
export function createHttpHandler(options: HttpHandlerOptions): RequestListener {
  const allowed = new Set(options.corsOrigins);
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      options.logger.error({ err: error, path: req.url }, 'unexpected error while answering an HTTP request');
      sendError(res, new HttpError(500, 'Internal server error', 'INTERNAL_SERVER_ERROR'));
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === GRAPHQL_PATH) return graphql(req, res, method, url.search);
    if (options.playground && url.pathname.startsWith(PLAYGROUND_PATH) && (method === 'GET' || method === 'HEAD')) {
      return asset(req, res, url.pathname.slice(PLAYGROUND_PATH.length), method);
    }
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(302, { location: GRAPHQL_PATH }).end();
      return;
    }
    throw new HttpError(404, `Nothing here: GraphQL is served at ${GRAPHQL_PATH}`, 'NOT_FOUND');
  }

  async function graphql(req: IncomingMessage, res: ServerResponse, method: string, search: string): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    if (method === 'OPTIONS') {
      // A preflight: browsers only go on when the origin was allowed above.
      if (res.hasHeader('access-control-allow-origin')) {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader('access-control-allow-headers', 'content-type, apollo-require-preflight, x-apollo-operation-name');
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204).end();
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const request: HTTPGraphQLRequest = { method, headers, search, body: await readJsonBody(req, options.maxBodyBytes) };
    const response = await options.graphql.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: options.context });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.headers.get('content-type')?.startsWith('text/html')) res.setHeader('content-security-policy', PLAYGROUND_CSP);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  function asset(req: IncomingMessage, res: ServerResponse, name: string, method: string): void {
    const found = playgroundAsset(name);
    if (!found) throw new HttpError(404, `The playground has no file ${JSON.stringify(name)}`, 'NOT_FOUND');
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? found.gzipped : found.body;
    res.writeHead(200, {
      'content-type': found.contentType,
      'content-length': body.length,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(method === 'HEAD' ? undefined : body);
  }
}

/**
 * The body as Apollo expects it: parsed JSON for a JSON content type, otherwise nothing (Apollo
 * then refuses the request with its own message). UTF-8 only, as JSON is.
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
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON', 'BAD_REQUEST');
  }
}

function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }));
}
