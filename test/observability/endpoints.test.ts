import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { bearer, bootGateway, graphql, type BootedGateway } from '../helpers/gateway';
import { closedByServer, openSocket, rawRequest } from '../helpers/raw-http';
import { eventually } from '../helpers/eventually';

/**
 * What an operator reaches besides GraphQL, over real HTTP: /healthz and /readyz as Kubernetes
 * probes read them (no token, any Host: a kubelet names the pod's IP), /metrics in Prometheus's
 * format behind the same tokens as /graphql, and the request id every answer and every log line of
 * its request carry.
 */
describe('the operator endpoints', () => {
  let app: BootedGateway;
  let origin: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await bootGateway({}, createLogger({ level: 'debug', destination }));
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(`${origin}${path}`, { method: 'GET', headers: { host: new URL(origin).host, ...headers } });

  describe('/healthz and /readyz', () => {
    it('answer alive and ready with no token, for any Host, in JSON', async () => {
      for (const host of [new URL(origin).host, '10.1.2.3:4000']) {
        const live = await get('/healthz', { host });
        expect([live.status, live.json]).toEqual([200, { status: 'ok' }]);
        expect(live.headers['content-type']).toBe('application/json; charset=utf-8');
        const ready = await get('/readyz', { host });
        expect(ready.status).toBe(200);
        expect(ready.json).toEqual({
          status: 'ready',
          checks: [
            { check: 'shutdown', ok: true, detail: 'running' },
            { check: 'database', ok: true, detail: 'answering' },
            ...['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'].map((source) => ({
              check: 'vendor',
              source,
              ok: true,
              detail: 'breaker closed',
            })),
          ],
        });
      }
    });

    it('answer HEAD without a body and refuse other methods', async () => {
      const head = await rawRequest(`${origin}/readyz`, { method: 'HEAD' });
      expect([head.status, head.text]).toEqual([200, '']);
      const post = await rawRequest(`${origin}/healthz`, { method: 'POST' });
      expect([post.status, post.headers['allow'], post.json?.errors?.[0]?.extensions?.['code']]).toEqual([
        405,
        'GET, HEAD',
        'METHOD_NOT_ALLOWED',
      ]);
    });

    it('call no vendor', async () => {
      for (const simulator of Object.values(app.simulators.simulators)) simulator.resetCalls();
      for (let probe = 0; probe < 5; probe += 1) await get('/readyz');
      expect(Object.values(app.simulators.simulators).map((simulator) => simulator.calls())).toEqual([{}, {}, {}, {}]);
    });
  });

  describe('/metrics', () => {
    it('answers a viewer in Prometheus text format, with the operations served and the process metrics', async () => {
      const named = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(app.tokens!.admin) },
        body: JSON.stringify({ query: 'query SourcesForMetrics { sources { source } }' }),
      });
      expect(named.status).toBe(200);
      await graphql(app, '{ nothing }');

      const scrape = await get('/metrics', bearer(app.tokens!.viewer));
      expect(scrape.status).toBe(200);
      expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(scrape.text).toMatch(
        /^usergraph_graphql_operations_total\{operation="SourcesForMetrics",type="query",outcome="success"\} 1$/m,
      );
      expect(scrape.text).toMatch(
        /^usergraph_graphql_operations_total\{operation="\(unknown\)",type="unknown",outcome="error"\} 1$/m,
      );
      expect(scrape.text).toMatch(
        /^usergraph_graphql_operation_duration_seconds_count\{operation="SourcesForMetrics",type="query",outcome="success"\} 1$/m,
      );
      expect(scrape.text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(scrape.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      for (const vendor of ['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT']) {
        expect(scrape.text).toContain(`usergraph_vendor_breaker_state{vendor="${vendor}",state="closed"} 1`);
        expect(scrape.text).toContain(`usergraph_vendor_breaker_state{vendor="${vendor}",state="open"} 0`);
        expect(scrape.text).toContain(`usergraph_vendor_queue_depth{vendor="${vendor}"} 0`);
      }
    });

    it('refuses a caller without a token, and a Host that is not allowed', async () => {
      const anonymous = await get('/metrics');
      expect([
        anonymous.status,
        anonymous.headers['www-authenticate']?.startsWith('Bearer'),
        anonymous.json?.errors?.[0]?.extensions?.['code'],
      ]).toEqual([401, true, 'UNAUTHENTICATED']);
      const rebound = await get('/metrics', { host: 'evil.example.com', ...bearer(app.tokens!.viewer) });
      expect(rebound.status).toBe(421);
    });

    it('is not there with METRICS=false', async () => {
      const bare = await bootGateway({ METRICS: 'false' });
      try {
        const scrape = await rawRequest(`${new URL(bare.url).origin}/metrics`, {
          method: 'GET',
          headers: bearer(bare.tokens!.admin),
        });
        expect(scrape.status).toBe(404);
      } finally {
        await bare.stop();
      }
    });
  });

  describe('the request id', () => {
    it('comes back in x-request-id and is on every log line of its request, vendor calls included', async () => {
      lines.length = 0;
      const response = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-42', ...bearer(app.tokens!.admin) },
        body: JSON.stringify({ query: '{ account(id: "1") { users(first: 2) { nodes { email } } } }' }),
      });
      expect(response.headers.get('x-request-id')).toBe('trace-me-42');
      await response.json();
      await eventually(
        () => lines.some((line) => line['msg'] === 'request answered' && line['requestId'] === 'trace-me-42'),
        'the request to be logged as answered',
      );
      const vendorCalls = lines.filter((line) => line['msg'] === 'vendor call');
      expect(vendorCalls.length).toBeGreaterThan(0);
      expect(lines.filter((line) => line['requestId'] !== 'trace-me-42').map((line) => line['msg'])).toEqual([]);
    });

    it('is made when the client sent none (or an unusable one), and logged with the request', async () => {
      lines.length = 0;
      const response = await fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': 'not usable: spaces',
          ...bearer(app.tokens!.admin),
        },
        body: JSON.stringify({ query: '{ sources { source } }' }),
      });
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await response.json();
      await eventually(
        () => lines.some((line) => line['msg'] === 'request answered' && line['requestId'] === id),
        'the request to be logged as answered',
      );
    });
  });

  describe('while stopping', () => {
    it('readiness fails and a request on a connection still open is refused before anything runs, while the request in flight finishes', async () => {
      const stopping = await bootGateway();
      const stoppingOrigin = new URL(stopping.url).origin;
      const accounts = stopping.simulators.simulators.USER_MANAGEMENT!;
      accounts.setFault('usersByAccount', { latencyMs: 400 });
      const inFlight = fetch(stopping.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(stopping.tokens!.admin) },
        body: JSON.stringify({ query: '{ account(id: "1") { users(first: 1) { nodes { email } } } }' }),
      });
      // Connections with a request begun (its headers not yet complete) are not idle: a stop leaves them open.
      const probe = await openSocket(stopping.url);
      const late = await openSocket(stopping.url);
      const probeAnswer = closedByServer(probe);
      const lateAnswer = closedByServer(late);
      probe.write(`GET /readyz HTTP/1.1\r\nHost: ${new URL(stoppingOrigin).host}\r\n`);
      late.write(
        `POST /graphql HTTP/1.1\r\nHost: ${new URL(stoppingOrigin).host}\r\nContent-Type: application/json\r\n`,
      );
      await eventually(() => accounts.calls('usersByAccount') > 0, 'the vendor call to start');
      for (const simulator of Object.values(stopping.simulators.simulators))
        if (simulator !== accounts) simulator.resetCalls();

      const stopped = stopping.stop();
      const body = JSON.stringify({ query: '{ sources { source reachable } }' });
      probe.write('\r\n');
      late.write(
        `Authorization: Bearer ${stopping.tokens!.admin}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );

      const readiness = await probeAnswer;
      expect(readiness).toMatch(/^HTTP\/1\.1 503 /);
      expect(JSON.parse(readiness.slice(readiness.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 'not ready',
        checks: expect.arrayContaining([{ check: 'shutdown', ok: false, detail: 'stopping' }]),
      });
      const refused = await lateAnswer;
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused.toLowerCase()).toContain('connection: close');
      expect(refused).toContain('"code":"SHUTTING_DOWN"');

      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.headers.get('connection')).toBe('close');
      expect(((await answered.json()) as { errors?: unknown }).errors).toBeUndefined();
      await stopped;
      // The refused `sources` probed no vendor.
      expect(
        Object.values(stopping.simulators.simulators)
          .filter((simulator) => simulator !== accounts)
          .map((simulator) => simulator.calls()),
      ).toEqual([{}, {}, {}]);
    });
  });
});
