import type { Source } from '../domain/types';
import type { Logger } from '../platform/logger';
import { PlannedLinks } from './planned-links';
import {
  NO_CHANGES,
  RecordImporter,
  accountWalk,
  changeCount,
  listingWalk,
  type ImportChanges,
  type ScopeOutcome,
  type ScopeProgress,
  type ScopeWalk,
} from './record-import';
import type { Adapters } from '../vendors/registry';
import { CheckpointStore, LeaseStore, PROCESS_OWNER, ownerIsAliveOnThisHost, type Store } from '../store';

/** What a sync reads, and what it cannot. */
export interface SyncPlan {
  walks: ScopeWalk[];
  /** Vendors it does not read, each with why: they cannot be listed, or no account is known. */
  skipped: { source: Source; reason: string }[];
}

export interface SyncOptions {
  dryRun: boolean;
  /** Pages per second per vendor; 0 for no limit. */
  pagesPerSecond: number;
  leaseTtlMs: number;
  signal: AbortSignal;
  /** How long to wait before asking again for a vendor another process is walking. */
  busyRetryMs?: number;
}

/** What the sync tells as it goes; the command prints it as progress bars or JSON lines. */
export interface SyncObserver {
  progress(progress: ScopeProgress): void;
  /** Another process (a gateway's mirror refresher, another sync) walks this now; the sync waits for it. */
  waiting(walk: ScopeWalk, holder: string | null): void;
  finished(outcome: ScopeOutcome): void;
}

export interface SyncResult {
  dryRun: boolean;
  outcomes: ScopeOutcome[];
  /** DONE when every walk finished; INTERRUPTED when a signal stopped it; FAILED when a vendor failed. */
  status: 'DONE' | 'INTERRUPTED' | 'FAILED';
  changes: ImportChanges;
  ambiguous: number;
  keyless: number;
}

/**
 * What to read: the whole listing of every vendor that can list its users, and, for the vendor
 * that keeps accounts, every account in `accountIds` and every account the gateway already knows
 * (those it saw members of, and those an earlier sync read). Vendors that can do neither are
 * skipped and named. `only` narrows it to some vendors.
 */
export async function planSync(
  adapters: Adapters,
  store: Store,
  accountIds: readonly string[],
  only: readonly Source[] = [],
): Promise<SyncPlan> {
  const plan: SyncPlan = { walks: [], skipped: [] };
  const checkpoints = await new CheckpointStore(store.db).all();
  for (const adapter of adapters.all()) {
    if (only.length > 0 && !only.includes(adapter.source)) continue;
    if (adapter.capabilities.list) {
      plan.walks.push(listingWalk(adapter));
    } else if (adapter.capabilities.accounts) {
      const known = [
        ...accountIds,
        ...(await store.records.scopesOf(adapter.source)),
        ...checkpoints
          .filter((checkpoint) => checkpoint.source === adapter.source && checkpoint.scope !== '')
          .map((checkpoint) => checkpoint.scope),
      ];
      const accounts = [...new Set(known)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      if (accounts.length === 0)
        plan.skipped.push({
          source: adapter.source,
          reason: `${adapter.displayName} lists users by account only, and no account is known: set SYNC_ACCOUNT_IDS`,
        });
      for (const accountId of accounts) plan.walks.push(accountWalk(adapter, accountId));
    } else {
      plan.skipped.push({
        source: adapter.source,
        reason: `${adapter.displayName} cannot list its users, so it is not synced: its links come from the gateway's own writes`,
      });
    }
  }
  return plan;
}

/**
 * Runs the plan: the vendors concurrently, each vendor's walks (its accounts) one after another.
 * A walk another process holds is waited for, then done (it then has little left to do). A dry
 * run shares one set of would-be people across its walks, so what one vendor would create, the
 * next sees.
 */
export async function runSync(
  deps: { store: Store; logger: Logger },
  plan: SyncPlan,
  options: SyncOptions,
  observer: SyncObserver,
): Promise<SyncResult> {
  const leases = new LeaseStore(deps.store.db, { holderIsAlive: ownerIsAliveOnThisHost });
  const importer = new RecordImporter({ store: deps.store, leases, logger: deps.logger });
  const planned = options.dryRun ? new PlannedLinks(deps.store.identities) : undefined;
  const bySource = new Map<Source, ScopeWalk[]>();
  for (const walk of plan.walks) bySource.set(walk.source, [...(bySource.get(walk.source) ?? []), walk]);

  const outcomes: ScopeOutcome[] = [];
  const walkOne = async (walk: ScopeWalk): Promise<ScopeOutcome> => {
    for (;;) {
      const outcome = await importer.run(walk, {
        dryRun: options.dryRun,
        planned,
        pagesPerSecond: options.pagesPerSecond,
        signal: options.signal,
        holder: PROCESS_OWNER,
        leaseTtlMs: options.leaseTtlMs,
        onProgress: (progress) => observer.progress(progress),
      });
      if (outcome.status !== 'BUSY') return outcome;
      observer.waiting(walk, (await leases.holder(RecordImporter.leaseName(walk)))?.holder ?? null);
      if (!(await pause(options.busyRetryMs ?? 1000, options.signal))) return { ...outcome, status: 'INTERRUPTED' };
    }
  };
  await Promise.all(
    [...bySource.values()].map(async (walks) => {
      for (const walk of walks) {
        if (options.signal.aborted) break;
        const outcome = await walkOne(walk);
        outcomes.push(outcome);
        observer.finished(outcome);
      }
    }),
  );

  const changes = { ...NO_CHANGES };
  for (const outcome of outcomes)
    for (const key of Object.keys(changes) as (keyof ImportChanges)[]) changes[key] += outcome.changes[key];
  const interrupted = options.signal.aborted || outcomes.some((outcome) => outcome.status === 'INTERRUPTED');
  const failed = outcomes.some((outcome) => outcome.status === 'FAILED');
  return {
    dryRun: options.dryRun,
    outcomes: order(outcomes, plan),
    status: interrupted ? 'INTERRUPTED' : failed ? 'FAILED' : 'DONE',
    changes,
    ambiguous: outcomes.reduce((sum, outcome) => sum + outcome.ambiguous, 0),
    keyless: outcomes.reduce((sum, outcome) => sum + outcome.keyless, 0),
  };
}

export { changeCount };

/** Outcomes in the plan's order, whatever order the concurrent vendors finished in. */
function order(outcomes: ScopeOutcome[], plan: SyncPlan): ScopeOutcome[] {
  const position = (outcome: ScopeOutcome) =>
    plan.walks.findIndex((walk) => walk.source === outcome.source && walk.scope === outcome.scope);
  return [...outcomes].sort((a, b) => position(a) - position(b));
}

/** Waits `ms`; false when the signal fired first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}
