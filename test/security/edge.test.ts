import { eventually } from '../helpers/eventually';
import { bearer, bootGateway, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { closedByServer, errorCodes, openSocket, rawRequest, type RawAnswer } from '../helpers/raw-http';

/**
 * The edge bounds what one request may ask, each limit with its own status and stable code, and
 * each refusal made before any vendor is called: host names (DNS rebinding), mutation fields,
 * aliases, depth, cost, bodies, the rate limit, slow clients and open connections. Every answer,
 * refusals included, carries the security headers and a request id.
 */
describe('bounded requests at the HTTP edge', () => {
  let app: BootedGateway;
  let port: string;

  beforeAll(async () => {
    app = await bootGateway({ HTTP_MAX_BODY_BYTES: '300000', GRAPHQL_MAX_QUERY_LENGTH: '100000' });
    port = new URL(app.url).port;
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  /** A GraphQL POST with the demo's admin token, over node:http so that any header can be set. */
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    rawRequest(app.url, {
      headers: { 'content-type': 'application/json', ...bearer(app.tokens!.admin), ...headers },
      body: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  const refused = (answer: RawAnswer) => [answer.status, errorCodes(answer)];

  describe('host names (DNS rebinding)', () => {
    it('refuses a Host that is not a loopback name with 421 HOST_NOT_ALLOWED, before asking for a token', async () => {
      for (const host of [
        'rebind.evil.example',
        `rebind.evil.example:${port}`,
        'localhost.evil.example',
        '127.0.0.1.nip.io',
      ]) {
        const answer = await post({ query: '{ sources { source } }' }, { host });
        expect([host, ...refused(answer)]).toEqual([host, 421, ['HOST_NOT_ALLOWED']]);
        const anonymous = await rawRequest(app.url, { method: 'GET', headers: { host, accept: 'text/html' } });
        expect([host, anonymous.status]).toEqual([host, 421]);
      }
      expect(vendorCalls(app)).toEqual({});
    });

    it('answers the loopback names, with any port', async () => {
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST', 'localhost:1']) {
        const answer = await post({ query: '{ __typename }' }, { host });
        expect([host, answer.status]).toEqual([host, 200]);
      }
    });

    it('answers the names ALLOWED_HOSTS lists instead', async () => {
      const named = await bootGateway({ ALLOWED_HOSTS: 'gateway.example.com' });
      try {
        const send = (host: string) =>
          rawRequest(named.url, {
            headers: { host, 'content-type': 'application/json', ...bearer(named.tokens!.admin) },
            body: '{"query":"{ __typename }"}',
          });
        expect((await send('gateway.example.com')).status).toBe(200);
        expect(refused(await send(`127.0.0.1:${new URL(named.url).port}`))).toEqual([421, ['HOST_NOT_ALLOWED']]);
      } finally {
        await named.stop();
      }
    });
  });

  describe('operation limits', () => {
    it('refuses two mutation fields in one operation with 400 TOO_MANY_MUTATIONS (GRAPHQL_MAX_MUTATION_FIELDS), fragments included', async () => {
      const twice =
        'mutation { a: deleteUser(input: { id: "usr_a" }) { replayed } b: deleteUser(input: { id: "usr_b" }) { replayed } }';
      const answer = await post({ query: twice });
      expect(refused(answer)).toEqual([400, ['TOO_MANY_MUTATIONS']]);
      expect(answer.json?.errors?.[0]?.extensions).toMatchObject({ mutationFields: 2, maxMutationFields: 1 });
      const spread =
        'mutation { ...Two } fragment Two on Mutation { a: deleteUser(input: { id: "usr_a" }) { replayed } ... on Mutation { b: deleteUser(input: { id: "usr_b" }) { replayed } } }';
      expect(refused(await post({ query: spread }))).toEqual([400, ['TOO_MANY_MUTATIONS']]);
      expect(vendorCalls(app)).toEqual({});
      expect(app.store.db.queryCount).toBe(0);
    });

    it('refuses an alias flood of `sources` with 400 TOO_MANY_ALIASES (GRAPHQL_MAX_ALIASES) and no vendor call', async () => {
      const flood = Array.from({ length: 1500 }, (_, index) => `s${index}: sources { source }`).join(' ');
      const answer = await post({ query: `{ ${flood} }` });
      expect(refused(answer)).toEqual([400, ['TOO_MANY_ALIASES']]);
      expect(answer.json?.errors?.[0]?.extensions).toMatchObject({ aliases: 1500, maxAliases: 100 });
      expect(vendorCalls(app)).toEqual({});
    });

    it('counts the aliases of a fragment each time it is spread', async () => {
      const fields = Array.from({ length: 30 }, (_, index) => `f${index}: __typename`).join(' ');
      const query = `{ ...F a: user(id: "x") { id } ... on Query { ...F ...F ...F } } fragment F on Query { ${fields} }`;
      const answer = await post({ query });
      expect(refused(answer)).toEqual([400, ['TOO_MANY_ALIASES']]);
      expect(answer.json?.errors?.[0]?.extensions).toMatchObject({ aliases: 121 });
    });

    it('refuses fields nested deeper than GRAPHQL_MAX_DEPTH with 400 QUERY_TOO_DEEP', async () => {
      const deep =
        '{ users(first: 1) { nodes { account { users(first: 1) { nodes { account { users(first: 1) { nodes { account { users(first: 1) { totalCount } } } } } } } } } } }';
      const answer = await post({ query: deep });
      expect(refused(answer)).toEqual([400, ['QUERY_TOO_DEEP']]);
      expect(answer.json?.errors?.[0]?.extensions).toMatchObject({ depth: 11, maxDepth: 10 });
      // The same text again is the same parsed document, its shape measured once: refused again.
      expect(refused(await post({ query: deep }))).toEqual([400, ['QUERY_TOO_DEEP']]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('prices a huge `first` given through variables: 400 QUERY_TOO_COSTLY, no vendor call', async () => {
      const answer = await post({
        query: 'query($n: Int) { users(first: $n) { nodes { email permissions { api } } } }',
        variables: { n: 2_000_000_000 },
      });
      expect(refused(answer)).toEqual([400, ['QUERY_TOO_COSTLY']]);
      expect(vendorCalls(app)).toEqual({});
    });

    it('refuses an operationName over GRAPHQL_MAX_OPERATION_NAME_LENGTH with 400 OPERATION_NAME_TOO_LONG, without repeating it', async () => {
      const name = `Q${'x'.repeat(5_000)}`;
      const answer = await post({ query: `query ${name} { __typename }`, operationName: name });
      expect(refused(answer)).toEqual([400, ['OPERATION_NAME_TOO_LONG']]);
      expect(answer.text).not.toContain('xxxxxxxxxx');
      expect(answer.text.length).toBeLessThan(300);
    });

    it('refuses a document over GRAPHQL_MAX_QUERY_LENGTH with 400 QUERY_TOO_LONG', async () => {
      const answer = await post({ query: `{ __typename } # ${'x'.repeat(100_000)}` });
      expect(refused(answer)).toEqual([400, ['QUERY_TOO_LONG']]);
    });
  });

  describe('bodies and methods', () => {
    it('refuses a body over HTTP_MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
      const answer = await post({ query: '{ __typename }', variables: { padding: 'x'.repeat(310_000) } });
      expect(refused(answer)).toEqual([413, ['PAYLOAD_TOO_LARGE']]);
    });

    it('refuses a batched array body with 400', async () => {
      const answer = await post([{ query: '{ sources { source } }' }, { query: '{ sources { source } }' }]);
      expect(refused(answer)).toEqual([400, ['BAD_REQUEST']]);
      expect(answer.json?.errors?.[0]?.message).toMatch(/batching/i);
      expect(vendorCalls(app)).toEqual({});
    });

    it('refuses a body that is not valid UTF-8 with 400 BAD_REQUEST, rather than repairing it', async () => {
      const invalid = Buffer.concat([
        Buffer.from('{"query": "{ user(email: \\"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('\\") { id } }"}'),
      ]);
      const answer = await post(invalid);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        errors: [{ message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }],
      });
      expect(app.store.db.queryCount).toBe(0);
    });

    it('refuses a mutation sent with GET (405) and a text/plain POST, a CSRF attempt (400)', async () => {
      const url = new URL(app.url);
      url.searchParams.set('query', 'mutation { deleteUser(input: { id: "usr_x" }) { replayed } }');
      const viaGet = await rawRequest(url.toString(), {
        method: 'GET',
        headers: { ...bearer(app.tokens!.admin), 'apollo-require-preflight': 'true' },
      });
      expect(refused(viaGet)).toEqual([405, ['BAD_REQUEST']]);
      const plain = await post(JSON.stringify({ query: '{ sources { source } }' }), { 'content-type': 'text/plain' });
      expect(refused(plain)).toEqual([400, ['BAD_REQUEST']]);
      expect(vendorCalls(app)).toEqual({});
    });
  });

  describe('what every answer carries', () => {
    it('the security headers, and no-store on GraphQL answers, refusals included', async () => {
      const answers = {
        ok: await post({ query: '{ __typename }' }),
        unauthenticated: await rawRequest(app.url, {
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
        }),
        invalid: await post({ query: '{ nothing }' }),
        missing: await rawRequest(`${new URL(app.url).origin}/nowhere`, { method: 'GET' }),
        foreign: await rawRequest(app.url, { method: 'GET', headers: { host: 'evil.example' } }),
        page: await rawRequest(app.url, { method: 'GET', headers: { accept: 'text/html' } }),
        asset: await rawRequest(`${new URL(app.url).origin}/playground/boot.js`, { method: 'GET' }),
      };
      for (const [name, answer] of Object.entries(answers)) {
        expect([
          name,
          answer.headers['x-content-type-options'],
          answer.headers['referrer-policy'],
          answer.headers['x-frame-options'],
          answer.headers['cross-origin-resource-policy'],
        ]).toEqual([name, 'nosniff', 'no-referrer', 'DENY', 'same-origin']);
        expect([name, answer.headers['content-security-policy']]).toEqual([
          name,
          expect.stringContaining("frame-ancestors 'none'"),
        ]);
        if (name !== 'asset') expect([name, answer.headers['cache-control']]).toEqual([name, 'no-store']);
      }
      expect(answers.asset.headers['cache-control']).toBe('public, max-age=3600');
    });

    it("a request id: the client's own when it is well formed, a fresh one otherwise", async () => {
      expect(
        (await post({ query: '{ __typename }' }, { 'x-request-id': 'checkout-42.a:b' })).headers['x-request-id'],
      ).toBe('checkout-42.a:b');
      for (const odd of ['two words', 'x'.repeat(129), '<script>']) {
        expect((await post({ query: '{ __typename }' }, { 'x-request-id': odd })).headers['x-request-id']).toMatch(
          /^[0-9a-f-]{36}$/,
        );
      }
      const first = await post({ query: '{ __typename }' });
      const second = await post({ query: '{ __typename }' });
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });
  });
});

describe('the rate limit per token', () => {
  let app: BootedGateway;
  beforeAll(async () => {
    app = await bootGateway({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_S: '600' });
  });
  afterAll(() => app.stop());

  const send = (headers: Record<string, string>) =>
    rawRequest(app.url, {
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"query":"{ __typename }"}',
    });

  it('answers the request over RATE_LIMIT_REQUESTS in the window with 429 RATE_LIMITED and Retry-After', async () => {
    const admin = bearer(app.tokens!.admin);
    for (let index = 0; index < 3; index++) expect((await send(admin)).status).toBe(200);
    const limited = await send(admin);
    expect([limited.status, errorCodes(limited)]).toEqual([429, ['RATE_LIMITED']]);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Another token has its own allowance.
    expect((await send(bearer(app.tokens!.viewer))).status).toBe(200);
  });

  it('counts requests without a valid token against the client address, so guessing tokens is limited too', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++)
      statuses.push((await send({ authorization: `Bearer guess-${index}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('slow and numerous clients', () => {
  let app: BootedGateway;
  beforeAll(async () => {
    app = await bootGateway({
      HTTP_HEADERS_TIMEOUT_MS: '300',
      HTTP_REQUEST_TIMEOUT_MS: '600',
      HTTP_MAX_CONNECTIONS: '3',
    });
  });
  afterAll(() => app.stop());

  it('closes the socket of a client that sends its headers and then nothing (HTTP_REQUEST_TIMEOUT_MS)', async () => {
    const socket = await openSocket(app.url);
    const closed = closedByServer(socket);
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.tokens!.admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`,
    );
    await closed;
    expect(socket.destroyed || socket.readableEnded).toBe(true);
  }, 30_000);

  it('closes the socket of a client that never finishes its headers (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const socket = await openSocket(app.url);
    const closed = closedByServer(socket);
    socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const received = await closed;
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  }, 30_000);

  it('closes connections over HTTP_MAX_CONNECTIONS at once, and serves again once they are gone', async () => {
    const held = await Promise.all([openSocket(app.url), openSocket(app.url), openSocket(app.url)]);
    const extra = await openSocket(app.url);
    await closedByServer(extra);
    for (const socket of held) socket.destroy();
    // The server counts a connection gone once it has seen it close: ask until it has.
    await eventually(async () => {
      const answer = await rawRequest(app.url, {
        headers: { 'content-type': 'application/json', ...bearer(app.tokens!.admin) },
        body: '{"query":"{ __typename }"}',
      }).catch(() => null);
      return answer?.status === 200;
    }, 'the gateway to take connections again');
  }, 30_000);
});
