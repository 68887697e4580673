import DataLoader from 'dataloader';
import type { Source } from '../domain/types';
import type { ReadScope, VendorRecord } from '../vendors/kit/adapter';
import type { Adapters } from '../vendors/registry';
import { MAX_VALUES_PER_LIST, type IdentityStore, type VendorRecordStore } from '../store';
import { decodeRecord, isMirrored } from '../sync/seen-records';
import { CallMemo } from './memo';
import { createStoreLoaders, type StoreLoaders } from './store.loaders';

/** Every loader of one request. Created per request: nothing is cached across requests. */
export interface Loaders {
  store: StoreLoaders;
  /**
   * A vendor's records by id, batched by its adapter's own strategy, or, for a vendor that can only
   * be listed, read from the gateway's mirror of it (null for a record the mirror does not hold);
   * null for a vendor that cannot be read.
   */
  records(source: Source): DataLoader<string, VendorRecord | null> | null;
  /** An account's members, one call per account, from the vendor that keeps accounts. */
  accountMembers: DataLoader<string, VendorRecord[]>;
}

/** The gateway's own database, as the loaders read it. */
export interface LoaderStore {
  identities: IdentityStore;
  records: VendorRecordStore;
}

/**
 * Mirrored records as last decoded, by vendor and id, with the text they were decoded from: a
 * record whose row has not changed since is not parsed again. Process-wide and bounded; records
 * are values nobody changes, so requests can share them.
 */
export class DecodedMirror {
  private readonly records = new Map<string, { data: string; record: VendorRecord }>();

  constructor(private readonly limit = 20_000) {}

  decode(source: Source, externalId: string, data: string): VendorRecord {
    const key = `${source}\u0000${externalId}`;
    const known = this.records.get(key);
    if (known !== undefined && known.data === data) return known.record;
    const record = deepFreeze(decodeRecord(source, externalId, data));
    if (known === undefined && this.records.size >= this.limit) this.records.clear();
    this.records.set(key, { data, record });
    return record;
  }
}

/** The decoded records of each mirror, as long as the store lives (the process). */
const decodedMirrors = new WeakMap<VendorRecordStore, DecodedMirror>();

export function createLoaders(adapters: Adapters, store: LoaderStore): Loaders {
  let decoded = decodedMirrors.get(store.records);
  if (decoded === undefined) decodedMirrors.set(store.records, (decoded = new DecodedMirror()));
  const memo = new CallMemo();
  const records = new Map<Source, DataLoader<string, VendorRecord | null>>();
  for (const adapter of adapters.all()) {
    if (isMirrored(adapter)) {
      // A request never walks the listing: one query per batch of the mirror the sync and the refresher keep.
      records.set(adapter.source, mirrorLoader(adapter.source, store.records, decoded));
      continue;
    }
    const readMany = adapter.readMany?.bind(adapter);
    if (readMany === undefined) continue;
    const loader: DataLoader<string, VendorRecord | null> = new DataLoader<string, VendorRecord | null>((ids) =>
      readMany(ids, scope),
    );
    // Records a batch saw besides the ones asked for (a listing walk sees many) need no call of their own.
    const scope: ReadScope = {
      memo: (key, call) => memo.run(key, call),
      seen: (record) => void loader.prime(record.externalId, record),
    };
    records.set(adapter.source, loader);
  }
  const accountMembers = new DataLoader<string, VendorRecord[]>((accountIds) =>
    Promise.all(
      accountIds.map(async (accountId) => {
        try {
          const accounts = adapters.accounts();
          const members = await accounts.accountMembers!(accountId);
          for (const member of members) records.get(accounts.source)?.prime(member.externalId, member);
          return members;
        } catch (error) {
          return error as Error;
        }
      }),
    ),
  );
  return {
    store: createStoreLoaders(store.identities),
    records: (source) => records.get(source) ?? null,
    accountMembers,
  };
}

/** A mirrored vendor's records as the gateway last saw them. */
function mirrorLoader(
  source: Source,
  mirror: VendorRecordStore,
  decoded: DecodedMirror,
): DataLoader<string, VendorRecord | null> {
  return new DataLoader(
    async (ids) => {
      const rows = await mirror.dataByExternalIds(source, ids);
      return ids.map((id) => {
        const data = rows.get(id);
        return data === undefined ? null : decoded.decode(source, id, data);
      });
    },
    { maxBatchSize: MAX_VALUES_PER_LIST },
  );
}

/** Freezes a decoded record through and through, so no request can change what the next one reads. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
