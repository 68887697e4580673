/**
 * What an operator sees, from the environment: the Prometheus endpoint, the OpenTelemetry trace
 * exporter (the standard OTEL_* variables) and what readiness waits for.
 */
import type { EnvReader } from '../platform/env';

/** Where spans go and how many are kept; null in {@link ObservabilitySettings} when no endpoint is set. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  url: string;
  /** Headers sent to the collector (`OTEL_EXPORTER_OTLP_HEADERS`, then `..._TRACES_HEADERS`); may hold its credentials. */
  headers: Record<string, string>;
  /** `OTEL_SERVICE_NAME`, the `service.name` of every span. */
  serviceName: string;
  /** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, as the OpenTelemetry specification names them. */
  sampler: { name: SamplerName; ratio: number };
}

export const SAMPLER_NAMES = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface ObservabilitySettings {
  /** `METRICS`: whether /metrics answers (and the counters behind it are kept). */
  metrics: { enabled: boolean };
  /** The trace exporter; null: no spans are made at all. */
  tracing: TracingSettings | null;
  /** `READINESS_REQUIRES_VENDORS`: whether a vendor whose breaker is open makes /readyz answer 503. */
  readiness: { requireVendors: boolean };
}

/** Reads the observability settings; problems are collected on `read`. */
export function readObservabilitySettings(read: EnvReader): ObservabilitySettings {
  return {
    metrics: { enabled: read.boolean('METRICS', true) },
    tracing: readTracing(read),
    readiness: { requireVendors: read.boolean('READINESS_REQUIRES_VENDORS', true) },
  };
}

function readTracing(read: EnvReader): TracingSettings | null {
  const traces = collectorUrl(read, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = collectorUrl(read, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  // The specification: the signal's own variable is used as it is; the general one gets the signal's path.
  const url = traces ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  const sampler = {
    name: read.oneOf('OTEL_TRACES_SAMPLER', 'parentbased_always_on', SAMPLER_NAMES),
    ratio: ratio(read, 'OTEL_TRACES_SAMPLER_ARG'),
  };
  const headers = {
    ...collectorHeaders(read, 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...collectorHeaders(read, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  };
  const serviceName = read.string('OTEL_SERVICE_NAME', 'usergraph');
  return url === undefined ? null : { url, headers, serviceName, sampler };
}

/**
 * An http(s) URL without credentials in it (they go in the headers variable, which is never
 * logged). Messages never repeat the value, which may hold a credential.
 */
function collectorUrl(read: EnvReader, name: string): string | undefined {
  const value = read.raw(name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    read.problems.push(`${name}: expected the http(s) URL of an OTLP collector, such as http://collector:4318`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    read.problems.push(`${name}: credentials do not belong in the URL; send them with OTEL_EXPORTER_OTLP_HEADERS`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    read.problems.push(
      `${name}: expected an http(s) URL (OTLP/HTTP; gRPC is not supported), got a ${url.protocol} URL`,
    );
    return undefined;
  }
  return value;
}

/** `key=value,key2=value2`, values percent-encoded (the W3C Baggage format the specification uses). Never echoes a value. */
function collectorHeaders(read: EnvReader, name: string): Record<string, string> {
  const value = read.raw(name);
  if (value === undefined) return {};
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim().toLowerCase();
    let decoded: string | null = null;
    try {
      decoded = at > 0 ? decodeURIComponent(pair.slice(at + 1).trim()) : null;
    } catch {
      // reported below
    }
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key) || decoded === null || /[\r\n]/.test(decoded)) {
      read.problems.push(`${name}: expected key=value pairs separated by commas (values percent-encoded)`);
      return {};
    }
    headers[key] = decoded;
  }
  return headers;
}

/** A sampling ratio from 0 to 1; 1 when unset. */
function ratio(read: EnvReader, name: string): number {
  const value = read.raw(name);
  if (value === undefined) return 1;
  const parsed = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || parsed < 0 || parsed > 1) {
    read.problems.push(`${name}: expected a sampling ratio from 0 to 1, got "${value}"`);
    return 1;
  }
  return parsed;
}
