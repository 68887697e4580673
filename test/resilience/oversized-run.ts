/**
 * What two 64 MiB vendor answers cost the gateway's memory, in a process of its own (run with
 * --expose-gc, as test/resilience/load.test.ts does):
 *
 *   node --expose-gc -r reflect-metadata -r ./test/support/register-ts.js test/resilience/oversized-run.ts
 *
 * One GraphQL request reads Ada from GreenArrow and user-management, both answering 64 MiB. Run
 * twice: with the default cap on an answer (VENDOR_MAX_RESPONSE_BYTES, 8 MiB), and with the cap
 * raised to 1 GiB, as the transport read answers before it had one. Memory is sampled every few
 * milliseconds during the request (the peak) and after a full collection (what stays). Prints a
 * summary on stderr and one JSON line on stdout.
 */
import { graphql, bootGateway } from '../helpers/gateway';

const ANSWER_BYTES = 64 * 1_048_576;
const QUERY = '{ user(email: "ada.lovelace0@example.com") { email displayName permissions { api } } }';
const MiB = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('oversized-run: run with node --expose-gc');

/** The memory a request's answers can hold: the JS heap, and Buffers outside it. */
function held(): { heap: number; buffers: number; rss: number } {
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, buffers: usage.arrayBuffers, rss: usage.rss };
}

function settled(): { heap: number; buffers: number; rss: number } {
  gc!();
  gc!();
  return held();
}

async function measure(cap: number | null): Promise<Record<string, unknown>> {
  const app = await bootGateway(cap === null ? {} : { VENDOR_MAX_RESPONSE_BYTES: String(cap) });
  try {
    await graphql(app, QUERY);
    for (const source of ['GREENARROW', 'USER_MANAGEMENT'] as const)
      app.simulators.simulators[source]!.setFault('getUser', { oversizedBytes: ANSWER_BYTES });
    const before = settled();
    const peak = { ...before };
    const sampler = setInterval(() => {
      const now = held();
      peak.heap = Math.max(peak.heap, now.heap);
      peak.buffers = Math.max(peak.buffers, now.buffers);
      peak.rss = Math.max(peak.rss, now.rss);
    }, 2);
    let codes: unknown;
    try {
      const result = await graphql(app, QUERY);
      codes = (result.errors ?? [])
        .map((error) => `${String(error.extensions?.['source'])} ${String(error.extensions?.['code'])}`)
        .sort();
    } finally {
      clearInterval(sampler);
    }
    const after = settled();
    return {
      cap: cap === null ? 'default (8 MiB)' : `${MiB(cap)} MiB`,
      codes,
      peakGrowthMiB: {
        heap: MiB(peak.heap - before.heap),
        buffers: MiB(peak.buffers - before.buffers),
        heapAndBuffers: MiB(peak.heap + peak.buffers - before.heap - before.buffers),
        rss: MiB(peak.rss - before.rss),
      },
      retainedMiB: { heapAndBuffers: MiB(after.heap + after.buffers - before.heap - before.buffers) },
    };
  } finally {
    await app.stop();
  }
}

async function main(): Promise<void> {
  const capped = await measure(null);
  const uncapped = await measure(1_073_741_824);
  const line = (run: Record<string, unknown>) =>
    `${String(run['cap']).padEnd(16)} peak growth ${JSON.stringify(run['peakGrowthMiB'])}, retained ${JSON.stringify(run['retainedMiB'])}, ${JSON.stringify(run['codes'])}`;
  process.stderr.write(
    `two ${MiB(ANSWER_BYTES)} MiB answers in one request (MiB over the settled baseline):\n  ${line(capped)}\n  ${line(uncapped)}\n`,
  );
  process.stdout.write(`${JSON.stringify({ capped, uncapped })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `oversized-run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
