/**
 * Operations of a process that died are finished by another. Every operation in flight holds a
 * lease in its journal row (`lease_expires_at`), written when it begins or resumes; its process
 * renews all of its leases in one statement every OPERATION_LEASE_HEARTBEAT_S. Each beat also looks
 * for PENDING operations of other processes whose lease expired (OPERATION_LEASE_TTL_S without a
 * renewal: their process was killed, its machine lost, or it lost the database): one conditional
 * UPDATE makes them INTERRUPTED, so exactly one process takes each over, and from there they are
 * settled exactly as after a restart (`OperationRecovery`, or a replay of their key). A process
 * never takes over its own operations, so a single gateway on SQLite behaves as it did.
 */
import type { Logger } from '../../platform/logger';
import type { Journal, Operation } from '../../store';

export interface OperationLeaseOptions {
  journal: Journal;
  logger: Logger;
  /** `OPERATION_LEASE_HEARTBEAT_S` in milliseconds. */
  heartbeatMs: number;
  /** Told of the operations of other processes this one found expired and interrupted; it settles them. */
  tookOver: (operations: Operation[]) => Promise<void>;
}

export class OperationLeases {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<unknown> | null = null;
  private stopped = false;
  /** Whether the last beat failed, so that a database outage warns once, not once a beat. */
  private failing = false;

  constructor(private readonly options: OperationLeaseOptions) {}

  /** Beats now, then every `heartbeatMs` until `stop`. */
  start(): void {
    if (this.stopped || this.timer !== null) return;
    const tick = () => {
      this.beating = this.beat().finally(() => {
        this.beating = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.options.heartbeatMs);
      });
    };
    tick();
  }

  /**
   * Renews this process's leases, then interrupts the expired operations of others and hands them
   * on. Resolves with those it took over (empty when none, or when the database cannot be reached).
   */
  async beat(): Promise<Operation[]> {
    const { journal, logger } = this.options;
    let expired: Operation[];
    try {
      await journal.heartbeat();
      expired = await journal.expireLeases();
      if (this.failing) logger.info('operation leases renewed again');
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        logger.warn(
          { err: error },
          'could not renew the leases of the operations in flight; other replicas may take them over if this lasts',
        );
      this.failing = true;
      return [];
    }
    if (expired.length > 0) {
      logger.warn(
        {
          operations: expired.map(({ id, mutation, idempotencyKey, owner }) => ({
            id,
            mutation,
            idempotencyKey,
            owner,
          })),
        },
        'took over operations whose process stopped renewing their lease; they are settled as after a restart',
      );
      await this.options
        .tookOver(expired)
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not hand over the operations taken over; recovery finds them later'),
        );
    }
    return expired;
  }

  /**
   * Stops beating (once this process runs no operation any more: its leases then lapse, which is
   * what they are for). Resolves once the beat in progress, if any, has ended.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
  }
}
