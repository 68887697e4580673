/**
 * The vendor's bulkhead, cockatiel's: at most `connections` calls in flight at once, `queue` more
 * waiting for a slot (each no longer than its attempt could last), any further one refused at once
 * with VENDOR_BUSY. The queue's depth and the slots in use are told to the observer as they change.
 */
import { BulkheadRejectedError, bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { Source } from '../../domain/types';
import { VendorBusyError } from './errors';
import type { VendorObserver } from './observer';

export interface BulkheadSettings {
  /** Calls in flight at once. */
  connections: number;
  /** Calls that may wait for a slot. */
  queue: number;
}

/** `work`, or the error `late()` makes when `work` has not settled within `ms`; no timer outlives the race. */
async function settledWithin<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late()), Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class VendorBulkhead {
  private readonly bulkhead: BulkheadPolicy;

  constructor(
    private readonly source: Source,
    private readonly settings: BulkheadSettings,
    private readonly observer: VendorObserver,
  ) {
    this.bulkhead = bulkhead(settings.connections, settings.queue);
  }

  /** Runs `run` in one of the vendor's slots, after waiting in the queue no longer than `maxWaitMs`. */
  async execute<T>(route: string, maxWaitMs: number, run: () => Promise<T>): Promise<T> {
    let abandoned = false;
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    const work = this.bulkhead.execute(() => {
      began();
      this.reportQueue();
      if (abandoned)
        throw new VendorBusyError(this.source, `${route} was not sent: its caller stopped waiting for a connection`);
      return run();
    });
    this.reportQueue();
    try {
      await settledWithin(
        Promise.race([
          started,
          work.then(
            () => undefined,
            () => undefined,
          ),
        ]),
        maxWaitMs,
        () => {
          abandoned = true;
          return new VendorBusyError(
            this.source,
            `${route} was not sent: no connection came free within ${Math.round(maxWaitMs)} ms`,
          );
        },
      );
      return await work;
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw new VendorBusyError(
          this.source,
          `${route} was not sent: all ${this.settings.connections} connections are busy and ${this.settings.queue} calls wait already`,
        );
      }
      throw error;
    } finally {
      this.reportQueue();
    }
  }

  private reportQueue(): void {
    const depth = this.settings.queue - this.bulkhead.queueSlots;
    const active = this.settings.connections - this.bulkhead.executionSlots;
    this.observer.queue({ source: this.source, depth, active });
  }
}
