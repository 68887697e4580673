import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/platform/logger';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import { TEST_API_KEY, TEST_AUTH_ENV, post, spawnGateway } from '../helpers/gateway-process';
import { eventually } from '../helpers/eventually';
import { bearer, bootGateway, resetCounters } from '../helpers/gateway';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * OpenTelemetry traces over real HTTP: one GraphQL request makes one server span named after its
 * operation, child of the caller's W3C `traceparent`, with a client span per vendor call below it
 * whose own `traceparent` reaches the vendor (the simulators keep it in their call log). With an
 * OTLP endpoint configured, the spans reach a collector; with none, no span is made.
 */

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const QUERY = 'query AccountUsers { account(id: "1") { users(first: 2) { nodes { email } } } }';

describe('traces', () => {
  let simulators: RunningSimulators;
  let app: App;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    simulators = await startSimulators(
      loadSimulatorConfig({
        DATA_DIR: ':memory:',
        ...SIMULATORS_ON_FREE_PORTS,
      }),
    );
    const config = loadConfig({
      ...simulatorEnv(simulators),
      PORT: '0',
      DATA_DIR: ':memory:',
      AUTH: 'off',
      MIRROR_REFRESH_INTERVAL_S: '0',
    });
    app = await startApp(config, silentLogger, { spanExporter: exporter });
  });
  afterAll(async () => {
    await app.stop();
    await simulators.close();
  });
  beforeEach(() => {
    exporter.reset();
    for (const simulator of Object.values(simulators.simulators)) simulator.resetCalls();
  });

  const send = (headers: Record<string, string> = {}) =>
    fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: QUERY }),
    });
  const serverSpans = () => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);

  it("makes one server span per GraphQL request, named after its operation, in the caller's trace", async () => {
    const response = await send({ traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'x-request-id': 'traced-1' });
    expect(response.status).toBe(200);
    await response.json();
    await eventually(() => serverSpans().length === 1, 'the server span to end');
    const [operation] = serverSpans() as [ReadableSpan];
    expect(operation.name).toBe('query AccountUsers');
    expect(operation.spanContext().traceId).toBe(TRACE_ID);
    expect(operation.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(operation.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'AccountUsers',
      'http.request.method': 'POST',
      'url.path': '/graphql',
      'http.response.status_code': 200,
      'usergraph.request_id': 'traced-1',
      'usergraph.graphql.outcome': 'success',
    });
  });

  it('makes a client span per vendor call below it, and the vendor gets its traceparent', async () => {
    await (await send({ traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` })).json();
    await eventually(() => serverSpans().length === 1, 'the server span to end');
    const [operation] = serverSpans() as [ReadableSpan];
    const vendorSpans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    const calls = Object.entries(simulators.simulators).flatMap(([source, simulator]) =>
      simulator.callLog().map((call) => ({ source, call })),
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(vendorSpans).toHaveLength(calls.length);
    for (const span of vendorSpans) {
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(span.attributes).toMatchObject({ 'http.response.status_code': 200 });
    }
    // Each call the vendors saw carried the traceparent of its own span, in the caller's trace.
    const bySpan = new Map(vendorSpans.map((span) => [`00-${TRACE_ID}-${span.spanContext().spanId}-01`, span]));
    for (const { source, call } of calls) {
      const span = bySpan.get(call.traceHeaders['traceparent'] ?? '');
      expect([
        source,
        call.route,
        span?.attributes['usergraph.vendor'],
        span?.attributes['usergraph.vendor.route'],
        span?.name,
      ]).toEqual([source, call.route, source, call.route, `${call.method} ${call.route}`]);
    }
  });

  it('starts a new trace when the caller sent no traceparent, or one that is malformed', async () => {
    for (const headers of [{}, { traceparent: 'not-a-trace-parent' }] as Record<string, string>[]) {
      exporter.reset();
      await (await send(headers)).json();
      await eventually(() => serverSpans().length === 1, 'the server span to end');
      const [operation] = serverSpans() as [ReadableSpan];
      expect(operation.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(operation.spanContext().traceId).not.toBe(TRACE_ID);
      expect(operation.parentSpanContext).toBeUndefined();
    }
  });

  it('records the status of a request refused before GraphQL ran', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ sources { source } }"',
    });
    expect(response.status).toBe(400);
    await eventually(() => serverSpans().length === 1, 'the server span to end');
    const [refused] = serverSpans() as [ReadableSpan];
    expect(refused.attributes['http.response.status_code']).toBe(400);
    expect(refused.status.code).toBe(0);
  });

  it('marks a request that failed as a whole', async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ nothing }' }),
    });
    expect(response.status).toBe(400);
    await eventually(() => serverSpans().length === 1, 'the server span to end');
    const [failed] = serverSpans() as [ReadableSpan];
    expect(failed.attributes).toMatchObject({
      'usergraph.graphql.outcome': 'error',
      'usergraph.graphql.error_codes': ['GRAPHQL_VALIDATION_FAILED'],
      'http.response.status_code': 400,
    });
  });
});

describe('without a trace exporter', () => {
  it('makes no span and sends the vendors no traceparent, even when the caller sent one', async () => {
    const app = await bootGateway();
    try {
      resetCounters(app);
      const response = await fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
          ...bearer(app.tokens!.admin),
        },
        body: JSON.stringify({ query: QUERY }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      const calls = Object.values(app.simulators.simulators).flatMap((simulator) => simulator.callLog());
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.map((call) => call.traceHeaders)).toEqual(calls.map(() => ({})));
    } finally {
      await app.stop();
    }
  });
});

describe('traces to an OTLP collector', () => {
  // A gateway process, as production runs it: the exporter loads node:http in a way jest's VM refuses.
  it('reach the collector OTEL_EXPORTER_OTLP_ENDPOINT names, with the headers OTEL_EXPORTER_OTLP_HEADERS gives, by the time the gateway has stopped', async () => {
    const received: { path: string; authorization: string | undefined; body: string }[] = [];
    const collector: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const gateway = await spawnGateway(
        {
          ...TEST_AUTH_ENV,
          PORT: '0',
          DATA_DIR: ':memory:',
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20collector-token',
          OTEL_SERVICE_NAME: 'usergraph-test',
        },
        { entry: 'src/index.ts', token: TEST_API_KEY },
      );
      const answer = await post<{ sources: unknown[] }>(
        gateway,
        'query CollectedSources { sources { source configured } }',
        {},
      );
      expect(answer.errors).toBeUndefined();
      gateway.process.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
    expect(received.length).toBeGreaterThan(0);
    expect(
      received.every((request) => request.path === '/v1/traces' && request.authorization === 'Bearer collector-token'),
    ).toBe(true);
    const body = received.map((request) => request.body).join('\n');
    expect(body).toContain('query CollectedSources');
    expect(body).toContain('usergraph-test');
  }, 60_000);
});
