import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type ContextManager,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { BasicTracerProvider, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from '../platform/logger';
import type { TracingSettings } from './settings';

/** One vendor call attempt, as a span describes it. */
export interface VendorAttemptInfo {
  source: string;
  route: string;
  method: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

export interface TracingOptions {
  logger: Logger;
  /**
   * Where finished spans go instead of the OTLP exporter (tests pass an in-memory exporter): each
   * span is exported as it ends. With it, spans are made whatever the settings say.
   */
  exporter?: SpanExporter;
}

/**
 * OpenTelemetry traces of the gateway: a server span per GraphQL request (child of the caller's
 * W3C `traceparent` when it sent one), named after its operation by the Apollo plugin, and a
 * client span per vendor call attempt below it, whose `traceparent` goes to the vendor.
 *
 * Nothing here is global: the provider, the context manager and the propagator belong to this
 * object, so two gateways in one process (tests) trace apart and nothing is left registered after
 * `shutdown()`. Built only when an exporter is configured ({@link createTracing} answers null
 * otherwise), so a gateway without one makes no span at all.
 */
export class Tracing {
  private readonly tracer: Tracer;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly provider: BasicTracerProvider,
    /** Where the span being served is kept across awaits (enabled). */
    private readonly contextManager: ContextManager,
    /** W3C `traceparent` and `tracestate`, read from requests and written to vendor calls. */
    private readonly propagator: TextMapPropagator,
    private readonly logger: Logger,
    /** Runs once the provider has shut down: releases what the exporter held (its sockets). */
    private readonly afterShutdown: () => void = () => undefined,
  ) {
    this.tracer = provider.getTracer('usergraph');
  }

  /**
   * Runs `serve` in a server span for one HTTP request: its parent is the request's `traceparent`
   * (and `tracestate`) when valid, a new trace otherwise. The span ends when `serve` settles, with
   * the response's status code (or the `status` of what `serve` threw), failed from 500 on.
   */
  async serve<T>(
    req: IncomingMessage,
    res: ServerResponse,
    attributes: Attributes,
    serve: () => Promise<T>,
  ): Promise<T> {
    const parent = this.propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = (req.url ?? '/').split('?')[0];
    const span = this.tracer.startSpan(
      `${method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path, ...attributes } },
      parent,
    );
    let status = 500;
    try {
      const result = await this.contextManager.with(trace.setSpan(parent, span), serve);
      status = res.statusCode;
      return result;
    } catch (error) {
      // A refusal the HTTP front answers itself (401, 413, 429, …) carries its status.
      status = statusOf(error) ?? 500;
      if (status >= 500) span.setAttribute('error.type', errorCode(error));
      throw error;
    } finally {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }

  /** The span of the request (or vendor call) being served here, if any. */
  currentSpan(): Span | undefined {
    return trace.getSpan(this.contextManager.active());
  }

  /**
   * Runs one vendor call attempt in a client span, child of the current span, after writing its
   * W3C `traceparent` (and `tracestate`) into `headers`, the headers the attempt sends. The span
   * gets the HTTP status the attempt answers with (a number, or an object's `status`) or fails with.
   */
  async vendorAttempt<T>(info: VendorAttemptInfo, headers: Record<string, string>, run: () => Promise<T>): Promise<T> {
    const parent = this.contextManager.active();
    const span = this.tracer.startSpan(
      `${info.method} ${info.route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'usergraph.vendor': info.source,
          'usergraph.vendor.route': info.route,
          'http.request.method': info.method,
          ...(info.attempt > 1 ? { 'http.request.resend_count': info.attempt - 1 } : {}),
        },
      },
      parent,
    );
    const context = trace.setSpan(parent, span);
    this.propagator.inject(context, headers, defaultTextMapSetter);
    try {
      const result = await this.contextManager.with(context, run);
      const status = statusOf(result);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      return result;
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode(error) });
      span.setAttribute('error.type', errorCode(error));
      throw error;
    } finally {
      span.end();
    }
  }

  /** Exports what is left (bounded by the exporter's own timeout) and stops; idempotent. */
  shutdown(): Promise<void> {
    this.stopped ??= this.provider
      .shutdown()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'the trace exporter did not flush its last spans'))
      .finally(() => {
        this.contextManager.disable();
        this.afterShutdown();
      });
    return this.stopped;
  }
}

/**
 * The gateway's tracing: with an injected exporter, spans go there as they end; with an OTLP
 * endpoint configured, they are batched to it; with neither, null (no span is ever made).
 */
export async function createTracing(
  settings: TracingSettings | null,
  options: TracingOptions,
): Promise<Tracing | null> {
  // Where spans go: an injected exporter before the OTLP endpoint; with neither, tracing is off.
  const destination = options.exporter ?? settings;
  if (destination === null) return null;
  // Loaded here, only when tracing is on: a gateway without an exporter loads none of the SDK,
  // only the API (small, and the GraphQL observer's too).
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    sdk,
  ] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  // The exporter's connections to the collector, destroyed after its last export (they would keep the process up).
  const agents: (HttpAgent | HttpsAgent)[] = [];
  // Made here rather than by the exporter, whose default loads node:http with a dynamic import (which jest's VM refuses).
  const agentFor = (protocol: string) => {
    const agent = protocol === 'http:' ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true });
    agents.push(agent);
    return agent;
  };
  const processor: SpanProcessor =
    'export' in destination // an exporter, not the settings
      ? new sdk.SimpleSpanProcessor(destination)
      : new sdk.BatchSpanProcessor(
          new OTLPTraceExporter({ url: destination.url, headers: destination.headers, httpAgentOptions: agentFor }),
        );
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings?.serviceName ?? 'usergraph' }),
    sampler: sampler(settings?.sampler ?? { name: 'parentbased_always_on', ratio: 1 }, sdk),
    spanProcessors: [processor],
  });
  if (settings)
    options.logger.info(
      { url: settings.url, serviceName: settings.serviceName, sampler: settings.sampler.name },
      'exporting traces over OTLP/HTTP',
    );
  return new Tracing(
    provider,
    new AsyncLocalStorageContextManager().enable(),
    new W3CTraceContextPropagator(),
    options.logger,
    () => agents.forEach((agent) => agent.destroy()),
  );
}

function sampler(settings: TracingSettings['sampler'], sdk: typeof import('@opentelemetry/sdk-trace-base')): Sampler {
  switch (settings.name) {
    case 'always_on':
      return new sdk.AlwaysOnSampler();
    case 'always_off':
      return new sdk.AlwaysOffSampler();
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(settings.ratio);
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(settings.ratio) });
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}

/** Node's headers as the propagator reads them (a repeated header is joined, as HTTP allows). */
const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => defaultTextMapGetter.get(carrier, key),
};

/** The HTTP status a vendor attempt ended with: its result when a number, or the result's (or error's) `status`. */
function statusOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const status = (value as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** A stable word for a failure: the error's `code` (VENDOR_TIMEOUT, …) or its class name; never its message. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
