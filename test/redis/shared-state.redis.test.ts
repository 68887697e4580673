import { Writable } from 'node:stream';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/platform/logger';
import { simulatorEnv } from '../../src/simulators';
import { seedIdentityStore } from '../../src/simulators/seed-identities';
import { eventually } from '../helpers/eventually';
import { TEST_API_KEY, TEST_AUTH_ENV } from '../helpers/gateway-process';
import { bootGateway, graphql, type BootedGateway } from '../helpers/gateway';
import { rawRequest } from '../helpers/raw-http';
import { TEST_REDIS_URL, deleteKeys, keysUnder, startThrowawayRedis, testKeyPrefix } from '../helpers/test-redis';

/**
 * Three gateways in this process, one set of simulators behind them, sharing the machine's Redis
 * under a key prefix of this run's own (deleted after): the per-token rate limit is the
 * deployment's, one gateway's open breaker and one gateway's Retry-After pause stop the others
 * from calling the vendor (the simulators count the calls). Then a Redis of the test's own,
 * stopped and started again: each gateway falls back to its own state with one warning, serves on,
 * and goes back to the shared state with one info line.
 */
const ADA = '{ user(email: "ada.lovelace0@example.com") { displayName permissions { api } } }';
type Answer = { user: { displayName: string | null; permissions: { api: string } | null } };

/** Collects a gateway's log lines (pino JSON). */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/**
 * A deployment: the first gateway as the demo runs it (seeded simulators in front of it), then
 * `replicas - 1` more on the same simulators, each with its own store seeded the same way.
 */
async function startDeployment(
  env: Record<string, string>,
  replicas: number,
  loggers: Logger[] = [],
): Promise<{ first: BootedGateway; all: App[]; stop(): Promise<void> }> {
  const shared = { ...TEST_AUTH_ENV, ...env };
  const first = await bootGateway(shared, loggers[0]);
  const all: App[] = [first];
  try {
    for (let index = 1; index < replicas; index += 1) {
      const config = loadConfig({ PORT: '0', DATA_DIR: ':memory:', ...shared, ...simulatorEnv(first.simulators) });
      const app = await startApp(config, loggers[index] ?? createLogger({ level: 'silent' }));
      all.push(app);
      await seedIdentityStore(app.store.identities, first.simulators);
    }
  } catch (error) {
    await Promise.all(all.map((app) => app.stop()));
    throw error;
  }
  return {
    first,
    all,
    stop: async () => {
      await Promise.all(all.slice(1).map((app) => app.stop()));
      await first.stop();
    },
  };
}

const ask = (app: App, query: string) => graphql<Answer>(app, query, {}, { token: TEST_API_KEY });

describe('three gateways sharing the machine Redis', () => {
  /** Each deployment's own key prefix (a pause or an opening must not outlive its case), all deleted after. */
  const prefixes: string[] = [];
  const redisEnv = () => {
    prefixes.push(testKeyPrefix());
    return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefixes.at(-1)! };
  };
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(TEST_REDIS_URL, prefix);
  });
  /** Three replicas whose GreenArrow breaker opens after 3 failed calls and tries again after `halfOpenMs`. */
  const breakerDeployment = (halfOpenMs: string) =>
    startDeployment(
      {
        ...redisEnv(),
        VENDOR_RETRIES: '0',
        GREENARROW_BREAKER_THRESHOLD: '3',
        GREENARROW_BREAKER_HALF_OPEN_MS: halfOpenMs,
      },
      3,
    );

  describe('the per-token rate limit', () => {
    let deployment: Awaited<ReturnType<typeof startDeployment>>;
    beforeAll(async () => {
      deployment = await startDeployment({ ...redisEnv(), RATE_LIMIT_REQUESTS: '7', RATE_LIMIT_WINDOW_S: '600' }, 3);
    });
    afterAll(() => deployment.stop());

    it('answers 429 after N requests in total, whichever replica they reach', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < 12; index += 1)
        statuses.push((await ask(deployment.all[index % 3], '{ __typename }')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
      expect((await keysUnder(TEST_REDIS_URL, `${prefixes.at(-1)!}rate:`)).length).toBe(1);
    });
  });

  describe("a vendor's breaker and its Retry-After pause", () => {
    let deployment: Awaited<ReturnType<typeof startDeployment>>;
    const greenArrow = () => deployment.first.simulators.simulators.GREENARROW!;
    const greenArrowCalls = () => Object.values(greenArrow().calls()).reduce((sum, count) => sum + count, 0);
    const permissions = async (app: App) => {
      const result = await ask(app, ADA);
      expect(result.data!.user.displayName).toBe('Ada Lovelace');
      return { resolved: result.data!.user.permissions !== null, code: result.errors?.[0]?.extensions?.['code'] };
    };

    // A deployment per case, so that no pause or breaker outlives it.
    beforeEach(async () => {
      deployment = await breakerDeployment('600000');
      greenArrow().resetCalls();
    });
    afterEach(() => deployment.stop());

    it('a Retry-After one replica is answered pauses the vendor at the others', async () => {
      const [a, b, c] = deployment.all as [App, App, App];
      greenArrow().setFault('getUser', { status: 429, retryAfter: 600, times: 1 });
      expect((await permissions(a)).resolved).toBe(false);
      expect(greenArrowCalls()).toBe(1);
      for (const app of [b, c, b, c])
        expect(await permissions(app)).toEqual({ resolved: false, code: 'VENDOR_UNAVAILABLE' });
      expect(greenArrowCalls()).toBe(1);
    });

    it('a breaker opened at one replica stops the other two from calling the vendor', async () => {
      const [a, b, c] = deployment.all as [App, App, App];
      greenArrow().setFault('getUser', { status: 500 });
      for (let index = 0; index < 3; index += 1) expect((await permissions(a)).resolved).toBe(false);
      expect(greenArrowCalls()).toBe(3);
      const refused = await Promise.all([b, c, b, c, b, c].map((app) => permissions(app)));
      expect(refused).toEqual(Array.from({ length: 6 }, () => ({ resolved: false, code: 'VENDOR_UNAVAILABLE' })));
      expect(greenArrowCalls()).toBe(3);
      const sources = await graphql<{ sources: { source: string; circuit: string }[] }>(
        b,
        '{ sources { source circuit } }',
        {},
        { token: TEST_API_KEY },
      );
      expect(sources.data!.sources.find((status) => status.source === 'GREENARROW')!.circuit).toBe('OPEN');
      expect(greenArrowCalls()).toBe(3);
    });
  });

  describe('a vendor found down, tried again', () => {
    let deployment: Awaited<ReturnType<typeof startDeployment>>;
    const greenArrow = () => deployment.first.simulators.simulators.GREENARROW!;
    const calls = () => greenArrow().calls('getUser');
    const resolved = async (app: App) => (await ask(app, ADA)).data!.user.permissions !== null;
    beforeAll(async () => {
      deployment = await breakerDeployment('3000');
      greenArrow().resetCalls();
    });
    afterAll(() => deployment.stop());

    it('gets one trial call from the whole deployment per half-open delay, and traffic resumes at every replica after a good one', async () => {
      const [a, b, c] = deployment.all as [App, App, App];
      greenArrow().setFault('getUser', { status: 500 });
      for (let index = 0; index < 3; index += 1) expect(await resolved(a)).toBe(false);
      expect(calls()).toBe(3);
      // Every poll asks all three at once; once the delay has passed exactly one call goes, from one of them.
      await eventually(async () => (await Promise.all([a, b, c].map(resolved)), calls() > 3), 'the trial');
      expect(calls()).toBe(4);
      // It failed: the vendor is down again for every replica.
      await Promise.all([a, b, c, a, b, c, a, b, c].map(resolved));
      expect(calls()).toBe(4);

      greenArrow().clearFaults();
      await eventually(async () => (await Promise.all([a, b, c].map(resolved))).some(Boolean), 'a good trial');
      expect(calls()).toBe(5);
      expect(await Promise.all([a, b, c].map(resolved))).toEqual([true, true, true]);
    });
  });

  describe("a vendor's outbound rate limit", () => {
    let deployment: Awaited<ReturnType<typeof startDeployment>>;
    beforeAll(async () => {
      deployment = await startDeployment(
        { ...redisEnv(), VENDOR_RETRIES: '0', GREENARROW_RATE_LIMIT_RPS: '1', GREENARROW_TIMEOUT_MS: '300' },
        3,
      );
    });
    afterAll(() => deployment.stop());

    it('is the deployment’s: one schedule of turns for the three replicas together', async () => {
      const greenArrow = deployment.first.simulators.simulators.GREENARROW!;
      greenArrow.resetCalls();
      const began = Date.now();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => ask(deployment.all[index % 3], ADA)));
      const elapsedMs = Date.now() - began;
      // A call refused VENDOR_BUSY took no turn; every other took one (on a loaded machine the one
      // with a turn may still time out before it reaches the vendor, hence turns, not vendor calls).
      const turns = answers.filter((answer) => answer.errors?.[0]?.extensions?.['code'] !== 'VENDOR_BUSY').length;
      // One turn a second, bursts of one, a call waiting at most its 300 ms timeout: one turn at
      // once, then one more per second the burst lasted. Each replica on its own schedule would
      // have given one at once each, three in all.
      expect(turns).toBeGreaterThanOrEqual(1);
      expect(turns).toBeLessThanOrEqual(1 + Math.floor((elapsedMs + 300) / 1_000));
      expect(greenArrow.calls('getUser')).toBeLessThanOrEqual(turns);
    });
  });
});

const WARN = 40;
const INFO = 30;
const about = (lines: Record<string, unknown>[], level: number, words: string) =>
  lines.filter((line) => line['level'] === level && String(line['msg']).includes(words));

/** The replica's `usergraph_shared_state_redis` gauge, by state. */
async function sharedStateMetric(app: App): Promise<Record<string, number>> {
  const origin = new URL(app.url).origin;
  const scrape = await rawRequest(`${origin}/metrics`, {
    method: 'GET',
    headers: { host: new URL(origin).host, authorization: `Bearer ${TEST_API_KEY}` },
  });
  return Object.fromEntries(
    [...scrape.text.matchAll(/^usergraph_shared_state_redis\{state="(\w+)"\} (\d)$/gm)].map((match) => [
      match[1],
      Number(match[2]),
    ]),
  );
}

/** Two replicas, each logging to its own capture, on a throwaway Redis of the test's own under `prefix`. */
async function outageDeployment(prefix: string, env: Record<string, string>) {
  const redis = await startThrowawayRedis();
  const logs = [capturingLogger(), capturingLogger()];
  try {
    const deployment = await startDeployment(
      {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '1000',
        RATE_LIMIT_WINDOW_S: '600',
        ...env,
      },
      2,
      logs.map((log) => log.logger),
    );
    return { redis, logs, deployment };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

describe('Redis stopped and started again', () => {
  const prefix = testKeyPrefix();

  it('falls back to each replica’s own state with one warning, serves on, and shares again when Redis returns', async () => {
    const { redis, logs, deployment } = await outageDeployment(prefix, { REDIS_CONNECT_TIMEOUT_MS: '500' });
    const metric = sharedStateMetric;
    try {
      for (const app of deployment.all) expect(await metric(app)).toEqual({ off: 0, shared: 1, fallback: 0 });

      await redis.stop();
      for (const { lines } of logs)
        await eventually(() => about(lines, WARN, 'Redis cannot be reached').length > 0, 'the fallback warning');
      // Served on, every request, at both replicas, while Redis is away.
      for (let index = 0; index < 20; index += 1)
        expect((await ask(deployment.all[index % 2], '{ __typename }')).status).toBe(200);
      for (const app of deployment.all) expect(await metric(app)).toEqual({ off: 0, shared: 0, fallback: 1 });

      await redis.start();
      for (const { lines } of logs)
        await eventually(() => about(lines, INFO, 'Redis answers again').length > 0, 'the recovery line');
      for (const app of deployment.all) expect(await metric(app)).toEqual({ off: 0, shared: 1, fallback: 0 });
      // Shared again: the rate limit counts in Redis (the restarted server kept nothing).
      expect((await ask(deployment.all[0], '{ __typename }')).status).toBe(200);
      expect((await keysUnder(redis.url, `${prefix}rate:`)).length).toBe(1);

      // One warning and one recovery line per replica, however many reconnection attempts failed.
      for (const { lines } of logs) {
        expect(about(lines, WARN, 'Redis cannot be reached')).toHaveLength(1);
        expect(about(lines, INFO, 'Redis answers again')).toHaveLength(1);
        expect(JSON.stringify(lines)).not.toContain('redis://:');
      }
    } finally {
      await deployment.stop();
      await redis.stop();
    }
  });
});

describe('Redis that stops answering without closing its connections', () => {
  const prefix = testKeyPrefix();

  it('is found out by its unanswered PINGs: each replica uses its own state, with one warning, and shares again once it answers', async () => {
    const { redis, logs, deployment } = await outageDeployment(prefix, { REDIS_COMMAND_TIMEOUT_MS: '200' });
    try {
      for (const app of deployment.all)
        expect(await sharedStateMetric(app)).toEqual({ off: 0, shared: 1, fallback: 0 });

      redis.pause();
      // Nothing closes: only the unanswered PINGs tell.
      for (const app of deployment.all)
        await eventually(
          async () => (await sharedStateMetric(app))['fallback'] === 1,
          'the replica on its own state while Redis does not answer',
        );
      for (const { lines } of logs) expect(about(lines, WARN, 'Redis cannot be reached')).toHaveLength(1);
      // Served on, every request, at both replicas, with the rate limit counted in each one's memory.
      for (let index = 0; index < 20; index += 1)
        expect((await ask(deployment.all[index % 2], '{ __typename }')).status).toBe(200);

      redis.resume();
      for (const { lines } of logs)
        await eventually(() => about(lines, INFO, 'Redis answers again').length > 0, 'the recovery line');
      for (const app of deployment.all)
        expect(await sharedStateMetric(app)).toEqual({ off: 0, shared: 1, fallback: 0 });
      expect((await ask(deployment.all[0], '{ __typename }')).status).toBe(200);
      expect((await keysUnder(redis.url, `${prefix}rate:`)).length).toBe(1);
      for (const { lines } of logs) {
        expect(about(lines, WARN, 'Redis cannot be reached')).toHaveLength(1);
        expect(about(lines, INFO, 'Redis answers again')).toHaveLength(1);
      }
    } finally {
      await deployment.stop();
      await redis.stop();
    }
  });
});
