import type { Source } from '../domain/types';
import type { VendorAdapter } from '../vendors/kit/adapter';
import type { Adapters } from '../vendors/registry';
import { CheckpointStore, ReconciliationQueries, type Checkpoint, type ComparedRecord, type Store } from '../store';
import { ambiguityOf } from './seen-records';

/** How the sync reads a vendor: its whole listing, account by account, or not at all (it cannot be listed). */
export type ListedBy = 'LISTING' | 'ACCOUNTS' | 'NONE';

/** What the report knows of one vendor. */
export interface SourceCoverage {
  source: Source;
  listedBy: ListedBy;
  /** For ACCOUNTS: the accounts a sync has read completely. */
  accounts: string[];
  /** When its last complete walk ended (for ACCOUNTS, the oldest of its accounts'); null if never. */
  lastCompleteAt: Date | null;
  /** A walk was stopped before its end and not yet resumed. */
  interrupted: boolean;
  /** Records the gateway keeps of it (`vendor_records`). */
  records: number;
  /**
   * Whether people are judged missing here: only at a vendor listed completely at least once (for
   * ACCOUNTS, within the accounts read). A vendor that cannot be listed never is.
   */
  compared: boolean;
}

export interface MissingRecord {
  userId: string;
  email: string | null;
  source: Source;
}

export type DriftField = 'NAME' | 'EMAIL' | 'ACTIVE';

export interface FieldDrift {
  userId: string;
  field: DriftField;
  /** Each linked record's value, in source order; records without the field are left out. */
  values: { source: Source; externalId: string; value: string }[];
}

export interface AmbiguousRecord {
  source: Source;
  externalId: string;
  email: string | null;
  phone: string | null;
  reason: 'MANY_PEOPLE' | 'SHARED_PERSON';
  /** What matched several people (MANY_PEOPLE), or null. */
  matchedBy: 'email' | 'phone' | null;
  /** The people it could be. */
  userIds: string[];
  /** SHARED_PERSON: the vendor's other records of that person. */
  otherRecords: string[];
}

export interface ReconciliationReport {
  generatedAt: Date;
  sources: SourceCoverage[];
  /** People with a record at some vendor but none at a compared one (all of them, counted). */
  missingCount: number;
  /** The first of them, by user then vendor. */
  missing: MissingRecord[];
  /** Disagreeing fields, counted over everyone. */
  driftCount: number;
  drift: FieldDrift[];
  ambiguousCount: number;
  ambiguous: AmbiguousRecord[];
}

const FIELDS: readonly {
  field: DriftField;
  key: (record: ComparedRecord) => string | null;
  value: (record: ComparedRecord) => string | null;
}[] = [
  { field: 'NAME', key: (record) => record.nameKey, value: (record) => record.name },
  { field: 'EMAIL', key: (record) => record.email, value: (record) => record.email },
  {
    field: 'ACTIVE',
    key: (record) => (record.active === null ? null : String(record.active)),
    value: (record) => (record.active === null ? null : String(record.active)),
  },
];

/**
 * The reconciliation report: what an operator of several user systems needs to know about them
 * together. People missing at a vendor that others have them at, fields that disagree between a
 * person's records (name, email, active), and records the sync left unlinked rather than guess.
 * Read from what the sync and the mirror saw (`vendor_records`, the identity links), never from the
 * vendors, so it costs a few queries however large they are; each list holds at most `limit`
 * entries and its count says how many there are in all.
 */
export class ReconciliationService {
  constructor(
    private readonly adapters: Adapters,
    private readonly store: Store,
  ) {}

  async report(limit: number, now: Date = new Date()): Promise<ReconciliationReport> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError(`report() limit must be a positive integer, got ${limit}`);
    const queries = new ReconciliationQueries(this.store.db);
    const [checkpoints, counts] = await Promise.all([
      new CheckpointStore(this.store.db).all(),
      this.store.records.countsBySource(),
    ]);
    const sources = this.adapters
      .all()
      .map((adapter) => coverage(adapter, checkpoints, counts.get(adapter.source) ?? 0));
    const compared = sources.filter((source) => source.compared).map((source) => source.source);

    const missingCounts = await Promise.all(compared.map((source) => queries.countMissingAt(source)));
    const missingLists = await Promise.all(
      compared.map(async (source) => (await queries.missingAt(source, limit)).map((entry) => ({ ...entry, source }))),
    );
    const missing = missingLists
      .flat()
      .sort((a, b) => a.userId.localeCompare(b.userId) || a.source.localeCompare(b.source))
      .slice(0, limit);

    const driftCounts = await queries.countDrift();
    const drifting = await queries.driftingUsers(limit);
    const records = await queries.comparedRecords(drifting);
    const drift = drifting.flatMap((userId) => driftOf(userId, records.get(userId) ?? [])).slice(0, limit);

    const [ambiguousCount, ambiguousRows] = await Promise.all([
      this.store.records.countAmbiguous(),
      this.store.records.ambiguous(limit),
    ]);
    const ambiguous = ambiguousRows.map((row): AmbiguousRecord => {
      const why = ambiguityOf(row)!;
      return {
        source: row.source,
        externalId: row.externalId,
        email: row.email,
        phone: row.phone,
        reason: why.reason,
        matchedBy: why.reason === 'MANY_PEOPLE' ? why.key : null,
        userIds: why.reason === 'MANY_PEOPLE' ? why.userIds : [why.userId],
        otherRecords: why.reason === 'SHARED_PERSON' ? why.externalIds : [],
      };
    });

    return {
      generatedAt: now,
      sources,
      missingCount: missingCounts.reduce((sum, count) => sum + count, 0),
      missing,
      driftCount: driftCounts.name + driftCounts.email + driftCounts.active,
      drift,
      ambiguousCount,
      ambiguous,
    };
  }
}

function coverage(adapter: VendorAdapter, checkpoints: readonly Checkpoint[], records: number): SourceCoverage {
  const { capabilities, source } = adapter;
  const listedBy: ListedBy = capabilities.list ? 'LISTING' : capabilities.accounts ? 'ACCOUNTS' : 'NONE';
  const mine = checkpoints.filter(
    (checkpoint) =>
      checkpoint.source === source && (listedBy === 'LISTING' ? checkpoint.scope === '' : checkpoint.scope !== ''),
  );
  const complete = mine.filter((checkpoint) => checkpoint.finishedAt !== null);
  const finished = complete.map((checkpoint) => checkpoint.finishedAt!.getTime());
  return {
    source,
    listedBy,
    accounts: listedBy === 'ACCOUNTS' ? complete.map((checkpoint) => checkpoint.scope) : [],
    lastCompleteAt: finished.length === 0 || listedBy === 'NONE' ? null : new Date(Math.min(...finished)),
    interrupted: mine.some((checkpoint) => checkpoint.state === 'RUNNING'),
    records,
    compared: listedBy !== 'NONE' && complete.length > 0,
  };
}

/** The fields on which a person's records disagree, each with every record's value. */
function driftOf(userId: string, records: readonly ComparedRecord[]): FieldDrift[] {
  const drift: FieldDrift[] = [];
  for (const { field, key, value } of FIELDS) {
    const holding = records.filter((record) => key(record) !== null);
    if (new Set(holding.map(key)).size < 2) continue;
    drift.push({
      userId,
      field,
      values: holding.map((record) => ({
        source: record.source,
        externalId: record.externalId,
        value: value(record)!,
      })),
    });
  }
  return drift;
}
