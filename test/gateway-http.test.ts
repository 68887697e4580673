import { get, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { eventually } from './helpers/eventually';
import { bearer, bootGateway, type BootedGateway } from './helpers/gateway';

/**
 * The gateway's HTTP front over real requests: the offline playground and its assets, CORS only
 * for configured origins, bounded bodies, clean errors for everything that is not GraphQL, and a
 * stop that lets requests in flight finish.
 */
describe('the HTTP front', () => {
  let app: BootedGateway;
  let origin: string;

  beforeAll(async () => {
    app = await bootGateway({ CORS_ORIGINS: 'https://admin.example.com', HTTP_MAX_BODY_BYTES: '4096' });
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());

  /** A GET that leaves the body as it came over the wire. */
  function rawGet(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      get(`${origin}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      }).on('error', reject);
    });
  }
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(app.tokens?.admin), ...headers },
      body,
    });
  const QUERY = JSON.stringify({ query: '{ sources { source } }' });

  describe('the playground', () => {
    it('answers a browser at /graphql with a page that loads only same-origin files, under a strict CSP', async () => {
      const response = await fetch(app.url, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      const html = await response.text();
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(references.sort()).toEqual([
        '/playground/boot.js',
        '/playground/graphiql.min.css',
        '/playground/graphiql.min.js',
        '/playground/playground.css',
        '/playground/react-dom.production.min.js',
        '/playground/react.production.min.js',
        'data:,',
      ]);
      expect(html).not.toMatch(/<script>[^<]/);
    });

    it('serves every file the page references, gzipped to whoever accepts it', async () => {
      for (const [name, type, minBytes] of [
        ['graphiql.min.js', /^text\/javascript/, 100_000],
        ['graphiql.min.css', /^text\/css/, 10_000],
        ['react.production.min.js', /^text\/javascript/, 5_000],
        ['react-dom.production.min.js', /^text\/javascript/, 50_000],
        ['boot.js', /^text\/javascript/, 100],
        ['playground.css', /^text\/css/, 100],
      ] as const) {
        const plain = await fetch(`${origin}/playground/${name}`, { headers: { 'accept-encoding': 'identity' } });
        expect([name, plain.status]).toEqual([name, 200]);
        expect(plain.headers.get('content-type')).toMatch(type);
        const bytes = Buffer.from(await plain.arrayBuffer());
        expect(bytes.length).toBeGreaterThan(minBytes);
        // fetch inflates gzip itself: read the raw bytes to see what travels.
        const zipped = await rawGet(`/playground/${name}`, { 'accept-encoding': 'gzip, deflate' });
        expect([name, zipped.headers['content-encoding']]).toEqual([name, 'gzip']);
        expect(zipped.body.length).toBeLessThan(bytes.length);
        expect(gunzipSync(zipped.body).equals(bytes)).toBe(true);
      }
      const boot = await (await fetch(`${origin}/playground/boot.js`)).text();
      expect(boot).toContain('createFetcher({ url: "/graphql", enableIncrementalDelivery: false })');
    });

    it("tells the page, never cached, that introspection is on and, in the demo, the demo's tokens", async () => {
      const response = await fetch(`${origin}/playground/session.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const session = (await response.json()) as { introspection: boolean; demo: Record<string, string> };
      expect(session.introspection).toBe(true);
      expect(session.demo).toEqual({
        startedAt: expect.stringMatching(/^\d{4}-/),
        expiresAt: app.tokens!.expiresAt.toISOString(),
        admin: app.tokens!.admin,
        viewer: app.tokens!.viewer,
      });
    });

    it('serves nothing else under /playground/, and no path out of it', async () => {
      for (const path of [
        '/playground/package.json',
        '/playground/../package.json',
        '/playground/%2e%2e/package.json',
        '/playground/graphiql.min.js.map',
        '/playground/',
      ]) {
        const response = await fetch(`${origin}${path}`);
        expect([path, response.status]).toEqual([path, 404]);
        expect(await response.json()).toEqual({
          errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }],
        });
      }
    });

    it('sends a browser at / to /graphql', async () => {
      const response = await fetch(`${origin}/`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/graphql');
    });
  });

  describe('CORS', () => {
    it('lets a configured origin read answers and pass its preflight', async () => {
      const answer = await post(QUERY, { origin: 'https://admin.example.com' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      await answer.text();
      const preflight = await fetch(app.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://admin.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    });

    it('gives any other origin no CORS headers, so a foreign page can neither read nor preflight', async () => {
      const answer = await post(QUERY, { origin: 'https://evil.example' });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      await answer.text();
      const preflight = await fetch(app.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    });
  });

  describe('bad requests', () => {
    it('refuses a body over HTTP_MAX_BODY_BYTES with 413, declared or not', async () => {
      const big = JSON.stringify({ query: `{ sources { source } } # ${'x'.repeat(5_000)}` });
      const answer = await post(big);
      expect(answer.status).toBe(413);
      expect(await answer.json()).toEqual({
        errors: [{ message: 'The request body is over 4096 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
    });

    it('answers a body that is not JSON with 400, and a charset other than UTF-8 with 415', async () => {
      const broken = await post('{"query": "{ sources');
      expect(broken.status).toBe(400);
      expect(await broken.json()).toEqual({
        errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
      });
      const latin1 = await post(QUERY, { 'content-type': 'application/json; charset=latin1' });
      expect(latin1.status).toBe(415);
      await latin1.text();
    });

    it('answers any other path with a JSON 404 that says where GraphQL is', async () => {
      const answer = await fetch(`${origin}/api`, {
        method: 'POST',
        body: QUERY,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({
        errors: [{ message: 'Nothing here: GraphQL is served at /graphql', extensions: { code: 'NOT_FOUND' } }],
      });
    });
  });

  it('lets a request in flight finish when the gateway stops', async () => {
    const stopping = await bootGateway();
    stopping.simulators.simulators.USER_MANAGEMENT!.setFault('usersByAccount', { latencyMs: 300 });
    const inFlight = fetch(stopping.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(stopping.tokens?.admin) },
      body: JSON.stringify({ query: '{ account(id: "1") { users(first: 1) { totalCount } } }' }),
    });
    // Stop once the vendor call is under way, i.e. the request is being resolved.
    await eventually(
      () => stopping.simulators.simulators.USER_MANAGEMENT!.calls('usersByAccount') > 0,
      'the vendor call to start',
    );
    const stopped = stopping.stop();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(
      ((await answer.json()) as { data: { account: { users: { totalCount: number } } } }).data.account.users.totalCount,
    ).toBeGreaterThan(0);
    await stopped;
    await expect(
      fetch(stopping.url, {
        method: 'POST',
        body: QUERY,
        headers: { 'content-type': 'application/json', ...bearer(stopping.tokens?.admin) },
      }),
    ).rejects.toThrow();
  });

  it('names a busy gateway port and the variable that moves it, leaving nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(bootGateway({ PORT: String(port) })).rejects.toThrow(
        `The gateway could not listen on 127.0.0.1:${port}: port ${port} is in use (set PORT)`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves no playground with PLAYGROUND=false', async () => {
    const bare = await bootGateway({ PLAYGROUND: 'false' });
    try {
      const page = await fetch(bare.url, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).not.toMatch(/^text\/html/);
      await page.text();
      const file = await fetch(`${new URL(bare.url).origin}/playground/graphiql.min.js`);
      expect(file.status).toBe(404);
      await file.text();
    } finally {
      await bare.stop();
    }
  });
});
