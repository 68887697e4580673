import type { Source } from '../domain/types';
import type { IdentityStore, ProfileValues } from '../store';

/** A vendor record as the linker needs it: who it is, and the non-secret values seen on it. */
export interface VendorRecord {
  externalId: string;
  email: string | null;
  phone?: string | null;
  values?: ProfileValues;
}

/**
 * Links vendor records to gateway users, one person per email address: a record whose email
 * already belongs to a user joins that user; otherwise a user is created. Records without an
 * email get a user of their own. Returns the user id of every record.
 */
export async function linkRecords(
  store: IdentityStore,
  source: Source,
  records: readonly VendorRecord[],
  seenAt: Date = new Date(),
): Promise<Map<string, string>> {
  const linked = await store.userIdsByExternalIds(source, records.map((record) => record.externalId));
  for (const record of records) {
    let userId = linked.get(record.externalId);
    if (userId === undefined) {
      const user =
        record.email === null
          ? await store.createUser({ phone: record.phone ?? null }, seenAt)
          : (await store.findOrCreateByEmail(record.email, { phone: record.phone ?? null }, seenAt)).user;
      userId = user.id;
      await store.link(userId, { source, externalId: record.externalId, status: 'ACTIVE' }, seenAt);
      linked.set(record.externalId, userId);
    }
    if (record.values) await store.saveProfile(userId, source, record.values, seenAt);
  }
  await store.markSynced(source, records.map((record) => record.externalId), seenAt);
  return linked;
}
