import DataLoader from 'dataloader';
import type { Source } from '../domain/types';
import type { ReadScope, VendorRecord } from '../sources/adapter';
import type { Adapters } from '../sources/registry';
import type { IdentityStore } from '../store';
import { CallMemo } from './memo';
import { createStoreLoaders, type StoreLoaders } from './store.loaders';

/** Every loader of one request. Created per request: nothing is cached across requests. */
export interface Loaders {
  store: StoreLoaders;
  /** A vendor's records by id, batched by its adapter's own strategy; null for a vendor that cannot be read. */
  records(source: Source): DataLoader<string, VendorRecord> | null;
  /** An account's members, one call per account, from the vendor that keeps accounts. */
  accountMembers: DataLoader<string, VendorRecord[]>;
}

export function createLoaders(adapters: Adapters, store: IdentityStore): Loaders {
  const memo = new CallMemo();
  const records = new Map<Source, DataLoader<string, VendorRecord>>();
  for (const adapter of adapters.all()) {
    const readMany = adapter.readMany?.bind(adapter);
    if (readMany === undefined) continue;
    const loader: DataLoader<string, VendorRecord> = new DataLoader<string, VendorRecord>((ids) => readMany(ids, scope));
    // Records a batch saw besides the ones asked for (a listing walk sees many) need no call of their own.
    const scope: ReadScope = { memo: (key, call) => memo.run(key, call), seen: (record) => void loader.prime(record.externalId, record) };
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
  return { store: createStoreLoaders(store), records: (source) => records.get(source) ?? null, accountMembers };
}
