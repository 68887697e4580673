import type { Source } from '../domain/types';
import type { IdentityStore, ProfileValues } from '../store';

/** A vendor record as the linker needs it: who it is, its keys, and the non-secret values seen on it. */
export interface LinkableRecord {
  externalId: string;
  email: string | null;
  phone?: string | null;
  username?: string | null;
  /** Values to remember; merged into what is stored, so a value this record does not carry survives. */
  values?: ProfileValues;
}

/**
 * Links vendor records to gateway users, one person per email address: a record whose email
 * already belongs to a user joins that user; otherwise a user is created. Records without an
 * email get a user of their own. Returns the user id of every record. Run it inside a transaction
 * (`store.transaction`) so that a user and its links appear together.
 */
export async function linkRecords(
  store: IdentityStore,
  source: Source,
  records: readonly LinkableRecord[],
  seenAt: Date = new Date(),
): Promise<Map<string, string>> {
  const linked = await store.userIdsByExternalIds(source, records.map((record) => record.externalId));
  for (const record of records) {
    if (linked.has(record.externalId)) continue;
    const user =
      record.email === null
        ? await store.createUser({ phone: record.phone ?? null }, seenAt)
        : (await store.findOrCreateByEmail(record.email, { phone: record.phone ?? null }, seenAt)).user;
    await store.link(user.id, { source, externalId: record.externalId, status: 'ACTIVE', email: record.email, username: record.username ?? null }, seenAt);
    linked.set(record.externalId, user.id);
  }
  const remembering = records.filter((record) => record.values !== undefined && Object.keys(record.values).length > 0);
  if (remembering.length > 0) {
    const stored = await store.profilesByUserIds(remembering.map((record) => linked.get(record.externalId)!));
    for (const record of remembering) {
      const userId = linked.get(record.externalId)!;
      const before = stored.get(userId)?.find((profile) => profile.source === source)?.values ?? {};
      await store.saveProfile(userId, source, { ...before, ...record.values }, seenAt);
    }
  }
  await store.markSynced(source, records.map((record) => record.externalId), seenAt);
  return linked;
}
