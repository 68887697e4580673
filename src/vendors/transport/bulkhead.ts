/**
 * The vendor's bulkhead: at most `connections` calls in flight at once; the others wait for a
 * connection, each no longer than its caller allows (what is left of its vendor timeout), and are
 * refused with VENDOR_BUSY when that runs out or when `queue` calls wait already. Waiting is fair
 * between requests: each GraphQL request (each caller outside one, such as a sync, counts as one
 * more) has its own line, and a connection that comes free goes to the next request in turn, not
 * to the next call in one long line. So a request that asks for a page of twenty single reads at
 * once is served alongside the others instead of ahead of them, and no request can take every
 * connection while others wait. The queue's depth and the connections in use are told to the
 * observer as they change.
 *
 * cockatiel's bulkhead served one line, first come first served: a page's twenty reads queued as
 * one block held up every request behind it, and a short queue then turned the tail of a busy
 * moment into VENDOR_BUSY.
 */
import type { Source } from '../../domain/types';
import { currentRequest } from '../../platform/request-context';
import { VendorBusyError } from './errors';
import type { VendorObserver } from './observer';

export interface BulkheadSettings {
  /** Calls in flight at once. */
  connections: number;
  /** Calls that may wait for a connection, across every request. */
  queue: number;
}

/** One call waiting for a connection. */
interface Waiter {
  /** Gives the call its connection (counted in use already). */
  grant(): void;
  timer: NodeJS.Timeout;
}

/** One request's calls: those waiting, in the order they came, and how it stands in the turns. */
interface Party {
  waiting: Waiter[];
  inFlight: number;
  /** When it was last given a connection (a count of grants), so the longest unserved goes next. */
  servedAt: number;
}

/** The calls made outside any request (a sync, the mirror, recovery): one more party taking turns. */
const OUTSIDE_REQUESTS = {};

export class VendorBulkhead {
  private active = 0;
  private waiting = 0;
  private grants = 0;
  /** Every request with calls in flight or waiting. */
  private readonly parties = new Map<object, Party>();

  constructor(
    private readonly source: Source,
    private readonly settings: BulkheadSettings,
    private readonly observer: VendorObserver,
  ) {}

  /** Runs `run` on one of the vendor's connections, after waiting for one no longer than `maxWaitMs`. */
  async execute<T>(route: string, maxWaitMs: number, run: () => Promise<T>): Promise<T> {
    const key = currentRequest() ?? OUTSIDE_REQUESTS;
    const party = this.parties.get(key) ?? { waiting: [], inFlight: 0, servedAt: -1 };
    this.parties.set(key, party);
    if (this.active < this.settings.connections && this.waiting === 0) this.serve(party);
    else await this.waitForTurn(key, party, route, maxWaitMs);
    this.report();
    try {
      return await run();
    } finally {
      this.active -= 1;
      party.inFlight -= 1;
      this.forgetIfIdle(key, party);
      this.grantNext();
      this.report();
    }
  }

  /** Queues the call in its request's line until a connection is granted, or refuses it (VENDOR_BUSY). */
  private waitForTurn(key: object, party: Party, route: string, maxWaitMs: number): Promise<void> {
    if (this.waiting >= this.settings.queue) {
      this.forgetIfIdle(key, party);
      throw new VendorBusyError(
        this.source,
        `${route} was not sent: all ${this.settings.connections} connections are busy and ${this.settings.queue} calls wait already`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(
          () => {
            const index = party.waiting.indexOf(waiter);
            if (index < 0) return;
            party.waiting.splice(index, 1);
            this.waiting -= 1;
            this.forgetIfIdle(key, party);
            this.report();
            reject(
              new VendorBusyError(
                this.source,
                `${route} was not sent: no connection came free within ${Math.round(maxWaitMs)} ms`,
              ),
            );
          },
          Math.max(0, maxWaitMs),
        ),
      };
      party.waiting.push(waiter);
      this.waiting += 1;
      this.report();
    });
  }

  /** Gives free connections to waiting calls: each to the request served longest ago. */
  private grantNext(): void {
    while (this.active < this.settings.connections && this.waiting > 0) {
      let next: Party | undefined;
      for (const party of this.parties.values())
        if (party.waiting.length > 0 && (next === undefined || party.servedAt < next.servedAt)) next = party;
      const waiter = next!.waiting.shift()!;
      clearTimeout(waiter.timer);
      this.waiting -= 1;
      this.serve(next!);
      waiter.grant();
    }
  }

  private serve(party: Party): void {
    this.active += 1;
    party.inFlight += 1;
    party.servedAt = this.grants++;
  }

  private forgetIfIdle(key: object, party: Party): void {
    if (party.inFlight === 0 && party.waiting.length === 0) this.parties.delete(key);
  }

  private report(): void {
    this.observer.queue({ source: this.source, depth: this.waiting, active: this.active });
  }
}
