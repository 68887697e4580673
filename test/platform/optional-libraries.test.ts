import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port';
import { TEST_API_KEY, TEST_AUTH_ENV, post, runToExit, spawnGateway } from '../helpers/gateway-process';

/**
 * The production entry loads an optional feature's libraries only when its setting turns it on: a
 * gateway with the default settings carries none of them (docs/benchmarks.md, "Memory at start").
 * Checked in gateway processes started as production starts them, from the modules each had
 * loaded when it exited (test/support/loaded-modules.js writes them down).
 */

/** The packages each optional feature loads, and only it. */
const FEATURE_PACKAGES = {
  redis: ['ioredis'],
  postgres: ['pg'],
  tracing: [
    '@opentelemetry/context-async-hooks',
    '@opentelemetry/core',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace-base',
  ],
  subgraph: ['@apollo/subgraph'],
} as const;
type Feature = keyof typeof FEATURE_PACKAGES;

/** rate-limiter-flexible, which the per-token limit always uses: its in-memory limiter, and with REDIS_URL its Redis one, never its index (every store's limiter). */
const RATE_LIMITER = {
  memory: 'rate-limiter-flexible/lib/RateLimiterMemory.js',
  redis: 'rate-limiter-flexible/lib/RateLimiterRedis.js',
  index: 'rate-limiter-flexible/index.js',
};

const PRELOAD = join(__dirname, '..', 'support', 'loaded-modules.js');
const dir = mkdtempSync(join(tmpdir(), 'usergraph-loaded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;

/** A production gateway's environment with `settings`, recording what it loads; `loaded()` reads it after the process ended. */
function recorded(settings: Record<string, string>): { env: Record<string, string>; loaded(): Loaded } {
  const file = join(dir, `run-${++runs}.json`);
  return {
    env: {
      ...TEST_AUTH_ENV,
      PORT: '0',
      DATA_DIR: ':memory:',
      NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`,
      USERGRAPH_TEST_LOADED_MODULES: file,
      ...settings,
    },
    loaded: () => new Loaded(JSON.parse(readFileSync(file, 'utf8')) as string[]),
  };
}

/** What a process loaded from node_modules: module paths from the package's name on. */
class Loaded {
  readonly packages: ReadonlySet<string>;

  constructor(readonly modules: readonly string[]) {
    this.packages = new Set(modules.map((path) => path.split('/', path.startsWith('@') ? 2 : 1).join('/')));
  }

  /** The features whose packages were loaded (any of them). */
  features(): Feature[] {
    return (Object.keys(FEATURE_PACKAGES) as Feature[]).filter((feature) =>
      FEATURE_PACKAGES[feature].some((name) => this.packages.has(name)),
    );
  }
}

/** Starts the production entry with `settings`, sends it one request, stops it, and answers what it loaded. */
async function startAndStop(settings: Record<string, string>): Promise<Loaded> {
  const run = recorded(settings);
  const gateway = await spawnGateway(run.env, { entry: 'src/index.ts', token: TEST_API_KEY });
  try {
    const answer = await post<{ sources: unknown[] }>(gateway, '{ sources { source } }', {});
    expect(answer.errors).toBeUndefined();
  } finally {
    gateway.process.kill('SIGTERM');
  }
  expect(await gateway.exited).toBe(0);
  return run.loaded();
}

describe('optional features load their libraries only when turned on', () => {
  it('with the default settings, the production gateway loads none of them, and only the in-memory rate limiter', async () => {
    const loaded = await startAndStop({});
    expect(loaded.features()).toEqual([]);
    expect(loaded.modules).toContain(RATE_LIMITER.memory);
    expect(loaded.modules).not.toContain(RATE_LIMITER.redis);
    expect(loaded.modules).not.toContain(RATE_LIMITER.index);
  }, 60_000);

  it('with REDIS_URL (a server that is away: the gateway starts on its own state), ioredis and the Redis rate limiter', async () => {
    const loaded = await startAndStop({ REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
    expect(loaded.features()).toEqual(['redis']);
    expect(loaded.modules).toContain(RATE_LIMITER.redis);
    expect(loaded.modules).not.toContain(RATE_LIMITER.index);
  }, 60_000);

  it('with an OTLP endpoint (one nobody listens on), the OpenTelemetry SDK and exporter', async () => {
    const loaded = await startAndStop({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      // No span to send there at the stop, whose export would retry until the flush gives up.
      OTEL_TRACES_SAMPLER: 'always_off',
    });
    expect(loaded.features()).toEqual(['tracing']);
    expect(FEATURE_PACKAGES.tracing.filter((name) => !loaded.packages.has(name))).toEqual([]);
  }, 60_000);

  it('with GRAPHQL_SUBGRAPH, @apollo/subgraph', async () => {
    const loaded = await startAndStop({ GRAPHQL_SUBGRAPH: 'true' });
    expect(loaded.features()).toEqual(['subgraph']);
  }, 60_000);

  it('with DATABASE_URL, pg: a server that refuses fails the start as before, once pg has tried it', async () => {
    const run = recorded({
      DATABASE_URL: `postgres://usergraph@127.0.0.1:${await freePort()}/usergraph`,
      JOURNAL_KEY: 'optional-libraries-test-key',
    });
    const { code, stdout } = await runToExit('src/index.ts', [], run.env);
    expect(code).toBe(1);
    expect(stdout).toContain('"type":"StoreUnavailableError"');
    expect(run.loaded().features()).toEqual(['postgres']);
  }, 60_000);
});
