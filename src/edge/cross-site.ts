import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cross-site request forgery: a web page on another site can make a browser send a "simple"
 * request (a GET, or a POST of a form or of text/plain) to the gateway without asking it first,
 * and with whatever credentials the browser attaches by itself. Anything else makes the browser ask
 * first (a CORS preflight), which only CORS_ORIGINS pass. So a GraphQL request is run only when it
 * carries something a simple request cannot:
 *
 * - a Content-Type other than the three a form can send (application/json, as POSTs have);
 * - an `Authorization: Bearer` header: a script must set it, which needs a preflight, and no
 *   browser attaches a Bearer token by itself (it does attach Basic, Digest and Negotiate
 *   credentials, which this gateway never accepts anyway). This is what lets urql's and Apollo
 *   Client's GET queries through: they carry the token and no Content-Type;
 * - a non-empty `Apollo-Require-Preflight` or `X-Apollo-Operation-Name` header (Apollo's own
 *   convention, for clients without a token when authentication is off).
 *
 * Apollo Server's own check (which knows only the last two) is switched off in graphql/server.ts:
 * this one runs first, at the HTTP front, for every GraphQL request.
 */

/** The content types a cross-site form or a `fetch` without a preflight may send. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Headers that, non-empty, show the request was sent by a script that went through a preflight. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** The part of a Content-Type before its parameters, lower-cased: `text/plain;charset=utf-8` is text/plain. */
function essence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** Whether these request headers could only have been sent after a CORS preflight (or by a client that is not a browser). */
export function requiresPreflight(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  if (contentType !== undefined && !SIMPLE_CONTENT_TYPES.includes(essence(contentType))) return true;
  if (/^bearer\s+\S/i.test((headers.authorization ?? '').trim())) return true;
  return PREFLIGHT_HEADERS.some((name) => {
    const value = headers[name];
    return typeof value === 'string' && value.trim() !== '';
  });
}

/** What a refused request is told: what to send instead. */
export const CROSS_SITE_REFUSAL =
  'This request was refused as a potential cross-site request forgery (CSRF): send it with an Authorization: Bearer header, a Content-Type of application/json, or a non-empty Apollo-Require-Preflight header, none of which a browser sends from another site without asking this gateway first';
