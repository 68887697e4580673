import type { EngagementMember, GreenArrowUser, ManagedUser, Source } from '../domain/types';
import type { Loaders } from '../loaders';
import type { ProfileValues } from '../store';

/**
 * A request's view of the vendor records behind gateway users: which record a user has at each
 * vendor (from the identity links) and that record's live values (through the loaders). A user
 * without a record at a vendor gets null; a vendor that fails rejects with its VendorError.
 */
export class UserRecords {
  constructor(private readonly loaders: Loaders) {}

  /** The user's record id at a vendor, or null when the user has none there. */
  async externalId(userId: string, source: Source): Promise<string | null> {
    const identities = await this.loaders.store.identities.load(userId);
    return identities.find((identity) => identity.source === source)?.externalId ?? null;
  }

  async greenArrow(userId: string): Promise<GreenArrowUser | null> {
    const id = await this.externalId(userId, 'GREENARROW');
    return id === null ? null : this.loaders.greenArrowUser.load(id);
  }

  async engagement(userId: string): Promise<EngagementMember | null> {
    const id = await this.externalId(userId, 'ENGAGEMENT');
    return id === null ? null : this.loaders.engagementMember.load(id);
  }

  async managed(userId: string): Promise<ManagedUser | null> {
    const id = await this.externalId(userId, 'USER_MANAGEMENT');
    return id === null ? null : this.loaders.userManagement.user.load(id);
  }

  /** The last non-secret values the gateway saw for the user at a vendor. */
  async lastSeen(userId: string, source: Source): Promise<ProfileValues | null> {
    const profiles = await this.loaders.store.profiles.load(userId);
    return profiles.find((profile) => profile.source === source)?.values ?? null;
  }
}
