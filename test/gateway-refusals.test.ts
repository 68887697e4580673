import { requiresPreflight } from '../src/edge/cross-site';
import { GRAPHQL_RESPONSE_JSON, JSON_UTF8, errorContentType } from '../src/edge/media-type';
import { bootGateway, type BootedGateway } from './helpers/gateway';

/**
 * The answers the HTTP front writes itself, before GraphQL runs: their media type follows the Accept
 * header as Apollo Server's own answers do (so a GraphQL client reads the message of a 401), and the
 * cross-site forgery rule lets through what a browser cannot send from another site unasked.
 */
describe('the media type of a refusal', () => {
  it.each([
    [undefined, JSON_UTF8],
    ['', JSON_UTF8],
    ['*/*', JSON_UTF8],
    ['application/json', JSON_UTF8],
    ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_JSON],
    // urql's
    [
      'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      GRAPHQL_RESPONSE_JSON,
    ],
    ['application/json, application/graphql-response+json', JSON_UTF8],
    ['application/json;q=0.5, application/graphql-response+json', GRAPHQL_RESPONSE_JSON],
    ['application/*', JSON_UTF8],
    ['application/json;q=0, */*', GRAPHQL_RESPONSE_JSON],
    ['text/html', JSON_UTF8],
    ['not a media type', JSON_UTF8],
  ])('Accept %p: %s', (accept, expected) => {
    expect(errorContentType(accept)).toBe(expected);
  });
});

describe('cross-site request forgery', () => {
  it.each([
    [{}, false],
    [{ 'content-type': 'text/plain;charset=UTF-8' }, false],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, false],
    [{ 'content-type': 'multipart/form-data; boundary=x' }, false],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, false],
    [{ authorization: 'Bearer' }, false],
    [{ 'apollo-require-preflight': '' }, false],
    [{ 'content-type': 'application/json' }, true],
    [{ authorization: 'Bearer abc.def.ghi' }, true],
    [{ authorization: 'bearer abc', 'content-type': 'text/plain' }, true],
    [{ 'apollo-require-preflight': 'true' }, true],
    [{ 'x-apollo-operation-name': 'Search' }, true],
  ])('headers %p need a preflight: %p', (headers, expected) => {
    expect(requiresPreflight(headers)).toBe(expected);
  });
});

describe('refusals over HTTP', () => {
  let app: BootedGateway;
  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());

  it('a 401 is application/graphql-response+json when the client prefers it, with its message', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
      },
      body: JSON.stringify({ query: '{ sources { source } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe(GRAPHQL_RESPONSE_JSON);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Authentication required: send Authorization: Bearer <token>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });

  it('a 401 stays application/json for a client that asks for nothing else', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sources { source } }' }),
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([401, JSON_UTF8]);
    await response.text();
  });

  it('a GET query with a Bearer token and no Content-Type runs; one with a Basic credential is refused', async () => {
    const url = new URL(app.url);
    url.searchParams.set('query', '{ sources { source } }');
    const bearer = await fetch(url, { headers: { authorization: `Bearer ${app.tokens!.viewer}` } });
    expect(bearer.status).toBe(200);
    expect(((await bearer.json()) as { data: { sources: unknown[] } }).data.sources).toHaveLength(4);
    const basic = await fetch(url, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    await basic.text();
  });
});
