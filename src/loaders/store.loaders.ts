import DataLoader from 'dataloader';
import type { Source } from '../domain/types';
import { MAX_VALUES_PER_LIST, type Identity, type IdentityStore, type StoredProfile, type StoredUser } from '../store';

/** Store batches stay within one `IN (...)` list, so each batch is exactly one query. */
const batch = { maxBatchSize: MAX_VALUES_PER_LIST };

export interface StoreLoaders {
  user: DataLoader<string, StoredUser | null>;
  identities: DataLoader<string, Identity[]>;
  profiles: DataLoader<string, StoredProfile[]>;
  /**
   * Gateway user id by email (normalised: lower-cased, trimmed): the user's own address, or one a
   * vendor record of theirs holds; null for an address the gateway does not know.
   */
  userIdByEmail: DataLoader<string, string | null>;
  /** Gateway user id of a vendor record, keyed by `source:externalId`. */
  userIdByRecord: DataLoader<{ source: Source; externalId: string }, string | null, string>;
}

export function createStoreLoaders(store: IdentityStore): StoreLoaders {
  return {
    user: new DataLoader(async (ids) => {
      const users = await store.usersByIds(ids);
      return ids.map((id) => users.get(id) ?? null);
    }, batch),
    identities: new DataLoader(async (ids) => {
      const identities = await store.identitiesByUserIds(ids);
      return ids.map((id) => identities.get(id) ?? []);
    }, batch),
    profiles: new DataLoader(async (ids) => {
      const profiles = await store.profilesByUserIds(ids);
      return ids.map((id) => profiles.get(id) ?? []);
    }, batch),
    userIdByEmail: new DataLoader(async (emails) => {
      const userIds = await store.userIdsByEmails(emails);
      return emails.map((email) => userIds.get(email) ?? null);
    }, batch),
    userIdByRecord: new DataLoader(
      async (records) => {
        // One query per vendor present in the batch (in practice a batch names one vendor).
        const bySource = new Map<Source, string[]>();
        for (const { source, externalId } of records)
          bySource.set(source, [...(bySource.get(source) ?? []), externalId]);
        const found = new Map<string, string>();
        for (const [source, externalIds] of bySource) {
          for (const [externalId, userId] of await store.userIdsByExternalIds(source, externalIds))
            found.set(`${source}:${externalId}`, userId);
        }
        return records.map(({ source, externalId }) => found.get(`${source}:${externalId}`) ?? null);
      },
      { ...batch, cacheKeyFn: ({ source, externalId }) => `${source}:${externalId}` },
    ),
  };
}
