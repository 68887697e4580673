import { bearer, bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * Documents a careless or hostile client may send: each is refused with a clear error and a 4xx
 * status before any vendor is called, and the gateway keeps serving.
 */
interface Answer {
  status: number;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

describe('hostile GraphQL documents', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  async function raw(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    method = 'POST',
  ): Promise<Answer> {
    const response = await fetch(app.url, {
      method,
      headers: { ...bearer(app.tokens?.admin), ...headers },
      body: method === 'GET' ? undefined : body,
    });
    const text = await response.text();
    return {
      status: response.status,
      ...(text.startsWith('{') ? (JSON.parse(text) as object) : { errors: [{ message: text }] }),
    };
  }
  const codes = (answer: Answer) => answer.errors?.map((error) => error.extensions?.['code']);

  it('refuses nested connections priced at the nodes they could resolve, naming the cost and the limit', async () => {
    const nested =
      '{ users(first: 500) { nodes { account { users(first: 500) { nodes { email permissions { api } } } } } } }';
    const answer = await graphql(app, nested);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^This operation may cost \d+, over the limit of 25000/),
        extensions: expect.objectContaining({ code: 'QUERY_TOO_COSTLY', maxCost: 25_000, cost: expect.any(Number) }),
      }),
    ]);
    expect(answer.errors![0].extensions['cost']).toBeGreaterThan(500 * 500);
    expect(vendorCalls(app)).toEqual({});
    expect(app.store.db.queryCount).toBe(0);
  });

  it('prices a page size given in a variable, and an omitted one at the default of 20', async () => {
    const query = 'query($n: Int) { users(first: $n) { nodes { account { users(first: $n) { nodes { email } } } } } }';
    expect(codes(await graphql(app, query, { n: 400 }))).toEqual(['QUERY_TOO_COSTLY']);
    const modest = await graphql(app, 'query { users { nodes { account { users { nodes { email } } } } } }');
    expect(modest.errors).toBeUndefined();
    expect(modest.status).toBe(200);
  });

  it('prices the same document anew when a variable that sets a page size or a directive changes', async () => {
    const query =
      'query($n: Int, $deep: Boolean!) { users(first: $n) { nodes { email account @include(if: $deep) { users(first: $n) { nodes { email } } } } } }';
    expect((await graphql(app, query, { n: 5, deep: true })).errors).toBeUndefined();
    expect(codes(await graphql(app, query, { n: 400, deep: true }))).toEqual(['QUERY_TOO_COSTLY']);
    expect((await graphql(app, query, { n: 400, deep: false })).errors).toBeUndefined();
    expect(codes(await graphql(app, query, { n: 400, deep: true }))).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('refuses many aliases of a costly field, as their sum', async () => {
    const aliases = Array.from(
      { length: 60 },
      (_, index) => `a${index}: account(id: "1") { users(first: 500) { nodes { id } } }`,
    ).join(' ');
    expect(codes(await graphql(app, `{ ${aliases} }`))).toEqual(['QUERY_TOO_COSTLY']);
    expect(vendorCalls(app)).toEqual({});
  });

  it('serves a large but honest page: 500 users with their details', async () => {
    const answer = await graphql(
      app,
      '{ users(first: 500) { totalCount nodes { id email displayName username country permissions { api ui injection } identities { source externalId } } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.status).toBe(200);
  });

  it('stops parsing a document over the token limit', async () => {
    const fields = Array.from({ length: 11_000 }, () => '__typename').join(' ');
    const answer = await graphql(app, `{ ${fields} }`);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Syntax Error: Document contains more th\w+ 10000 tokens/),
        extensions: expect.objectContaining({ code: 'GRAPHQL_PARSE_FAILED' }),
      }),
    ]);
  });

  it.each([
    ['a syntax error', '{ users(first: ) { nodes { id } }', 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', '{ users { nodes { password } } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown argument', '{ user(id: "x", secret: true) { id } }', 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a fragment cycle',
      'query { user(id: "x") { ...A } } fragment A on User { account { users { nodes { ...B } } } } fragment B on User { ...A }',
      'GRAPHQL_VALIDATION_FAILED',
    ],
  ])('answers %s with 400 and its code', async (_, query, code) => {
    const answer = await graphql(app, query);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toContain(code);
    expect(vendorCalls(app)).toEqual({});
  });

  it('answers variables of the wrong type with BAD_USER_INPUT, without executing', async () => {
    const answer = await graphql(app, 'query($n: Int) { users(first: $n) { totalCount } }', { n: 'many' });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses bodies that are not a GraphQL request', async () => {
    expect((await raw('{"query": ')).status).toBe(400);
    expect((await raw('[{"query": "{ sources { source } }"}, {"query": "{ sources { source } }"}]')).status).toBe(400);
    expect((await raw('{"query": 42}')).status).toBe(400);
    expect((await raw('{"variables": {}}')).status).toBe(400);
  });

  it('refuses a cross-site simple request (CSRF) and a mutation over GET', async () => {
    const simple = await raw(JSON.stringify({ query: '{ sources { source } }' }), { 'content-type': 'text/plain' });
    expect(simple.status).toBe(400);
    const url = new URL(app.url);
    url.searchParams.set('query', 'mutation { deleteUser(input: { id: "x" }) { replayed } }');
    const viaGet = await fetch(url, { headers: { 'apollo-require-preflight': 'true', ...bearer(app.tokens?.admin) } });
    expect(viaGet.status).toBe(405);
    await viaGet.text();
    expect(vendorCalls(app)).toEqual({});
  });

  it('keeps serving after all of the above', async () => {
    const answer = await graphql<{ sources: unknown[] }>(app, '{ sources { source reachable } }');
    expect(answer.status).toBe(200);
    expect(answer.data!.sources).toHaveLength(4);
  });
});
