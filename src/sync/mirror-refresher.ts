import type { Logger } from '../platform/logger';
import type { Adapters } from '../vendors/registry';
import { LeaseStore, PROCESS_OWNER, ownerIsAliveOnThisHost, type Store } from '../store';
import { RecordImporter, changeCount, listingWalk, type ScopeOutcome } from './record-import';
import { isMirrored } from './seen-records';

export interface MirrorRefresherOptions {
  adapters: Adapters;
  store: Store;
  logger: Logger;
  /** Pause between the end of one refresh and the start of the next; 0 never refreshes on its own. */
  intervalMs: number;
  /** The pace of a refresh, so it never crowds out the vendor. */
  pagesPerSecond: number;
  /** How long its claim on a vendor lasts without renewal (it renews after every page). */
  leaseTtlMs: number;
  /** Who holds the leases: this process (`PROCESS_OWNER`) unless a test plays two processes. */
  holder?: string;
}

/**
 * Keeps the gateway's mirror of the vendors that can only be listed (`isMirrored`) fresh: every
 * `intervalMs` it walks their listings at a bounded pace, through the same importer as the `sync`
 * command, so new records are linked and gone ones orphaned. A lease per vendor in the database
 * lets one process at a time walk it, however many gateways share the database; a process that
 * finds it taken skips that round. The first round comes one interval after `start()` (run
 * `npm run sync` to fill an empty mirror, or call `refresh()`); `stop()` cancels the timer and
 * interrupts a running round between two pages, which resumes where it stopped next time.
 */
export class MirrorRefresher {
  private readonly importer: RecordImporter;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ScopeOutcome[]> | null = null;

  constructor(private readonly options: MirrorRefresherOptions) {
    const { store, logger } = options;
    this.importer = new RecordImporter({
      store,
      logger,
      leases: new LeaseStore(store.db, { holderIsAlive: ownerIsAliveOnThisHost }),
    });
  }

  /** Schedules the rounds, when there is a mirrored vendor and an interval. */
  start(): void {
    if (this.options.intervalMs > 0 && this.mirrored().length > 0) this.schedule();
  }

  /** Runs a round now, or joins the one running: one outcome per mirrored vendor. */
  refresh(): Promise<ScopeOutcome[]> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Whether a round is scheduled or running: from `start()` (with anything to refresh) until `stop()` resolves. */
  get active(): boolean {
    return this.timer !== null || this.running !== null;
  }

  /** Cancels the timer, interrupts a running round and waits for it. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private mirrored() {
    return this.options.adapters.all().filter(isMirrored);
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh()
        .catch((error: unknown) =>
          this.options.logger.error({ err: error }, 'the mirror refresh failed; the next round tries again'),
        )
        .finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  private async round(): Promise<ScopeOutcome[]> {
    const { logger, pagesPerSecond, leaseTtlMs } = this.options;
    const outcomes: ScopeOutcome[] = [];
    for (const adapter of this.mirrored()) {
      if (this.stopping.signal.aborted) break;
      const holder = this.options.holder ?? PROCESS_OWNER;
      const outcome = await this.importer.run(listingWalk(adapter), {
        pagesPerSecond,
        leaseTtlMs,
        holder,
        signal: this.stopping.signal,
      });
      outcomes.push(outcome);
      const fields = {
        source: outcome.source,
        status: outcome.status,
        records: outcome.records,
        changes: outcome.changes,
        ambiguous: outcome.ambiguous,
      };
      if (outcome.status === 'BUSY')
        logger.debug({ source: outcome.source }, 'another process is refreshing this mirror; skipped');
      else if (outcome.status === 'FAILED')
        logger.warn({ ...fields, error: outcome.error }, 'mirror refresh failed; it resumes next round');
      else if (changeCount(outcome.changes) > 0) logger.info(fields, 'mirror refreshed');
      else logger.debug(fields, 'mirror refreshed, nothing changed');
    }
    return outcomes;
  }
}
