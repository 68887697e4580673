/**
 * The vendors of `npm run bench`: the four simulators in a process of their own (so that their work
 * is not done on the load generator's event loop), seeded with the sample population plus one
 * generated account of 100 people, and two user-management accounts made for the create
 * scenarios, one of {@link SMALL_ACCOUNT_SIZE} and one of {@link LARGE_ACCOUNT_SIZE} people.
 *
 * Run by bench/run.ts through `child_process.fork`; it answers the messages of {@link VendorRequest}
 * on the IPC channel and exits when that channel closes (the harness stopped, however it stopped).
 *
 * People the benchmark creates carry the {@link BENCH_EMAIL_DOMAIN}. While a create scenario runs,
 * those that land in a bench account are taken out of user-management every
 * {@link TRIM_INTERVAL_MS}, so each account keeps its size however many creates a round makes (the
 * benchmark measures a create into an account of 10 and of 10,000, not into one that grows by a
 * round's worth); `cleanup` then removes them from every vendor, so the account page's GreenArrow
 * listing stays as long as it was.
 */
import { SOURCES } from '../src/domain/types';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../src/simulators';
import { loadSimulatorConfig } from '../src/simulators/config';
import type { Simulator } from '../src/simulators/kit/framework';
import {
  BENCH_EMAIL_DOMAIN,
  LARGE_ACCOUNT_SIZE,
  POPULATION,
  SMALL_ACCOUNT_SIZE,
  type CallCounts,
  type VendorAnswer,
  type VendorRequest,
  type VendorsReady,
} from './vendors-protocol';

const TRIM_INTERVAL_MS = 50;

async function main(): Promise<void> {
  const running = await startSimulators(
    loadSimulatorConfig({
      DATA_DIR: ':memory:',
      SIM_POPULATION: String(POPULATION),
      SIM_HOST: '127.0.0.1',
      SIM_RAINMAKER_PORT: '0',
      SIM_ENGAGEMENT_PORT: '0',
      SIM_GREENARROW_PORT: '0',
      SIM_USER_MANAGEMENT_PORT: '0',
    }),
  );
  const users = running.simulators.USER_MANAGEMENT!.store;
  const small = addBenchAccount(running, 'Bench account of 10', 'small', SMALL_ACCOUNT_SIZE);
  const large = addBenchAccount(running, 'Bench account of 10,000', 'large', LARGE_ACCOUNT_SIZE);
  const benchAccounts = new Set([Number(small), Number(large)]);
  // user-management hands out ids in order: every user above the seeded ones was created by a run.
  const seededSize = users.size;
  let watermark = users.all().reduce((highest, user) => Math.max(highest, user.id), 0) + 1;
  let keptAbove = 0;
  const trim = setInterval(() => {
    // Visits each created id once; ends when every user above the seeded ones has been seen.
    while (users.size > seededSize + keptAbove) {
      const user = users.get(watermark);
      watermark += 1;
      if (user === undefined) continue;
      if (benchAccounts.has(user.defaultAccountId)) users.remove(user.id);
      else keptAbove += 1;
    }
  }, TRIM_INTERVAL_MS);

  const answer = (message: VendorAnswer) => process.send!(message);
  process.on('message', (request: VendorRequest) => {
    try {
      switch (request.type) {
        case 'counts':
          return answer({ id: request.id, counts: countsOf(running) });
        case 'reset':
          for (const simulator of simulators(running)) simulator.resetCalls();
          return answer({ id: request.id });
        case 'latency':
          for (const source of SOURCES) {
            const latencyMs = request.latencyMs[source];
            running.simulators[source]!.setFault('*', latencyMs > 0 ? { latencyMs } : null);
          }
          return answer({ id: request.id });
        case 'cleanup': {
          const removed = removeBenchPeople(running);
          keptAbove = Math.max(0, users.size - seededSize);
          return answer({ id: request.id, removed });
        }
      }
    } catch (error) {
      answer({ id: request.id, error: (error as Error).stack ?? String(error) });
    }
  });
  // The harness is gone (stopped, failed or killed): nothing is left listening.
  process.once('disconnect', () => {
    clearInterval(trim);
    void running.close().then(() => process.exit(0));
  });
  const ready: VendorsReady = {
    type: 'ready',
    env: simulatorEnv(running),
    accounts: { small, large },
    syncAccountIds: users.accounts().map((account) => account.id),
  };
  process.send!(ready);
}

function simulators(running: RunningSimulators): Simulator[] {
  return Object.values(running.simulators);
}

/** A user-management account of `size` people who exist only there; answers its id. */
function addBenchAccount(running: RunningSimulators, name: string, tag: string, size: number): string {
  const store = running.simulators.USER_MANAGEMENT!.store;
  const { id } = store.addAccount({ name });
  for (let index = 0; index < size; index += 1) {
    const handle = `member.${tag}.${index}`;
    store.insert({
      contactName: `Member ${index} of ${name}`,
      emailAddress: `${handle}@members.example.net`,
      defaultAccountId: id,
      username: handle,
    });
  }
  return id;
}

function countsOf(running: RunningSimulators): CallCounts {
  const counts: CallCounts = {};
  for (const source of SOURCES) {
    const routes: Record<string, { answered: number; failed: number }> = {};
    for (const call of running.simulators[source]!.callLog()) {
      const route = (routes[call.route] ??= { answered: 0, failed: 0 });
      // A 404 is an answer (a pre-flight read finding no one is how it says the email is free).
      if (call.status !== null && call.status < 500) route.answered += 1;
      else route.failed += 1;
    }
    if (Object.keys(routes).length > 0) counts[source] = routes;
  }
  return counts;
}

/** Removes everyone the benchmark created, at every vendor; answers how many records went. */
function removeBenchPeople(running: RunningSimulators): number {
  const created = (email: string) => email.toLowerCase().endsWith(`@${BENCH_EMAIL_DOMAIN}`);
  const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = running.simulators;
  let removed = 0;
  for (const user of RAINMAKER!.store.all())
    if (created(user.userName) && RAINMAKER!.store.remove(user.userName)) removed += 1;
  for (const member of ENGAGEMENT!.store.all())
    if (created(member.email) && ENGAGEMENT!.store.remove(member.id)) removed += 1;
  for (const user of GREENARROW!.store.all())
    if (created(user.email) && GREENARROW!.store.remove(user.id)) removed += 1;
  for (const user of USER_MANAGEMENT!.store.all())
    if (created(user.emailAddress) && USER_MANAGEMENT!.store.remove(user.id)) removed += 1;
  return removed;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench vendors: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
