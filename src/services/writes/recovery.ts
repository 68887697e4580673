/**
 * No operation left for a human: the gateway settles the interrupted operations nobody will
 * finish, itself. One without an idempotency key can never be replayed, so it is settled as soon
 * as it is found (at startup, for those a dead process left); a keyed one is left to its replay for
 * RECOVERY_REPLAY_WAIT_S, then settled the same way. `MutationService.recover` does the settling of
 * one operation; this runs it over the journal's interrupted operations, at startup and then every
 * RECOVERY_INTERVAL_S.
 */
import type { Logger } from '../../platform/logger';
import type { EnvReader } from '../../platform/env';
import type { Journal, Operation } from '../../store';
import type { MutationService } from './mutations';

export interface RecoverySettings {
  /**
   * `RECOVERY_REPLAY_WAIT_S`: how long an interrupted operation with an idempotency key waits for
   * its caller's replay (which finishes it as the caller asked) before the gateway settles it.
   */
  replayWaitMs: number;
  /** `RECOVERY_INTERVAL_S`: how often the gateway looks for interrupted operations to settle; 0 only at startup. */
  intervalMs: number;
  /**
   * `OPERATION_LEASE_TTL_S`: how long an operation in flight stays its process's without a
   * heartbeat; after that another process sharing the database takes it over (see operation-leases.ts).
   */
  leaseTtlMs: number;
  /** `OPERATION_LEASE_HEARTBEAT_S`: how often a process renews the leases of its operations in flight, and looks for expired ones. */
  heartbeatMs: number;
}

export const DEFAULT_RECOVERY: RecoverySettings = {
  replayWaitMs: 900_000,
  intervalMs: 30_000,
  leaseTtlMs: 30_000,
  heartbeatMs: 10_000,
};

export function readRecoverySettings(read: EnvReader): RecoverySettings {
  const leaseTtlS = read.int('OPERATION_LEASE_TTL_S', DEFAULT_RECOVERY.leaseTtlMs / 1_000, 2, 86_400);
  const heartbeatS = read.int('OPERATION_LEASE_HEARTBEAT_S', DEFAULT_RECOVERY.heartbeatMs / 1_000, 1, 86_400);
  // A lease must outlive a few heartbeats, or a process that is merely slow loses its operations.
  if (heartbeatS * 2 > leaseTtlS)
    read.problems.push(
      `OPERATION_LEASE_HEARTBEAT_S: expected at most half of OPERATION_LEASE_TTL_S (${leaseTtlS}), got "${heartbeatS}"`,
    );
  return {
    replayWaitMs: read.int('RECOVERY_REPLAY_WAIT_S', DEFAULT_RECOVERY.replayWaitMs / 1_000, 0, 604_800) * 1_000,
    intervalMs: read.int('RECOVERY_INTERVAL_S', DEFAULT_RECOVERY.intervalMs / 1_000, 0, 86_400) * 1_000,
    leaseTtlMs: leaseTtlS * 1_000,
    heartbeatMs: heartbeatS * 1_000,
  };
}

export interface RecoveryOptions {
  /** Settles one operation (`recover`); built on the gateway's own adapters and store. */
  mutations: Pick<MutationService, 'recover'>;
  journal: Journal;
  logger: Logger;
  settings: Pick<RecoverySettings, 'replayWaitMs' | 'intervalMs'>;
  /** Told of each operation recovery settled (the metrics count them). */
  settled?: (operation: Operation) => void;
  clock?: () => Date;
}

/** Operations read from the journal per query while sweeping. */
const BATCH = 50;

/** The gateway's recovery of interrupted operations: a sweep at `start`, then one every `intervalMs`. */
export class OperationRecovery {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly clock: () => Date;

  constructor(private readonly options: RecoveryOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Sweeps now, then every `intervalMs` (when not 0) until `stop`. */
  start(): void {
    if (this.stopped) return;
    const tick = () => {
      void this.sweep()
        .catch((error: unknown) =>
          // The journal could not be read (the database down): the next sweep tries again.
          this.options.logger.warn({ err: error }, 'recovery could not look for interrupted operations now'),
        )
        .finally(() => {
          const { intervalMs } = this.options.settings;
          if (!this.stopped && intervalMs > 0) this.timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
  }

  /**
   * Settles every interrupted operation due now, one at a time, oldest first: without a key, or
   * keyed and left alone for the replay wait. One that cannot be settled now (a vendor that cannot
   * be asked) stays INTERRUPTED for the next sweep. Resolves with how many were settled; a sweep
   * asked for while one runs joins it.
   */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * A sweep as soon as the one in progress (if any) has ended, for operations interrupted since it
   * began (taken over from another process); its failure is logged, as a timed sweep's is.
   */
  sweepSoon(): void {
    const previous = this.running?.catch(() => 0) ?? Promise.resolve(0);
    void previous
      .then(() => (this.stopped ? 0 : this.sweep()))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'recovery could not look for interrupted operations now'),
      );
  }

  /** Stops sweeping; resolves once the sweep in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async sweepOnce(): Promise<number> {
    const { journal, logger, settings } = this.options;
    const tried = new Set<string>();
    let settled = 0;
    while (!this.stopped) {
      const keyedBefore = new Date(this.clock().getTime() - settings.replayWaitMs);
      const due = (await journal.settleable(keyedBefore, BATCH + tried.size)).filter(
        (operation) => !tried.has(operation.id),
      );
      if (due.length === 0) break;
      for (const operation of due) {
        if (this.stopped) break;
        tried.add(operation.id);
        if (this.tooRecent(operation)) continue;
        if (await this.settle(operation)) settled += 1;
      }
    }
    if (settled > 0) logger.info({ settled }, 'recovery: interrupted operations settled');
    return settled;
  }

  /**
   * Whether this process left the operation INTERRUPTED less than one interval ago: a vendor write
   * it stopped waiting for (a timeout) may still be running at the vendor and land after a look now,
   * so the next sweep looks. An operation a dead process left is settled at once.
   */
  private tooRecent(operation: Operation): boolean {
    const { intervalMs } = this.options.settings;
    return (
      intervalMs > 0 &&
      operation.owner === this.options.journal.owner &&
      operation.updatedAt.getTime() > this.clock().getTime() - intervalMs
    );
  }

  /** Settles one operation; false when another process or a replay took it first, or it cannot be settled now. */
  private async settle(found: Operation): Promise<boolean> {
    const { logger } = this.options;
    const { id, mutation, idempotencyKey } = found;
    try {
      const operation = await this.options.mutations.recover(id);
      if (operation === null) return false;
      const outcome = operation.payload as { results?: { source: string; status: string }[] } | null;
      logger.warn(
        {
          operation: { id, mutation, idempotencyKey },
          results: (outcome?.results ?? []).map(({ source, status }) => ({ source, status })),
        },
        'recovery settled an interrupted operation: the journal and the vendors agree again',
      );
      this.options.settled?.(operation);
      return true;
    } catch (error) {
      logger.warn(
        { err: error, operation: { id, mutation, idempotencyKey } },
        'recovery could not settle an interrupted operation now; it stays INTERRUPTED and is tried again later',
      );
      return false;
    }
  }
}
