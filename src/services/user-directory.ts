import type { Source } from '../domain/types';
import type { Loaders } from '../loaders';
import type { RememberedValues, UserView, VendorAdapter, VendorRecord, ViewField } from '../vendors/kit/adapter';
import { isVendorError } from '../vendors/transport/errors';
import type { Adapters } from '../vendors/registry';
import { normalizeEmail, type Identity, type Store, type StoredUser, type UserFilter } from '../store';
import { linkRecords } from '../sync/identity-linker';
import { seenRecord } from '../sync/seen-records';

/** A person as the gateway itself keeps them: the root of every User the graph answers. */
export type { StoredUser as GatewayUser };

export interface UserPageRequest {
  first: number;
  /** The id of the last user of the previous page. */
  after?: string;
  filter: UserFilter;
}

export interface UserPageResult {
  users: StoredUser[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface FieldOptions {
  /**
   * For a field that must have a value: a vendor that fails is passed over (its remembered values
   * still count) instead of failing the field.
   */
  tolerateFailures?: boolean;
}

/**
 * A request's view of the people the gateway knows: who they are (the gateway's database) and
 * each field from the vendors that answer it, in the adapters' order of preference. A vendor that
 * fails rejects with its VendorError, which becomes an error on that field alone.
 */
export class UserDirectory {
  // Every field of every user asks for the same few things: each is asked of its loader once per
  // request and kept here, as the loaders' own caches would (a cache hit there costs a promise and
  // a turn of the batch per call, and a page of 100 users makes about 3,000 of them).
  private readonly identityAsks = new Map<string, Promise<Identity[]>>();
  private readonly recordAsks = new Map<string, Promise<VendorRecord | null>>();
  private readonly rememberedAsks = new Map<string, Promise<RememberedValues | null>>();

  constructor(
    private readonly loaders: Loaders,
    private readonly adapters: Adapters,
    private readonly store: Store,
  ) {}

  byId(id: string): Promise<StoredUser | null> {
    return this.loaders.store.user.load(id);
  }

  /**
   * A user by email, ignoring case: their own address or one a vendor record of theirs holds. An
   * address the gateway does not know is asked of the vendors that can look a person up by email
   * (read-through discovery): what they hold is linked at once, so a person created at a vendor
   * outside the gateway is found before the next sync. Such a vendor failing rejects with its
   * VendorError: whether the person exists is then not known.
   */
  async byEmail(email: string): Promise<StoredUser | null> {
    const normalized = normalizeEmail(email);
    if (normalized === null) return null;
    const userId = await this.loaders.store.userIdByEmail.load(normalized);
    if (userId !== null) return this.byId(userId);
    const discovered = await this.discover(normalized);
    // A later look-up of this address in the request finds the person just linked, as the database now does.
    if (discovered !== null) this.loaders.store.userIdByEmail.clear(normalized).prime(normalized, discovered.id);
    return discovered;
  }

  /**
   * A user the gateway already knows by email, ignoring case (their own address or one a vendor
   * record of theirs holds), or null: no vendor is asked, so a batch of addresses costs one
   * database query and no vendor call whatever it holds.
   */
  async byKnownEmail(email: string): Promise<StoredUser | null> {
    const normalized = normalizeEmail(email);
    if (normalized === null) return null;
    const userId = await this.loaders.store.userIdByEmail.load(normalized);
    return userId === null ? null : this.byId(userId);
  }

  async page(request: UserPageRequest): Promise<UserPageResult> {
    const [page, totalCount] = await Promise.all([
      this.store.identities.listUsers({ ...request.filter, first: request.first, after: request.after }),
      this.store.identities.countUsers(request.filter),
    ]);
    return { users: page.users, hasNextPage: page.hasNextPage, totalCount };
  }

  identitiesOf(userId: string): Promise<Identity[]> {
    let asked = this.identityAsks.get(userId);
    if (asked === undefined) {
      asked = this.loaders.store.identities.load(userId);
      this.identityAsks.set(userId, asked);
    }
    return asked;
  }

  /**
   * One field of a person: the gateway's own value where it keeps one (phone), else the first
   * vendor, in order of preference, whose record gives a value. What a vendor cannot read back is
   * answered from what the gateway last saw there.
   */
  async field<F extends ViewField>(
    user: StoredUser,
    field: F,
    options: FieldOptions = {},
  ): Promise<NonNullable<UserView[F]> | null> {
    if (field === 'phone' && user.phone !== null) return user.phone as NonNullable<UserView[F]>;
    const identities = await this.identitiesOf(user.id);
    for (const adapter of this.adapters.providersOf(field)) {
      // An ORPHANED link's record is gone at the vendor: nothing to read there.
      const identity = identities.find(
        (candidate) => candidate.source === adapter.source && candidate.status !== 'ORPHANED',
      );
      if (!identity) continue;
      const value = await this.valueAt(adapter, user.id, identity.externalId, field, options);
      if (value !== undefined && value !== null) return value as NonNullable<UserView[F]>;
    }
    return null;
  }

  private async valueAt(
    adapter: VendorAdapter,
    userId: string,
    externalId: string,
    field: ViewField,
    options: FieldOptions,
  ): Promise<unknown> {
    let record: VendorRecord | null = null;
    try {
      record = await this.recordAt(adapter.source, externalId);
    } catch (error) {
      if (!(options.tolerateFailures && isVendorError(error))) throw error;
    }
    // Remembered values cost a query: only for a record that could not be read, or a field the
    // vendor's record cannot answer on its own.
    const needsRemembered = record === null || adapter.remembers.includes(field);
    return adapter.view(record, needsRemembered ? await this.remembered(userId, adapter.source) : null)[field];
  }

  /** Asks each vendor that finds people by email; links and keeps what they hold; the first user linked, or null. */
  private async discover(email: string): Promise<StoredUser | null> {
    let found: string | null = null;
    for (const adapter of this.adapters.with('findByEmail')) {
      const record = (await adapter.findByEmail?.(email)) ?? null;
      if (record === null) continue;
      const at = new Date();
      const userId = await this.store.transaction(async ({ identities, records }) => {
        const { userIds, ambiguous } = await linkRecords(
          identities,
          adapter.source,
          [{ ...record, values: record.remember }],
          at,
        );
        await records.save([seenRecord(record, '', at, ambiguous.get(record.externalId) ?? null)]);
        return userIds.get(record.externalId) ?? null;
      });
      // The record just read answers this request's fields: no second call for it.
      this.loaders.records(adapter.source)?.prime(record.externalId, record);
      found ??= userId;
    }
    return found === null ? null : this.byId(found);
  }

  private recordAt(source: Source, externalId: string): Promise<VendorRecord | null> {
    const key = `${source}\u0000${externalId}`;
    let asked = this.recordAsks.get(key);
    if (asked === undefined) {
      const loader = this.loaders.records(source);
      asked = loader === null ? Promise.resolve(null) : loader.load(externalId);
      this.recordAsks.set(key, asked);
    }
    return asked;
  }

  private remembered(userId: string, source: Source): Promise<RememberedValues | null> {
    const key = `${source}\u0000${userId}`;
    let asked = this.rememberedAsks.get(key);
    if (asked === undefined) {
      asked = this.loaders.store.profiles
        .load(userId)
        .then((profiles) => profiles.find((profile) => profile.source === source)?.values ?? null);
      this.rememberedAsks.set(key, asked);
    }
    return asked;
  }
}
