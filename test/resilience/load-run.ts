/**
 * The bounded load run of test/resilience/load.test.ts, in a process of its own so that it can be
 * run with --expose-gc and must end by itself (a leaked socket or timer would keep it alive):
 *
 *   node --expose-gc -r ./test/support/register-ts.js test/resilience/load-run.ts
 *
 * The demo's gateway and simulators on loopback, GreenArrow hung on every route, then LOAD_REQUESTS
 * GraphQL requests (2,000 by default) at LOAD_CONCURRENCY (50) for a person at all four vendors.
 * Prints a human summary on stderr and one JSON line on stdout for the test to judge.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Pool } from 'undici';
import { createLogger } from '../../src/platform/logger';
import { eventually } from '../helpers/eventually';
import { bootGateway } from '../helpers/gateway';

const REQUESTS = Number(process.env['LOAD_REQUESTS'] ?? 2_000);
const CONCURRENCY = Number(process.env['LOAD_CONCURRENCY'] ?? 50);
const QUERY =
  '{ user(email: "ada.lovelace0@example.com") { email displayName username firstName subscriptions { email } permissions { api } } }';

interface Sample {
  startedAt: number;
  latencyMs: number;
  /** The answer had every field of the other vendors and a code on GreenArrow's. */
  complete: boolean;
  code: string | null;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('load-run: run with node --expose-gc');

/** heapUsed in MiB after two full collections. */
function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed / 1_048_576;
}

function percentiles(samples: readonly Sample[]): {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
} {
  const sorted = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const at = (fraction: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN);
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: Math.round(sorted[sorted.length - 1] ?? NaN),
  };
}

const socketsAndTimers = () =>
  process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPSocketWrap' || kind === 'TCPServerWrap' || kind === 'Timeout').length;

async function main(): Promise<void> {
  let unhandled = 0;
  process.on('unhandledRejection', () => (unhandled += 1));
  const resourcesBefore = socketsAndTimers();

  let breakerOpenedAt: number | null = null;
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.includes('"vendor circuit opened') && line.includes('"GREENARROW"'))
            breakerOpenedAt ??= performance.now();
        }
        done();
      },
    }),
  });
  const app = await bootGateway(
    {
      VENDOR_TIMEOUT_MS: '1000',
      // Open for the whole run: no half-open trial reaches the hung vendor while the test counts its calls.
      GREENARROW_BREAKER_HALF_OPEN_MS: '600000',
      // The edge's per-token rate limit would refuse a load of one client's requests.
      RATE_LIMIT_REQUESTS: '1000000',
      // The mirror's background refresh would add calls of its own to the count.
      MIRROR_REFRESH_INTERVAL_S: '0',
    },
    logger,
  );
  const greenArrow = app.simulators.simulators.GREENARROW!;
  const client = new Pool(new URL(app.url).origin, { connections: CONCURRENCY });
  const path = new URL(app.url).pathname;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${app.tokens!.admin}` };
  const body = JSON.stringify({ query: QUERY });

  async function one(): Promise<Sample> {
    const startedAt = performance.now();
    const response = await client.request({ path, method: 'POST', headers, body });
    const answer = (await response.body.json()) as {
      data?: { user?: Record<string, unknown> };
      errors?: { extensions?: { code?: string; source?: string } }[];
    };
    const user = answer.data?.user;
    const others =
      user !== undefined &&
      ['email', 'displayName', 'username', 'firstName', 'subscriptions'].every(
        (field) => user[field] !== null && user[field] !== undefined,
      );
    const code = answer.errors?.find((error) => error.extensions?.source === 'GREENARROW')?.extensions?.code ?? null;
    const complete =
      response.statusCode === 200 &&
      others &&
      user['permissions'] === null &&
      code !== null &&
      (answer.errors ?? []).every((error) => error.extensions?.source === 'GREENARROW');
    return { startedAt, latencyMs: performance.now() - startedAt, complete, code };
  }

  // A few requests before the fault, so the pools are warm and the first half is not the first start.
  for (let index = 0; index < 5; index += 1) await one();
  greenArrow.resetCalls();
  greenArrow.setFault('*', { hang: true });

  // The simulator runs on this process's event loop, so it sees a call some turns after the gateway
  // sent it (on a new connection after a timeout destroyed the old one: connect, accept, read).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const samples: Sample[] = [];
  let next = 0;
  let heapAtHalf = 0;
  const halfway = Math.floor(REQUESTS / 2);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        samples.push(await one());
        if (samples.length === halfway) heapAtHalf = heapAfterGc();
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1_000;
  const heapAtEnd = heapAfterGc();

  // Every hung call was cut at its deadline and its socket destroyed: none is left open at the hung vendor.
  await eventually(async () => (await greenArrow.openConnections()) === 0, "the hung vendor's sockets to close");
  const callsAtEnd = greenArrow.calls();
  const openedAt = breakerOpenedAt ?? Infinity;
  // What the hung vendor had received by the time every request started before the breaker opened had ended.
  const lastBeforeOpenEnded = Math.max(
    ...samples.filter((sample) => sample.startedAt < openedAt).map((sample) => sample.startedAt + sample.latencyMs),
  );
  // A call the simulator saw later than that, by more than the longest event-loop stall of the run
  // (the lag between the gateway's send and the simulator's handler), was sent after the breaker opened.
  loopDelay.disable();
  const loopLagMs = loopDelay.max / 1e6;
  const callsMadeAfterOpen = greenArrow
    .callLog()
    .filter((call) => call.startedAt > lastBeforeOpenEnded + loopLagMs).length;

  await client.close();
  const otherSimulatorSockets = Object.fromEntries(
    await Promise.all(
      Object.entries(app.simulators.simulators).map(
        async ([source, simulator]) => [source, await simulator.openConnections()] as const,
      ),
    ),
  );
  await app.stop();
  // Sockets closed by the stop leave the list on a later turn of the event loop.
  await eventually(
    () => socketsAndTimers() <= resourcesBefore,
    'every socket and timer of the run to be gone',
    5_000,
  ).catch(() => undefined);
  const resourcesAfter = socketsAndTimers();
  const left = process.getActiveResourcesInfo();

  const before = samples.filter((sample) => sample.startedAt < openedAt);
  const after = samples.filter((sample) => sample.startedAt >= openedAt);
  const codes: Record<string, number> = {};
  for (const sample of samples) codes[sample.code ?? 'none'] = (codes[sample.code ?? 'none'] ?? 0) + 1;
  const summary = {
    requests: samples.length,
    concurrency: CONCURRENCY,
    elapsedS: Math.round(elapsedS * 10) / 10,
    complete: samples.filter((sample) => sample.complete).length,
    codes,
    breakerOpened: breakerOpenedAt !== null,
    latencyBeforeOpen: percentiles(before),
    latencyAfterOpen: percentiles(after),
    hungVendorCalls: callsAtEnd,
    hungVendorCallsAfterOpen: callsMadeAfterOpen,
    unhandledRejections: unhandled,
    heapMiB: {
      atHalf: Math.round(heapAtHalf * 10) / 10,
      atEnd: Math.round(heapAtEnd * 10) / 10,
      growth: Math.round((heapAtEnd - heapAtHalf) * 10) / 10,
    },
    socketsAtVendorsBeforeStop: otherSimulatorSockets,
    socketsAndTimers: { beforeBoot: resourcesBefore, afterStop: resourcesAfter },
  };
  const table = (name: string, p: ReturnType<typeof percentiles>) =>
    `${name.padEnd(22)} ${String(p.count).padStart(5)} ${[p.p50, p.p90, p.p99, p.max].map((value) => String(value).padStart(7)).join('')}`;
  process.stderr.write(
    [
      `load: ${summary.requests} requests at concurrency ${CONCURRENCY} in ${summary.elapsedS} s, GreenArrow hung; ${summary.complete} complete (other vendors' data, GreenArrow's code)`,
      `codes on GreenArrow's field: ${JSON.stringify(codes)}`,
      `latency (ms)           count     p50    p90    p99    max`,
      table('before breaker opened', summary.latencyBeforeOpen),
      table('after breaker opened', summary.latencyAfterOpen),
      `hung vendor calls: ${JSON.stringify(callsAtEnd)}, of which after the breaker opened: ${callsMadeAfterOpen} (event loop stalled at most ${Math.round(loopLagMs)} ms)`,
      `heapUsed after GC: ${summary.heapMiB.atHalf} MiB at half, ${summary.heapMiB.atEnd} MiB at the end (growth ${summary.heapMiB.growth} MiB)`,
      `unhandled rejections: ${unhandled}; sockets at the simulators before stop: ${JSON.stringify(otherSimulatorSockets)}; sockets and timers ${resourcesBefore} before boot, ${resourcesAfter} after stop ${JSON.stringify(left)}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load-run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
