import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/platform/env';

/** The observability and shutdown settings: defaults, the standard OTEL_* variables, and refusals that name the variable. */
describe('observability and shutdown settings', () => {
  it('default to metrics on, no tracing, readiness that counts the vendors, and a 20 s grace', () => {
    const config = loadConfig({ AUTH: 'off' });
    expect(config.observability).toEqual({
      metrics: { enabled: true },
      tracing: null,
      readiness: { requireVendors: true },
    });
    expect(config.shutdown).toEqual({ graceMs: 20_000 });
  });

  it('read METRICS, READINESS_REQUIRES_VENDORS and SHUTDOWN_GRACE_MS', () => {
    const config = loadConfig({
      AUTH: 'off',
      METRICS: 'false',
      READINESS_REQUIRES_VENDORS: 'no',
      SHUTDOWN_GRACE_MS: '0',
    });
    expect(config.observability.metrics).toEqual({ enabled: false });
    expect(config.observability.readiness).toEqual({ requireVendors: false });
    expect(config.shutdown).toEqual({ graceMs: 0 });
  });

  it('export traces to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', () => {
    expect(
      loadConfig({ AUTH: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).observability.tracing,
    ).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: {},
      serviceName: 'usergraph',
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
    const traces = loadConfig({
      AUTH: 'off',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/spans',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-tenant=blue',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=green',
      OTEL_SERVICE_NAME: 'usergraph-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).observability.tracing;
    expect(traces).toEqual({
      url: 'https://traces.example.com/otlp/spans',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'green' },
      serviceName: 'usergraph-eu',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
  });

  it('refuses malformed values, naming each variable and never echoing a header value', () => {
    let error: unknown;
    try {
      loadConfig({
        AUTH: 'off',
        METRICS: 'maybe',
        SHUTDOWN_GRACE_MS: '-1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://user:pass@collector/v1/traces',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer secret-token-value,broken',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'METRICS',
      'SHUTDOWN_GRACE_MS',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ]) {
      expect(problems).toMatch(new RegExp(`^${name}: `, 'm'));
    }
    expect(problems).not.toContain('secret-token-value');
    expect(problems).not.toContain('pass@');
  });
});
