/**
 * The load of pages of users, in a process of its own (run with --expose-gc, as
 * test/resilience/hung-vendor.load.test.ts does, and without process.exit, so a leaked socket or
 * timer keeps it alive):
 *
 *   node --expose-gc -r reflect-metadata -r ./test/support/register-ts.js test/resilience/page-load-run.ts
 *
 * The demo's gateway and simulators on loopback, every simulator answering after PAGE_LOAD_LATENCY_MS
 * (5 ms), then PAGE_LOAD_REQUESTS (2,000) `users(first: 20)` with usernames (user-management) and
 * permissions (GreenArrow) at PAGE_LOAD_CONCURRENCY (50): first with every vendor healthy, then
 * with GreenArrow hung. Each answer is judged whole (no error at all; with GreenArrow hung, every
 * error on a GreenArrow field and every other field there). Prints a human summary on stderr and one
 * JSON line on stdout for the test to judge.
 */
import { Writable } from 'node:stream';
import { Pool } from 'undici';
import { createLogger } from '../../src/platform/logger';
import { bootGateway } from '../helpers/gateway';

const REQUESTS = Number(process.env['PAGE_LOAD_REQUESTS'] ?? 2_000);
const CONCURRENCY = Number(process.env['PAGE_LOAD_CONCURRENCY'] ?? 50);
const LATENCY_MS = Number(process.env['PAGE_LOAD_LATENCY_MS'] ?? 5);
const VENDOR_TIMEOUT_MS = Number(process.env['PAGE_LOAD_VENDOR_TIMEOUT_MS'] ?? 5_000);
const QUERY = '{ users(first: 20) { nodes { email username permissions { api } } } }';

interface Sample {
  latencyMs: number;
  whole: boolean;
  /** The codes of the answer's errors, each as `SOURCE CODE`. */
  codes: string[];
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('page-load-run: run with node --expose-gc');

function percentiles(samples: readonly Sample[]) {
  const sorted = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const at = (fraction: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? NaN) };
}

async function main(): Promise<void> {
  let unhandled = 0;
  process.on('unhandledRejection', () => (unhandled += 1));
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  const app = await bootGateway(
    {
      VENDOR_TIMEOUT_MS: String(VENDOR_TIMEOUT_MS),
      RATE_LIMIT_REQUESTS: '1000000',
      MIRROR_REFRESH_INTERVAL_S: '0',
      // Open for the rest of the run once it opens: no half-open trial reaches the hung vendor.
      GREENARROW_BREAKER_HALF_OPEN_MS: '600000',
    },
    logger,
  );
  const simulators = Object.values(app.simulators.simulators);
  const client = new Pool(new URL(app.url).origin, { connections: CONCURRENCY });
  const path = new URL(app.url).pathname;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.tokens!.admin}` };
  const body = JSON.stringify({ query: QUERY });

  async function one(hung: string | null): Promise<Sample> {
    const started = performance.now();
    const response = await client.request({ path, method: 'POST', headers, body });
    const answer = (await response.body.json()) as {
      data?: { users?: { nodes: Record<string, unknown>[] } };
      errors?: { path?: (string | number)[]; extensions?: { code?: string; source?: string } }[];
    };
    const errors = answer.errors ?? [];
    const nodes = answer.data?.users?.nodes ?? [];
    const hungFields = hung === null ? [] : ['permissions'];
    const whole =
      response.statusCode === 200 &&
      nodes.length === 20 &&
      errors.every((error) => error.extensions?.source === hung && hungFields.includes(String(error.path?.at(-1)))) &&
      nodes.every((node) => node['email'] !== null);
    return {
      latencyMs: performance.now() - started,
      whole,
      codes: errors.map((error) => `${error.extensions?.source ?? '-'} ${error.extensions?.code ?? '-'}`),
    };
  }

  async function phase(hung: string | null) {
    for (const simulator of simulators) simulator.resetCalls();
    const samples: Sample[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next += 1;
          samples.push(await one(hung));
        }
      }),
    );
    const codes: Record<string, number> = {};
    for (const sample of samples) for (const code of sample.codes) codes[code] = (codes[code] ?? 0) + 1;
    return {
      requests: samples.length,
      elapsedS: Math.round((performance.now() - started) / 100) / 10,
      whole: samples.filter((sample) => sample.whole).length,
      answersWithBusy: samples.filter((sample) => sample.codes.some((code) => code.endsWith('VENDOR_BUSY'))).length,
      codes,
      latencyMs: percentiles(samples),
      vendorCalls: Object.fromEntries(
        Object.entries(app.simulators.simulators).map(([source, simulator]) => [source, simulator.calls()]),
      ),
    };
  }

  for (const simulator of simulators) simulator.setFault('*', { latencyMs: LATENCY_MS });
  // A few pages first, so the pools are warm and the first measure is not the first start.
  for (let index = 0; index < 3; index += 1) await one(null);
  const healthy = await phase(null);
  app.simulators.simulators.GREENARROW!.setFault('*', { hang: true });
  const hungGreenArrow = await phase('GREENARROW');
  const metrics = await client.request({ path: '/metrics', method: 'GET', headers });
  const metricText = await metrics.body.text();
  const busyNotSent = metricText
    .split('\n')
    .filter((line) => line.startsWith('usergraph_vendor_calls_not_sent_total') && line.includes('reason="busy"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  await client.close();
  await app.stop();

  const summary = {
    concurrency: CONCURRENCY,
    vendorTimeoutMs: VENDOR_TIMEOUT_MS,
    healthy,
    hungGreenArrow,
    busyNotSentInMetrics: busyNotSent,
    unhandledRejections: unhandled,
  };
  const line = (name: string, run: typeof healthy) =>
    `${name}: ${run.whole}/${run.requests} whole, ${run.answersWithBusy} with VENDOR_BUSY, ${run.elapsedS} s, latency p50 ${run.latencyMs.p50} p99 ${run.latencyMs.p99} max ${run.latencyMs.max} ms; codes ${JSON.stringify(run.codes)}; vendor calls ${JSON.stringify(run.vendorCalls)}`;
  process.stderr.write(
    [
      `pages: ${REQUESTS} users(first: 20) with usernames and permissions at concurrency ${CONCURRENCY}, simulators at ${LATENCY_MS} ms, vendor timeout ${VENDOR_TIMEOUT_MS} ms`,
      line('vendors healthy', healthy),
      line('GreenArrow hung', hungGreenArrow),
      `VENDOR_BUSY in /metrics (calls not sent, reason busy): ${busyNotSent}; unhandled rejections: ${unhandled}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `page-load-run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
