import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

/** The machine's Redis (USERGRAPH_TEST_REDIS_URL names another); the suites never stop it. */
export const TEST_REDIS_URL = process.env['USERGRAPH_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other run uses, so that suites running at once never see each other's keys. */
export function testKeyPrefix(): string {
  return `usergraph-test-${process.pid}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (a test's own) on the server at `url`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Every key under `prefix`, for tests that look at what the gateway published. */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await redis.keys(`${prefix}*`);
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis server of a test's own on a free loopback port, keeping nothing on disk, for tests that
 * stop and restart it: the shared one on 6379 is never touched.
 */
export interface ThrowawayRedis {
  url: string;
  start(): Promise<void>;
  /** Ends the server (SIGTERM, then waits for it to exit); down until `start()`. */
  stop(): Promise<void>;
  /** Stops the server's process (SIGSTOP): its connections stay open and nothing is answered, until `resume()`. */
  pause(): void;
  resume(): void;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  const start = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    server = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  };
  const stop = async () => {
    const child = server;
    server = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const signal = (name: NodeJS.Signals) => {
    const child = server;
    if (child === null || child.exitCode !== null) throw new Error('the throwaway Redis is not running');
    child.kill(name);
  };
  await start();
  return {
    url,
    start,
    // A stopped process is continued before it is ended, so that SIGTERM is not left pending.
    stop: async () => {
      const child = server;
      if (child !== null && child.exitCode === null) child.kill('SIGCONT');
      await stop();
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
  };
}
