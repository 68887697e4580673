import type { Source } from '../domain/types';
import {
  normalizeEmail,
  phoneDigits,
  type Identity,
  type IdentityStore,
  type ProfileValues,
  type StoredProfile,
} from '../store';

/** A vendor record as the linker needs it: who it is, its keys, and the non-secret values seen on it. */
export interface LinkableRecord {
  externalId: string;
  email: string | null;
  phone?: string | null;
  username?: string | null;
  /** Values to remember; merged into what is stored, so a value this record does not carry survives. */
  values?: ProfileValues;
}

/** Why a record was left unlinked instead of guessed. */
export type Ambiguity =
  /** Its email address (or, without a match by email, its mobile number) belongs to several people. */
  | { reason: 'MANY_PEOPLE'; key: 'email' | 'phone'; userIds: string[] }
  /** The one person it matches already has another record at this vendor. */
  | { reason: 'SHARED_PERSON'; userId: string; externalIds: string[] };

export interface LinkOutcome {
  /** The gateway user of every linked record (linked now or before), by external id. */
  userIds: Map<string, string>;
  /** Records left unlinked, by external id, and why. */
  ambiguous: Map<string, Ambiguity>;
  /** Records with neither an email address nor a mobile number to link them by. */
  keyless: string[];
  usersCreated: number;
  linksCreated: number;
  /** Existing links whose email, username or status the record changed. */
  linksUpdated: number;
  /** Users whose remembered values at this vendor changed. */
  profilesChanged: number;
}

/**
 * What linking reads and writes. The identity store is one ({@link identityTarget}); a dry run
 * passes one that reads the store and keeps its writes to itself.
 */
export interface LinkTarget {
  identitiesOf(source: Source, externalIds: readonly string[]): Promise<Map<string, Identity & { userId: string }>>;
  usersMatchingEmails(emails: readonly string[]): Promise<Map<string, string[]>>;
  usersMatchingPhones(phones: readonly string[]): Promise<Map<string, string[]>>;
  externalIdsAt(source: Source, userIds: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * A new user with this (lower-cased) email address or phone: its id, and whether it is new. Not
   * new when another process sharing the database created the person with this email since the
   * linker looked: the record then joins that person.
   */
  createUser(email: string | null, phone: string | null, at: Date): Promise<{ userId: string; created: boolean }>;
  link(userId: string, source: Source, record: LinkableRecord, at: Date): Promise<void>;
  profiles(userIds: readonly string[]): Promise<Map<string, StoredProfile[]>>;
  saveProfile(userId: string, source: Source, values: ProfileValues, at: Date): Promise<void>;
  markSynced(source: Source, externalIds: readonly string[], at: Date): Promise<void>;
}

/** The identity store as a link target: every write lands. */
export function identityTarget(store: IdentityStore): LinkTarget {
  return {
    identitiesOf: (source, ids) => store.identitiesByExternalIds(source, ids),
    usersMatchingEmails: (emails) => store.usersMatchingEmails(emails),
    usersMatchingPhones: (phones) => store.usersMatchingPhones(phones),
    externalIdsAt: (source, userIds) => store.externalIdsAt(source, userIds),
    createUser: async (email, phone, at) => {
      if (email === null) return { userId: (await store.createUser({ phone }, at)).id, created: true };
      const { user, created } = await store.findOrCreateByEmail(email, { phone }, at);
      return { userId: user.id, created };
    },
    link: async (userId, source, record, at) =>
      void (await store.link(
        userId,
        {
          source,
          externalId: record.externalId,
          status: 'ACTIVE',
          email: record.email,
          username: record.username ?? null,
        },
        at,
      )),
    profiles: (userIds) => store.profilesByUserIds(userIds),
    saveProfile: async (userId, source, values, at) => void (await store.saveProfile(userId, source, values, at)),
    markSynced: async (source, ids, at) => void (await store.markSynced(source, ids, at)),
  };
}

/**
 * Links vendor records to gateway users: a record already linked keeps its user; otherwise by its
 * email address, ignoring case, then by its mobile number (digits only); a record that matches
 * nobody gets a new user. A record is left unlinked, and reported, when its key belongs to several
 * people or when the one person it matches already has another record at this vendor: guessing
 * would merge two people. Run it inside a transaction (`store.transaction`) so a user and its links
 * appear together. Costs a few queries per call however many records it is given, plus one write
 * per new user, link and changed profile.
 */
export async function linkRecords(
  store: IdentityStore,
  source: Source,
  records: readonly LinkableRecord[],
  seenAt: Date = new Date(),
): Promise<LinkOutcome> {
  return linkInto(identityTarget(store), source, records, seenAt);
}

/** {@link linkRecords} against any target: the store, or a dry run's. */
export async function linkInto(
  target: LinkTarget,
  source: Source,
  records: readonly LinkableRecord[],
  seenAt: Date,
): Promise<LinkOutcome> {
  const outcome: LinkOutcome = {
    userIds: new Map(),
    ambiguous: new Map(),
    keyless: [],
    usersCreated: 0,
    linksCreated: 0,
    linksUpdated: 0,
    profilesChanged: 0,
  };
  const existing = await target.identitiesOf(
    source,
    records.map((record) => record.externalId),
  );
  const unlinked = records.filter((record) => !existing.has(record.externalId));
  const emails = unique(unlinked.map((record) => normalizeEmail(record.email)));
  const byEmail = emails.length === 0 ? new Map<string, string[]>() : await target.usersMatchingEmails(emails);
  const phones = unique(
    unlinked
      .filter((record) => !byEmail.has(normalizeEmail(record.email) ?? ''))
      .map((record) => phoneDigits(record.phone)),
  );
  const byPhone = phones.length === 0 ? new Map<string, string[]>() : await target.usersMatchingPhones(phones);
  const single = [...byEmail.values(), ...byPhone.values()]
    .filter((users) => users.length === 1)
    .map((users) => users[0]);
  const held = single.length === 0 ? new Map<string, string[]>() : await target.externalIdsAt(source, unique(single));

  for (const record of records) {
    const linked = existing.get(record.externalId);
    if (linked) {
      outcome.userIds.set(record.externalId, linked.userId);
      if (linkChanged(linked, record)) {
        await target.link(linked.userId, source, record, seenAt);
        outcome.linksUpdated++;
      }
      continue;
    }
    const email = normalizeEmail(record.email);
    const phone = phoneDigits(record.phone);
    let key: 'email' | 'phone' = 'email';
    let matches = email === null ? [] : (byEmail.get(email) ?? []);
    if (matches.length === 0 && phone !== null) {
      key = 'phone';
      matches = byPhone.get(phone) ?? [];
    }
    let userId: string;
    if (matches.length > 1) {
      outcome.ambiguous.set(record.externalId, { reason: 'MANY_PEOPLE', key, userIds: [...matches] });
      continue;
    } else if (matches.length === 1) {
      userId = matches[0]!;
      const others = (held.get(userId) ?? []).filter((id) => id !== record.externalId);
      if (others.length > 0) {
        outcome.ambiguous.set(record.externalId, { reason: 'SHARED_PERSON', userId, externalIds: others });
        continue;
      }
    } else if (email === null && phone === null) {
      outcome.keyless.push(record.externalId);
      continue;
    } else {
      const created = await target.createUser(email, record.phone ?? null, seenAt);
      userId = created.userId;
      if (created.created) outcome.usersCreated++;
      // Later records of this batch see the new person, as they would see one created earlier.
      if (email !== null) byEmail.set(email, [userId]);
      if (phone !== null && !byPhone.has(phone)) byPhone.set(phone, [userId]);
    }
    await target.link(userId, source, record, seenAt);
    outcome.linksCreated++;
    held.set(userId, [...(held.get(userId) ?? []), record.externalId]);
    outcome.userIds.set(record.externalId, userId);
  }

  const remembering = records.filter(
    (record) =>
      outcome.userIds.has(record.externalId) && record.values !== undefined && Object.keys(record.values).length > 0,
  );
  if (remembering.length > 0) {
    const stored = await target.profiles(unique(remembering.map((record) => outcome.userIds.get(record.externalId)!)));
    for (const record of remembering) {
      const userId = outcome.userIds.get(record.externalId)!;
      const before = stored.get(userId)?.find((profile) => profile.source === source)?.values;
      const merged = { ...before, ...record.values };
      if (before !== undefined && sameValues(before, merged)) continue;
      await target.saveProfile(userId, source, merged, seenAt);
      outcome.profilesChanged++;
    }
  }
  if (outcome.userIds.size > 0) await target.markSynced(source, [...outcome.userIds.keys()], seenAt);
  return outcome;
}

/** Whether a linked record now holds another email or username than its link says, or its link was orphaned. */
function linkChanged(linked: Identity, record: LinkableRecord): boolean {
  if (linked.status !== 'ACTIVE') return true;
  const email = normalizeEmail(record.email);
  const username = record.username?.trim().toLowerCase() || null;
  return (email !== null && email !== linked.email) || (username !== null && username !== linked.username);
}

function sameValues(a: ProfileValues, b: ProfileValues): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))];
}
