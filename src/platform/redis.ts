/**
 * The Redis connection replicas share state through (REDIS_URL; optional). What is kept there is
 * only ever a copy every replica can do without: the per-token rate limit, each vendor's
 * Retry-After pause, outbound rate limit and open breaker. While Redis cannot be reached, each
 * replica keeps its own in-memory state (one warning), serves on, and goes back to the shared
 * state when Redis answers again (one info line).
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { EnvReader } from './env';
import type { Logger } from './logger';

/** `shared`: every replica reads and writes Redis; `fallback`: Redis is away, each replica counts alone. */
export type SharedStateMode = 'shared' | 'fallback';

export interface RedisSettings {
  host: string;
  port: number;
  /** The database number from the URL's path (0 by default). */
  db: number;
  /** rediss://: TLS, with Node's own certificate authorities. */
  tls: boolean;
  username: string | null;
  /** The URL's password, a function so that no log line or inspection of the settings shows it. */
  password: (() => string) | null;
  /** `REDIS_KEY_PREFIX`: the start of every key the gateway writes, so deployments can share a server. */
  keyPrefix: string;
  /** `REDIS_CONNECT_TIMEOUT_MS`: the longest a connection attempt takes before the replica falls back. */
  connectTimeoutMs: number;
  /** `REDIS_COMMAND_TIMEOUT_MS`: the longest one command may take before its caller uses local state. */
  commandTimeoutMs: number;
}

/** The variables read only with REDIS_URL. */
const REDIS_ONLY = ['REDIS_KEY_PREFIX', 'REDIS_CONNECT_TIMEOUT_MS', 'REDIS_COMMAND_TIMEOUT_MS'] as const;

/** Reads the Redis settings (null without REDIS_URL); no problem repeats the URL, which may hold a password. */
export function readRedisSettings(read: EnvReader): RedisSettings | null {
  const value = read.raw('REDIS_URL');
  if (value === undefined) {
    for (const name of REDIS_ONLY) {
      if (read.raw(name) !== undefined)
        read.problems.push(`${name}: only read with REDIS_URL; set REDIS_URL, or unset ${name}`);
    }
    return null;
  }
  const keyPrefix = read.string('REDIS_KEY_PREFIX', 'usergraph:');
  if (!/^[\w:.-]{1,64}$/.test(keyPrefix)) {
    read.problems.push(
      `REDIS_KEY_PREFIX: expected 1 to 64 letters, digits, "_", ":", "." or "-", got "${keyPrefix.slice(0, 70)}"`,
    );
  }
  const tuning = {
    keyPrefix,
    connectTimeoutMs: read.int('REDIS_CONNECT_TIMEOUT_MS', 2_000, 50, 600_000),
    commandTimeoutMs: read.int('REDIS_COMMAND_TIMEOUT_MS', 500, 10, 600_000),
  };
  const url = parseRedisUrl(value);
  if (typeof url === 'string') {
    read.problems.push(`REDIS_URL: ${url} (the value is not repeated here: it may hold a password)`);
    return null;
  }
  return { ...url, ...tuning };
}

type ParsedUrl = Pick<RedisSettings, 'host' | 'port' | 'db' | 'tls' | 'username' | 'password'>;

/** `redis://[user:password@]host[:port][/db]` (or rediss:// for TLS) as settings, or what is wrong with it. */
export function parseRedisUrl(value: string): ParsedUrl | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected a URL such as redis://host:6379/0 (or rediss:// for TLS)';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return `expected the redis:// (or rediss://) scheme, got ${url.protocol.slice(0, 20)}//`;
  if (url.hostname === '') return 'name the server: redis://host:6379';
  if (url.search !== '')
    return 'no query parameters are read; use rediss:// for TLS and the path for the database number';
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) return 'the path is the database number: redis://host:6379/0';
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return 'the user or password is not valid percent-encoding';
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    db: path === '' ? 0 : Number(path),
    tls: url.protocol === 'rediss:',
    username: username === '' ? null : username,
    password: password === '' ? null : () => password,
  };
}

/** The server as logs name it, `host:port/db`: never its user or password. */
export function describeRedis(settings: Pick<RedisSettings, 'host' | 'port' | 'db' | 'tls'>): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.tls ? 'rediss' : 'redis'}://${host}:${settings.port}/${settings.db}`;
}

/** Longest pause between two reconnection attempts while Redis is away. */
const RECONNECT_MAX_MS = 2_000;

/**
 * How often a connected replica PINGs Redis. A Redis that stops answering without closing the
 * connection (a stopped process, a network that drops packets) sends no event: without the PING,
 * every request would wait REDIS_COMMAND_TIMEOUT_MS for it before using local state.
 */
const HEALTH_CHECK_MS = 1_000;

/** The ioredis client's options for `settings`: connected on demand, and never queueing a command while Redis is away. */
function clientOptions(settings: RedisSettings): RedisOptions {
  return {
    host: settings.host,
    port: settings.port,
    db: settings.db,
    username: settings.username ?? undefined,
    password: settings.password?.() ?? undefined,
    tls: settings.tls ? {} : undefined,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    // While Redis is away a command fails at once (the caller uses local state) instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_MAX_MS),
    lazyConnect: true,
  };
}

/**
 * One replica's connection to the shared Redis and whether shared state is in use now. Callers
 * ask {@link SharedRedis.client} before each use and fall back to their own in-memory state when it
 * is null (Redis away) or a command fails; commands are never queued while Redis is away, so a
 * request never waits for it longer than REDIS_COMMAND_TIMEOUT_MS.
 */
export class SharedRedis {
  readonly keyPrefix: string;
  private current: SharedStateMode = 'fallback';
  /** Whether the replica has told the operator it fell back (once per outage, and once if Redis is away at start). */
  private toldFallback = false;
  private readonly listeners = new Set<(mode: SharedStateMode) => void>();
  private closing = false;
  private healthCheck: NodeJS.Timeout | null = null;
  private pinging = false;

  /** The replica's connection to `settings`' server, not yet connected ({@link SharedRedis.connect}). */
  static async create(settings: RedisSettings, logger: Logger): Promise<SharedRedis> {
    // Loaded here, only with REDIS_URL: a gateway without Redis never loads ioredis.
    const { Redis } = await import('ioredis');
    return new SharedRedis(settings, logger, new Redis(clientOptions(settings)));
  }

  private constructor(
    private readonly settings: RedisSettings,
    private readonly logger: Logger,
    private readonly redis: Redis,
  ) {
    this.keyPrefix = settings.keyPrefix;
    this.redis.on('ready', () => this.become('shared'));
    this.healthCheck = setInterval(() => void this.ping(), HEALTH_CHECK_MS);
    this.healthCheck.unref();
    this.redis.on('close', () => this.become('fallback'));
    // ioredis reports each failed reconnection as an error; what the operator needs is the change, logged by become().
    this.redis.on('error', (error: Error) => {
      this.logger.debug({ err: error, redis: describeRedis(this.settings) }, 'Redis connection error');
      this.become('fallback');
    });
  }

  /** Whether shared state is in use now. */
  get mode(): SharedStateMode {
    return this.current;
  }

  /** The client while Redis is ready, null while the replica uses its own state. */
  get client(): Redis | null {
    return this.current === 'shared' && this.redis.status === 'ready' ? this.redis : null;
  }

  /** The raw client, for libraries that watch its status themselves (rate-limiter-flexible). */
  get connection(): Redis {
    return this.redis;
  }

  /** A key of the gateway's own: the prefix, then `parts` joined by ":". */
  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  /** Told of every change of mode (metrics). */
  onChange(listener: (mode: SharedStateMode) => void): void {
    this.listeners.add(listener);
    listener(this.current);
  }

  /**
   * Connects, waiting at most the connect timeout: a replica that starts while Redis is away
   * starts on its own state (with the one warning) and joins the shared state when Redis answers.
   */
  async connect(): Promise<void> {
    try {
      await this.redis.connect();
    } catch {
      this.become('fallback');
    }
  }

  /** Runs `command` on Redis when it is ready; null when it is not or the command failed (the caller uses local state). */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T | null> {
    const client = this.client;
    if (client === null) return null;
    try {
      return await command(client);
    } catch (error) {
      this.logger.debug({ err: error }, 'Redis command failed; local state used for it');
      // A connected Redis that lets a command time out has stopped answering: no request waits for it again until a PING is answered.
      if (isTimeout(error)) this.become('fallback');
      return null;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.healthCheck !== null) clearInterval(this.healthCheck);
    this.healthCheck = null;
    this.listeners.clear();
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /**
   * One PING while connected: unanswered within the command timeout, the replica uses its own state
   * (the connection may still look ready); answered, it shares again. While the connection is down,
   * ioredis's reconnection and its `ready` event decide instead.
   */
  private async ping(): Promise<void> {
    if (this.pinging || this.closing || this.redis.status !== 'ready') return;
    this.pinging = true;
    try {
      await this.redis.ping();
      if (this.redis.status === 'ready') this.become('shared');
    } catch (error) {
      this.logger.debug({ err: error, redis: describeRedis(this.settings) }, 'Redis did not answer a PING');
      this.become('fallback');
    } finally {
      this.pinging = false;
    }
  }

  private become(mode: SharedStateMode): void {
    if (this.closing) return;
    const where = describeRedis(this.settings);
    if (mode === 'fallback' && !this.toldFallback) {
      this.toldFallback = true;
      this.logger.warn(
        { redis: where },
        'Redis cannot be reached: this replica keeps its own rate limits, vendor pauses and breakers until it answers again',
      );
    }
    if (mode === this.current) return;
    this.current = mode;
    if (mode === 'shared') {
      const after = this.toldFallback;
      this.toldFallback = false;
      this.logger.info(
        { redis: where, keyPrefix: this.keyPrefix },
        after
          ? 'Redis answers again: rate limits, vendor pauses and breakers are shared across replicas again'
          : 'Redis connected: rate limits, vendor pauses and breakers are shared across replicas',
      );
    }
    for (const listener of this.listeners) listener(mode);
  }
}

/** ioredis's error for a command left unanswered for `commandTimeout`. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}
