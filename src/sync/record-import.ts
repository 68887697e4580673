import type { Source } from '../domain/types';
import type { Logger } from '../platform/logger';
import type { RecordPage, VendorAdapter, VendorRecord } from '../vendors/kit/adapter';
import { VendorNotFoundError, isVendorError } from '../vendors/transport/errors';
import { walkPages } from '../vendors/kit/page-walk';
import { CheckpointStore, type Database, type LeaseStore, type SeenRecord, type Store } from '../store';
import { identityTarget, linkInto, type LinkableRecord, type LinkOutcome, type LinkTarget } from './identity-linker';
import { PlannedLinks } from './planned-links';
import { sameSeen, seenRecord } from './seen-records';

/**
 * One walk of what a vendor lists, imported into the gateway's database page by page: each page's
 * records are linked to gateway users (identity-linker) and kept as seen (`vendor_records`, the
 * mirror of a list-only vendor), and the checkpoint after it is written in the same transaction.
 * Memory holds one page at a time, so it does not grow with the vendor's size; a walk stopped at any
 * moment (a signal, a kill, a vendor failure) resumes at the first page it had not finished. A
 * complete walk then forgets the records it no longer found and marks their links ORPHANED. Used
 * by the `sync` command and by the gateway's mirror refresher; nothing here knows a vendor.
 */

/** What a walk reads: a vendor's whole listing page by page, or one account's members at once. */
export interface ScopeWalk {
  source: Source;
  /** '' for a vendor's listing, the account id for an account. */
  scope: string;
  kind: 'listing' | 'account';
  fetch(cursor: string | null): Promise<RecordPage>;
}

/** A vendor's whole listing (capability `list`). */
export function listingWalk(adapter: VendorAdapter): ScopeWalk {
  const listPage = adapter.listPage?.bind(adapter);
  if (!adapter.capabilities.list || listPage === undefined)
    throw new TypeError(`listingWalk: ${adapter.displayName} cannot list its records`);
  return { source: adapter.source, scope: '', kind: 'listing', fetch: listPage };
}

/** One account's members (capability `accounts`): the vendor answers them in one call. */
export function accountWalk(adapter: VendorAdapter, accountId: string): ScopeWalk {
  const members = adapter.accountMembers?.bind(adapter);
  if (!adapter.capabilities.accounts || members === undefined)
    throw new TypeError(`accountWalk: ${adapter.displayName} keeps no accounts`);
  return {
    source: adapter.source,
    scope: accountId,
    kind: 'account',
    fetch: async () => {
      const records = await members(accountId);
      return { records, next: null, total: records.length };
    },
  };
}

/** What a walk changed (or, in a dry run, would change) in the gateway's database. */
export interface ImportChanges {
  usersCreated: number;
  linksCreated: number;
  /** Links whose email, username or status the vendor's record changed. */
  linksUpdated: number;
  /** Users whose remembered values changed. */
  profilesChanged: number;
  /** Records seen for the first time. */
  recordsAdded: number;
  /** Records whose values changed since they were last seen. */
  recordsChanged: number;
  /** Records the vendor no longer has, forgotten. */
  recordsRemoved: number;
  /** Links to such records, marked ORPHANED. */
  linksOrphaned: number;
}

export const NO_CHANGES: Readonly<ImportChanges> = {
  usersCreated: 0,
  linksCreated: 0,
  linksUpdated: 0,
  profilesChanged: 0,
  recordsAdded: 0,
  recordsChanged: 0,
  recordsRemoved: 0,
  linksOrphaned: 0,
};

export function changeCount(changes: ImportChanges): number {
  let sum = 0;
  for (const count of Object.values(changes) as number[]) sum += count;
  return sum;
}

export interface ScopeProgress {
  source: Source;
  scope: string;
  /** Records read in this walk, those of an interrupted earlier attempt included. */
  records: number;
  /** What the vendor said it holds, when it says. */
  total: number | null;
  /** Pages read by this attempt. */
  pages: number;
  /** Records an interrupted earlier attempt had finished; null for a walk from the start. */
  resumedFrom: number | null;
  changes: ImportChanges;
  /** Records left unlinked because they matched several people or shared one. */
  ambiguous: number;
  /** Records without an email address or mobile number to link by. */
  keyless: number;
}

/**
 * How a walk ended. DONE: complete. INTERRUPTED: stopped on request, resumable. FAILED: the vendor
 * failed (or the lease was lost), resumable. BUSY: another process is walking it now. NOT_FOUND:
 * the vendor has no such account (any more): what the gateway kept of it is forgotten, its links
 * orphaned, and it is no longer an account the gateway knows.
 */
export type ScopeStatus = 'DONE' | 'INTERRUPTED' | 'FAILED' | 'BUSY' | 'NOT_FOUND';

export interface ScopeOutcome extends ScopeProgress {
  status: ScopeStatus;
  error: { code: string; message: string } | null;
}

export interface ImportOptions {
  /** Reads and reports, writes nothing (no checkpoint, no lease); starts from the first page. */
  dryRun?: boolean;
  /** A dry run's would-be people and links, shared by its walks so each sees the others'. */
  planned?: PlannedLinks;
  /** Pages per second at most; 0 for no limit. */
  pagesPerSecond?: number;
  signal?: AbortSignal;
  /** Who walks, for the lease (one walker per vendor and scope across processes). */
  holder: string;
  leaseTtlMs: number;
  onProgress?(progress: ScopeProgress): void;
}

export interface ImporterDeps {
  store: Store;
  leases: LeaseStore;
  logger: Logger;
  clock?: () => Date;
}

/** Removals are done in batches of this many ids. */
const SWEEP_BATCH = 500;

export class RecordImporter {
  private readonly clock: () => Date;

  constructor(private readonly deps: ImporterDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The lease name of a walk: one walker per vendor and scope. */
  static leaseName(walk: Pick<ScopeWalk, 'source' | 'scope'>): string {
    return `import:${walk.source}:${walk.scope}`;
  }

  async run(walk: ScopeWalk, options: ImportOptions): Promise<ScopeOutcome> {
    const { store, leases } = this.deps;
    const dryRun = options.dryRun ?? false;
    const lease = RecordImporter.leaseName(walk);
    const progress: ScopeProgress = {
      source: walk.source,
      scope: walk.scope,
      records: 0,
      total: null,
      pages: 0,
      resumedFrom: null,
      changes: { ...NO_CHANGES },
      ambiguous: 0,
      keyless: 0,
    };
    if (!dryRun && !(await leases.acquire(lease, options.holder, options.leaseTtlMs)))
      return { ...progress, status: 'BUSY', error: null };
    try {
      const checkpoints = new CheckpointStore(store.db);
      let start: string | null = null;
      let runStartedAt = this.clock();
      const earlier = dryRun ? null : await checkpoints.get(walk.source, walk.scope);
      if (earlier?.state === 'RUNNING' && walk.kind === 'listing') {
        start = earlier.cursor;
        runStartedAt = earlier.runStartedAt;
        progress.records = earlier.records;
        progress.total = earlier.total;
        progress.resumedFrom = earlier.records > 0 ? earlier.records : null;
      } else if (!dryRun) {
        runStartedAt = (await checkpoints.begin(walk.source, walk.scope, runStartedAt)).runStartedAt;
      }
      const seenBefore = { linked: 0, rows: 0 };
      // A dry run of one walk alone plans on its own; a sync's walks share one plan.
      const planned = dryRun ? (options.planned ?? new PlannedLinks(store.identities)) : null;
      const pace = new Pace(options.pagesPerSecond ?? 0, options.signal);
      // Whether the listing moved under the walk, so that it may have passed over records it holds.
      let passedOver = false;
      // The first fetch asks for the resumed cursor; walkPages guards the cursors it is answered.
      const pages = walkPages(walk.source, 'listPage', async (cursor) => {
        await pace.next();
        const page = await walk.fetch(cursor ?? start);
        passedOver ||= page.passedOver ?? false;
        return { items: page.records, next: page.next, total: page.total };
      });
      for await (const page of pages) {
        if (options.signal?.aborted) return { ...progress, status: 'INTERRUPTED', error: null };
        const seenAt = this.clock();
        const cursor = { cursor: page.next, records: progress.records + page.items.length, total: page.total };
        const applied = dryRun
          ? await this.apply(store.db, walk, page.items, seenAt, planned!, null)
          : await store.db.transaction((tx) =>
              this.apply(tx, walk, page.items, seenAt, identityTarget(store.identities.on(tx)), cursor),
            );
        addChanges(progress.changes, applied.changes);
        progress.ambiguous += applied.ambiguous;
        progress.keyless += applied.keyless;
        seenBefore.linked += applied.seenLinked;
        seenBefore.rows += applied.seenRows;
        progress.records = cursor.records;
        progress.total = page.total;
        progress.pages++;
        options.onProgress?.({ ...progress, changes: { ...progress.changes } });
        if (!dryRun && !(await leases.renew(lease, options.holder, options.leaseTtlMs))) {
          return {
            ...progress,
            status: 'FAILED',
            error: {
              code: 'LEASE_LOST',
              message: `another process took over the ${walk.source} walk: this one was slower than SYNC_LEASE_S`,
            },
          };
        }
        if (options.signal?.aborted && page.next !== null) return { ...progress, status: 'INTERRUPTED', error: null };
      }
      // A record it did not see may have been passed over, not gone: this walk judges nothing gone.
      if (passedOver)
        this.deps.logger.info(
          { source: walk.source, scope: walk.scope },
          'the listing moved while it was walked: no record is judged gone until a walk sees it hold still',
        );
      const swept = dryRun
        ? passedOver
          ? { recordsRemoved: 0, linksOrphaned: 0 }
          : await this.wouldSweep(walk, seenBefore)
        : await this.sweep(walk, passedOver ? null : runStartedAt);
      progress.changes.recordsRemoved += swept.recordsRemoved;
      progress.changes.linksOrphaned += swept.linksOrphaned;
      return { ...progress, status: 'DONE', error: null };
    } catch (error) {
      if (!isVendorError(error) && !(error instanceof PaceStopped)) throw error;
      if (error instanceof PaceStopped) return { ...progress, status: 'INTERRUPTED', error: null };
      if (error instanceof VendorNotFoundError && walk.kind === 'account') {
        const swept = dryRun ? await this.wouldSweep(walk, { linked: 0, rows: 0 }) : await this.forget(walk);
        progress.changes.recordsRemoved += swept.recordsRemoved;
        progress.changes.linksOrphaned += swept.linksOrphaned;
        return {
          ...progress,
          status: 'NOT_FOUND',
          error: { code: error.code, message: `${walk.source} has no account ${walk.scope}` },
        };
      }
      this.deps.logger.warn(
        { source: walk.source, scope: walk.scope, code: error.code, vendorMessage: error.vendorMessage },
        'a walk of a vendor failed; the next run resumes it',
      );
      return { ...progress, status: 'FAILED', error: { code: error.code, message: error.message } };
    } finally {
      if (!dryRun) await leases.release(lease, options.holder);
    }
  }

  /**
   * One page: links its records, keeps them as seen (only the changed ones are rewritten) and, in a
   * real run, moves the checkpoint past it, all through `db` (the page's transaction).
   */
  private async apply(
    db: Database,
    walk: ScopeWalk,
    records: readonly VendorRecord[],
    seenAt: Date,
    target: LinkTarget,
    checkpoint: { cursor: string | null; records: number; total: number | null } | null,
  ): Promise<{ changes: ImportChanges; ambiguous: number; keyless: number; seenLinked: number; seenRows: number }> {
    const seen = this.deps.store.records.on(db);
    const before = await seen.byExternalIds(
      walk.source,
      records.map((record) => record.externalId),
    );
    const linkables: LinkableRecord[] = records.map((record) => ({
      externalId: record.externalId,
      email: record.email,
      phone: record.phone,
      username: record.username,
      values: record.remember,
    }));
    const linked: LinkOutcome = await linkInto(target, walk.source, linkables, seenAt);
    const keyless = new Set(linked.keyless);
    const rows = records.map((record) =>
      seenRecord(
        record,
        walk.scope,
        seenAt,
        linked.ambiguous.get(record.externalId) ?? null,
        keyless.has(record.externalId),
      ),
    );
    const changed: SeenRecord[] = [];
    const unchanged: string[] = [];
    let added = 0;
    for (const row of rows) {
      const previous = before.get(row.externalId);
      if (previous === undefined) added++;
      if (previous !== undefined && sameSeen(previous, row)) unchanged.push(row.externalId);
      else changed.push(row);
    }
    if (checkpoint !== null) {
      await seen.save(changed);
      await seen.touch(walk.source, unchanged, seenAt);
      await new CheckpointStore(db).advance(walk.source, walk.scope, checkpoint, seenAt);
    }
    const previouslyLinked = linked.userIds.size - linked.linksCreated;
    return {
      changes: {
        ...NO_CHANGES,
        usersCreated: linked.usersCreated,
        linksCreated: linked.linksCreated,
        linksUpdated: linked.linksUpdated,
        profilesChanged: linked.profilesChanged,
        recordsAdded: added,
        recordsChanged: changed.length - added,
      },
      ambiguous: linked.ambiguous.size,
      keyless: linked.keyless.length,
      seenLinked: previouslyLinked,
      seenRows: rows.filter((row) => before.get(row.externalId)?.scope === walk.scope).length,
    };
  }

  /**
   * After a complete walk: the records of its scope not seen since it began are gone at the vendor.
   * Their rows go, and their links are marked ORPHANED (for a whole listing, every link of the
   * vendor not seen since then, rows or not). One transaction, with the checkpoint marked done.
   * `runStartedAt` null: the walk may have passed over records, so none is judged gone.
   */
  private async sweep(
    walk: ScopeWalk,
    runStartedAt: Date | null,
  ): Promise<{ recordsRemoved: number; linksOrphaned: number }> {
    const { store } = this.deps;
    return store.db.transaction(async (tx) => {
      const seen = store.records.on(tx);
      const identities = store.identities.on(tx);
      let recordsRemoved = 0;
      let linksOrphaned =
        walk.kind === 'listing' && runStartedAt !== null
          ? await identities.markOrphaned(walk.source, { syncedBefore: runStartedAt })
          : 0;
      while (runStartedAt !== null) {
        const gone = await seen.unseenSince(walk.source, walk.scope, runStartedAt, SWEEP_BATCH);
        if (gone.length === 0) break;
        if (walk.kind === 'account') linksOrphaned += await identities.markOrphaned(walk.source, { externalIds: gone });
        recordsRemoved += await seen.remove(walk.source, gone);
      }
      await new CheckpointStore(tx).finish(walk.source, walk.scope, this.clock());
      return { recordsRemoved, linksOrphaned };
    });
  }

  /** An account the vendor no longer has: every record kept of it goes, its links are orphaned, its checkpoint forgotten. */
  private async forget(walk: ScopeWalk): Promise<{ recordsRemoved: number; linksOrphaned: number }> {
    const swept = await this.sweep(walk, new Date('9999-12-31T23:59:59.999Z'));
    await new CheckpointStore(this.deps.store.db).remove(walk.source, walk.scope);
    return swept;
  }

  /** What {@link sweep} would remove, from counts: what is kept now less what this walk saw of it. */
  private async wouldSweep(
    walk: ScopeWalk,
    seenBefore: { linked: number; rows: number },
  ): Promise<{ recordsRemoved: number; linksOrphaned: number }> {
    const { store } = this.deps;
    const rows = await store.records.countScope(walk.source, walk.scope);
    const recordsRemoved = Math.max(0, rows - seenBefore.rows);
    const linksOrphaned =
      walk.kind === 'listing'
        ? Math.max(0, (await store.identities.countLiveLinks(walk.source)) - seenBefore.linked)
        : recordsRemoved;
    return { recordsRemoved, linksOrphaned };
  }
}

function addChanges(into: ImportChanges, more: ImportChanges): void {
  for (const key of Object.keys(into) as (keyof ImportChanges)[]) into[key] += more[key];
}

/** Raised inside a walk when its signal fires while it waits for its next page. */
class PaceStopped extends Error {}

/** Spaces page fetches at most `perSecond` apart; a signal cuts a wait short. */
class Pace {
  private last = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async next(): Promise<void> {
    if (this.signal?.aborted) throw new PaceStopped();
    if (this.perSecond > 0) {
      const wait = this.last + 1000 / this.perSecond - performance.now();
      if (wait > 0) await sleep(wait, this.signal);
    }
    this.last = performance.now();
  }
}

/** A timer that a signal cancels (and that never outlives it). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new PaceStopped());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
