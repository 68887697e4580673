import type { Source } from '../domain/types';
import type { Identity, IdentityStore, ProfileValues, StoredProfile } from '../store';
import type { LinkableRecord, LinkTarget } from './identity-linker';

/**
 * The link target of a dry run: it reads the identity store and keeps what it would write to
 * itself, so a later record (of this vendor or another) sees the people an earlier one would have
 * created, and the store is never written. It holds the would-be new people and links only, so
 * it grows with what a real run would change, not with the vendors' size.
 */
export class PlannedLinks implements LinkTarget {
  private created = 0;
  private readonly byEmail = new Map<string, string>();
  private readonly byPhone = new Map<string, string>();
  /** `source` NUL `userId` → the records it would link there. */
  private readonly links = new Map<string, string[]>();

  constructor(private readonly store: IdentityStore) {}

  identitiesOf(source: Source, externalIds: readonly string[]): Promise<Map<string, Identity & { userId: string }>> {
    return this.store.identitiesByExternalIds(source, externalIds);
  }

  async usersMatchingEmails(emails: readonly string[]): Promise<Map<string, string[]>> {
    return this.withPlanned(await this.store.usersMatchingEmails(emails), emails, this.byEmail);
  }

  async usersMatchingPhones(phones: readonly string[]): Promise<Map<string, string[]>> {
    return this.withPlanned(await this.store.usersMatchingPhones(phones), phones, this.byPhone);
  }

  async externalIdsAt(source: Source, userIds: readonly string[]): Promise<Map<string, string[]>> {
    const stored = await this.store.externalIdsAt(
      source,
      userIds.filter((id) => !isPlanned(id)),
    );
    for (const userId of userIds) {
      const planned = this.links.get(`${source}\u0000${userId}`);
      if (planned) stored.set(userId, [...(stored.get(userId) ?? []), ...planned]);
    }
    return stored;
  }

  async createUser(email: string | null, phone: string | null): Promise<{ userId: string; created: boolean }> {
    // As the store finds the person another walk created since this one looked, so does the plan.
    const planned = email === null ? undefined : this.byEmail.get(email);
    if (planned !== undefined) return { userId: planned, created: false };
    const id = `planned:${++this.created}`;
    if (email !== null) this.byEmail.set(email, id);
    const digits = phone?.replace(/\D/g, '');
    if (digits) this.byPhone.set(digits, id);
    return { userId: id, created: true };
  }

  async link(userId: string, source: Source, record: LinkableRecord): Promise<void> {
    const key = `${source}\u0000${userId}`;
    this.links.set(key, [...(this.links.get(key) ?? []), record.externalId]);
  }

  profiles(userIds: readonly string[]): Promise<Map<string, StoredProfile[]>> {
    return this.store.profilesByUserIds(userIds.filter((id) => !isPlanned(id)));
  }

  async saveProfile(_userId: string, _source: Source, _values: ProfileValues): Promise<void> {}

  async markSynced(): Promise<void> {}

  private withPlanned(
    stored: Map<string, string[]>,
    keys: readonly string[],
    planned: Map<string, string>,
  ): Map<string, string[]> {
    for (const key of keys) {
      const id = planned.get(key);
      if (id !== undefined) stored.set(key, [...(stored.get(key) ?? []), id]);
    }
    return stored;
  }
}

function isPlanned(userId: string): boolean {
  return userId.startsWith('planned:');
}
