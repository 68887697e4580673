/**
 * What one vendor's policies share with the other replicas through Redis (REDIS_URL): the
 * vendor's Retry-After pause, its breaker's opening ("the vendor is down for another N ms") and
 * its outbound rate limit's turns. Each replica keeps its own state as well and uses it alone
 * while Redis is away; what comes from Redis only ever adds a refusal or a wait, so losing it
 * costs the deployment a few more vendor calls, never a wrong answer.
 */
import type { Redis } from 'ioredis';
import type { Source } from '../../domain/types';
import type { SharedRedis } from '../../platform/redis';

/** Milliseconds left of the vendor's pause and of its open breaker, as the other replicas published them. */
export interface SharedVendorView {
  pauseLeftMs: number;
  openLeftMs: number;
  /**
   * Whether this call is the deployment's trial: the vendor was found down, its half-open delay has
   * passed, and no other replica is trying it now. Its outcome is told back (see VendorCircuitBreaker).
   */
  trial: boolean;
}

/**
 * KEYS = pause, open, down, trial; ARGV[1] = how long a trial may take. The vendor's pause and
 * opening as they stand; once an opening has run out while the vendor is still known down, the one
 * caller that takes the trial key goes (trial = 1) and the others wait for its outcome.
 */
const VIEW = `
local pause = redis.call('PTTL', KEYS[1])
local open = redis.call('PTTL', KEYS[2])
if open > 0 or pause > 0 or redis.call('EXISTS', KEYS[3]) == 0 then return {pause, open, 0} end
if redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[1]) then return {pause, open, 1} end
return {pause, math.max(1, redis.call('PTTL', KEYS[4])), 0}`;

/**
 * KEYS = open, down, trial; ARGV[1] = the half-open delay. The vendor is down: no calls for that
 * long (never shortening a longer opening), then one trial for the deployment while it is known down.
 */
const OPEN = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[1]) * 2)
redis.call('DEL', KEYS[3])
return 1`;

/** Sets KEYS[1] to expire in ARGV[1] ms unless it already lives longer: a pause or an opening only ever grows. */
const EXTEND = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return left`;

/**
 * The generic cell rate algorithm of rate-limit.ts on the server's clock, so that every replica
 * takes its turns from one schedule: ARGV = interval ms, burst ms, longest wait ms. Answers the
 * wait in ms, or -1 (no turn taken) when it would be longer than the longest wait.
 */
const RESERVE_TURN = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = math.max(0, due - tonumber(ARGV[2]) - now)
if wait > tonumber(ARGV[3]) then return -1 end
local next = due + interval
redis.call('SET', KEYS[1], tostring(next), 'PX', math.ceil(next - now) + 1000)
return math.ceil(wait)`;

export class SharedVendorState {
  private readonly pauseKey: string;
  private readonly openKey: string;
  private readonly turnKey: string;
  private readonly downKey: string;
  private readonly trialKey: string;

  constructor(
    private readonly redis: SharedRedis,
    source: Source,
  ) {
    this.pauseKey = redis.key('vendor', source, 'retry-after');
    this.openKey = redis.key('vendor', source, 'circuit-open');
    this.turnKey = redis.key('vendor', source, 'turns');
    this.downKey = redis.key('vendor', source, 'circuit-down');
    this.trialKey = redis.key('vendor', source, 'circuit-trial');
  }

  /**
   * What the other replicas published of the vendor, for a call that may take `trialMs`; null while
   * Redis is away (local state alone).
   */
  async view(trialMs: number): Promise<SharedVendorView | null> {
    const keys = [this.pauseKey, this.openKey, this.downKey, this.trialKey];
    return this.redis.run(async (client) => {
      const [pause, open, trial] = (await client.eval(VIEW, keys.length, ...keys, String(Math.ceil(trialMs)))) as [
        number,
        number,
        number,
      ];
      return { pauseLeftMs: Math.max(0, pause), openLeftMs: Math.max(0, open), trial: trial === 1 };
    });
  }

  /** Tells the others the vendor asked for no calls for `ms` (Retry-After). */
  publishPause(ms: number): Promise<void> {
    return this.extend(this.pauseKey, ms);
  }

  /** Tells the others this replica's breaker opened (or the deployment's trial failed): no calls for `ms`. */
  async publishOpen(ms: number): Promise<void> {
    const whole = Math.ceil(ms);
    await this.redis.run((client) => client.eval(OPEN, 3, this.openKey, this.downKey, this.trialKey, String(whole)));
  }

  /** Tells the others a trial call succeeded: the vendor is back. */
  async publishClosed(): Promise<void> {
    await this.redis.run((client) => client.del(this.openKey, this.downKey, this.trialKey));
  }

  /** The deployment's trial ended saying nothing of the vendor (refused here, a 4xx): another call may try. */
  async releaseTrial(): Promise<void> {
    await this.redis.run((client) => client.del(this.trialKey));
  }

  /**
   * Takes a turn of the deployment's outbound rate limit (`perSecond` for all replicas together):
   * the wait, or null (no turn taken) when it would be longer than `maxWaitMs`; undefined while
   * Redis is away (the replica's own limit decides).
   */
  async reserveTurn(perSecond: number, maxWaitMs: number): Promise<number | null | undefined> {
    const intervalMs = 1_000 / perSecond;
    const burstMs = intervalMs * (Math.max(1, Math.floor(perSecond)) - 1);
    const answer = await this.redis.run(
      (client: Redis) =>
        client.eval(
          RESERVE_TURN,
          1,
          this.turnKey,
          String(intervalMs),
          String(burstMs),
          String(Math.floor(maxWaitMs)),
        ) as Promise<number>,
    );
    if (answer === null) return undefined;
    return answer < 0 ? null : answer;
  }

  private async extend(key: string, ms: number): Promise<void> {
    const whole = Math.ceil(ms);
    if (whole <= 0) return;
    await this.redis.run((client) => client.eval(EXTEND, 1, key, String(whole)));
  }
}
