/**
 * Operations of a process that died are finished by another. Every operation in flight holds a
 * lease in its journal row (`lease_expires_at`), written when it begins or resumes; its process
 * renews all of its leases in one statement every OPERATION_LEASE_HEARTBEAT_S. Each beat also looks
 * for PENDING operations of other processes whose lease expired (OPERATION_LEASE_TTL_S without a
 * renewal: their process was killed, its machine lost, or it lost the database): one conditional
 * UPDATE makes them INTERRUPTED, so exactly one process takes each over, and from there they are
 * settled exactly as after a restart (`OperationRecovery`, or a replay of their key). A process
 * never takes over its own operations, so a single gateway on SQLite behaves as it did.
 *
 * After an outage of the database longer than the TTL, every lease has expired although the
 * processes owning them are alive and renew them at their next heartbeat. So a process that lost
 * the database itself (its heartbeat or its look-up failed with STORE_UNAVAILABLE) holds off taking
 * over others' operations until one TTL after its first renewal since: by then every live owner has
 * beaten at least once (a heartbeat is at most half the TTL), and only the leases of owners that
 * really stopped are still expired. Its own leases are renewed throughout, as always.
 */
import type { Logger } from '../../platform/logger';
import { StoreUnavailableError, type Journal, type Operation } from '../../store';

export interface OperationLeaseOptions {
  journal: Journal;
  logger: Logger;
  /** `OPERATION_LEASE_HEARTBEAT_S` in milliseconds. */
  heartbeatMs: number;
  /** Told of the operations of other processes this one found expired and interrupted; it settles them. */
  tookOver: (operations: Operation[]) => Promise<void>;
  /** Told when this process starts (true) and ends (false) holding off takeovers after losing the database. */
  holdOffChanged?: (holdingOff: boolean) => void;
  clock?: () => Date;
}

export class OperationLeases {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<unknown> | null = null;
  private stopped = false;
  /** Whether the last beat failed, so that a database outage warns once, not once a beat. */
  private failing = false;
  /** Whether takeovers are held off because this process lost the database (see the file's comment). */
  private heldOff = false;
  /** When takeovers resume: set by the first renewal after the database was lost, null until then. */
  private resumeAt: Date | null = null;
  private readonly clock: () => Date;

  constructor(private readonly options: OperationLeaseOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Whether this process holds off taking over other processes' operations (after losing the database). */
  get takeoversHeldOff(): boolean {
    return this.heldOff;
  }

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
   * on. Resolves with those it took over: none when the database cannot be reached, nor while
   * takeovers are held off after this process lost it.
   */
  async beat(): Promise<Operation[]> {
    const { journal, logger } = this.options;
    let expired: Operation[];
    try {
      await journal.heartbeat();
      if (this.failing) {
        if (this.heldOff && this.resumeAt === null)
          this.resumeAt = new Date(this.clock().getTime() + journal.leaseTtlMs);
        logger.info(
          this.resumeAt === null ? {} : { takeoversResumeAt: this.resumeAt.toISOString() },
          'operation leases renewed again',
        );
      }
      this.failing = false;
      if (this.heldOff) {
        if (this.resumeAt === null || this.clock() < this.resumeAt) return [];
        this.holdOff(false);
        logger.info(
          'taking over the expired operations of other processes again: their owners that are alive have renewed their leases since the database came back',
        );
      }
      expired = await journal.expireLeases();
    } catch (error) {
      this.failed(error);
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

  /** A failed beat warns once per outage; an unreachable database starts (or prolongs) the hold-off. */
  private failed(error: unknown): void {
    const { logger } = this.options;
    const unreachable = error instanceof StoreUnavailableError;
    if (unreachable && !this.heldOff) {
      logger.warn(
        { err: error, leaseTtlMs: this.options.journal.leaseTtlMs },
        "the database is unreachable: could not renew the leases of the operations in flight; holding off taking over other processes' operations until one lease TTL after it answers again",
      );
      this.holdOff(true);
    } else if (!this.failing) {
      logger.warn(
        { err: error },
        'could not renew the leases of the operations in flight; other replicas may take them over if this lasts',
      );
    }
    this.failing = true;
    // The owners that are alive cannot renew either: the hold-off counts from the next renewal.
    if (unreachable) this.resumeAt = null;
  }

  private holdOff(holding: boolean): void {
    this.heldOff = holding;
    if (!holding) this.resumeAt = null;
    this.options.holdOffChanged?.(holding);
  }
}
