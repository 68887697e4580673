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

/**
 * Fields every person has a value for: a vendor that fails is passed over (to the next vendor, then
 * what was last seen there) instead of failing the field.
 */
const ALWAYS_ANSWERED: ReadonlySet<ViewField> = new Set<ViewField>(['active']);

/** A field of a person as this request has settled it: its value, or the error that is the field's own. */
export type SettledField = { value: unknown } | { error: unknown };

/** One (person, field) being settled: the providers of the field are tried in order until one gives a value. */
interface FieldWalk {
  user: StoredUser;
  identities: Identity[];
  field: ViewField;
  /** The index in the field's providers of the next one to try. */
  next: number;
  adapter?: VendorAdapter;
  externalId?: string;
  /** The record's key (vendor and external id) among the round's reads, set with `adapter`. */
  recordKey?: string;
  /** The person's key at the vendor (vendor and user id): their remembered values, and the view of their record. */
  personKey?: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What `ask` gives for each distinct key of `items`, each asked once, awaited together. */
async function allOutcomes<I, T>(
  items: readonly I[],
  keyOf: (item: I) => string,
  ask: (item: I) => Promise<T>,
): Promise<Map<string, Outcome<T>>> {
  const asked = new Map<string, Promise<Outcome<T>>>();
  for (const item of items) {
    const key = keyOf(item);
    if (asked.has(key)) continue;
    asked.set(
      key,
      ask(item).then(
        (value): Outcome<T> => ({ ok: true, value }),
        (error: unknown): Outcome<T> => ({ ok: false, error }),
      ),
    );
  }
  const outcomes = await Promise.all(asked.values());
  return new Map([...asked.keys()].map((key, index) => [key, outcomes[index]]));
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
  /** Fields settled so far, by user id then field: read without a promise (settledField). */
  private readonly settled = new Map<string, Map<ViewField, SettledField>>();

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
  async field<F extends ViewField>(user: StoredUser, field: F): Promise<NonNullable<UserView[F]> | null> {
    let settled = this.settledField(user, field);
    if (settled === undefined) {
      await this.settle([user], [field]);
      settled = this.settledField(user, field)!;
    }
    if ('error' in settled) throw settled.error;
    return settled.value as NonNullable<UserView[F]> | null;
  }

  /**
   * field()'s answer, at once (a value, or a thrown error) when settle() has settled it, as a page
   * does for the fields it selects; else a promise of it.
   */
  fieldNowOrLater<F extends ViewField>(
    user: StoredUser,
    field: F,
  ): NonNullable<UserView[F]> | null | Promise<NonNullable<UserView[F]> | null> {
    const settled = this.settledField(user, field);
    if (settled === undefined) return this.field(user, field);
    if ('error' in settled) throw settled.error;
    return settled.value as NonNullable<UserView[F]> | null;
  }

  /** A field settle() has settled for this person, or undefined. */
  settledField(user: StoredUser, field: ViewField): SettledField | undefined {
    return this.settled.get(user.id)?.get(field);
  }

  /**
   * Settles `fields` of every one of `users` as field() would, with the same vendor calls, but in a
   * few rounds for them all (each round asks the loaders for every record and remembered value it
   * waits on at once) instead of a chain of promises per person and field: a page of 100 people
   * with a dozen fields then answers each from settledField, without a promise.
   */
  async settle(users: readonly StoredUser[], fields: readonly ViewField[]): Promise<void> {
    const open = users.filter((user) => fields.some((field) => this.settledField(user, field) === undefined));
    if (open.length === 0) return;
    const identities = await Promise.all(open.map((user) => this.identitiesOf(user.id)));
    let walks: FieldWalk[] = [];
    open.forEach((user, index) => {
      for (const field of fields) {
        if (this.settledField(user, field) !== undefined) continue;
        if (field === 'phone' && user.phone !== null) this.keep(user, field, { value: user.phone });
        else walks.push({ user, identities: identities[index], field, next: 0 });
      }
    });
    while (walks.length > 0) walks = await this.settleRound(walks);
  }

  /** Moves each walk on to its next provider holding a live record, reads those records, and settles what they answer; the walks still open. */
  private async settleRound(walks: FieldWalk[]): Promise<FieldWalk[]> {
    const reading = walks.filter((walk) => this.advance(walk));
    const records = await allOutcomes(
      reading,
      (walk) => walk.recordKey!,
      (walk) => this.recordAt(walk.adapter!.source, walk.externalId!),
    );
    // What each walk reads its field from: the record, null for one that could not be read but may
    // be passed over (or is not there), undefined when the vendor's failure is the field's.
    const found = reading.map((walk): VendorRecord | null | undefined => {
      const outcome = records.get(walk.recordKey!)!;
      if (outcome.ok) return outcome.value;
      return ALWAYS_ANSWERED.has(walk.field) && isVendorError(outcome.error) ? null : undefined;
    });
    // Remembered values cost a query: only for a record that could not be read, or a field the
    // vendor's record cannot answer on its own.
    const remembering = reading.filter((walk, index) => {
      const record = found[index];
      return record === null || (record !== undefined && walk.adapter!.remembers.includes(walk.field));
    });
    const remembered = await allOutcomes(
      remembering,
      (walk) => walk.personKey!,
      (walk) => this.remembered(walk.user.id, walk.adapter!.source),
    );
    // A person's record at a vendor gives every field the same view: made once, not once per field.
    const views = new Map<string, UserView>();
    const next: FieldWalk[] = [];
    reading.forEach((walk, index) => {
      const record = found[index];
      if (record === undefined) {
        this.keep(walk.user, walk.field, { error: (records.get(walk.recordKey!) as { error: unknown }).error });
        return;
      }
      const memory = remembered.get(walk.personKey!);
      if (memory !== undefined && !memory.ok) {
        this.keep(walk.user, walk.field, { error: memory.error });
        return;
      }
      let view = views.get(walk.personKey!);
      if (view === undefined) {
        view = walk.adapter!.view(record, memory?.value ?? null);
        views.set(walk.personKey!, view);
      }
      const value = view[walk.field];
      if (value !== undefined && value !== null) this.keep(walk.user, walk.field, { value });
      else next.push(walk);
    });
    return next;
  }

  /** Moves a walk to the next provider of its field where the person has a live record; settles it as null when none is left. */
  private advance(walk: FieldWalk): boolean {
    const providers = this.adapters.providersOf(walk.field);
    while (walk.next < providers.length) {
      const adapter = providers[walk.next++];
      // An ORPHANED link's record is gone at the vendor: nothing to read there.
      const identity = walk.identities.find(
        (candidate) => candidate.source === adapter.source && candidate.status !== 'ORPHANED',
      );
      if (identity === undefined) continue;
      walk.adapter = adapter;
      walk.externalId = identity.externalId;
      walk.recordKey = `${adapter.source}\u0000${identity.externalId}`;
      walk.personKey = `${adapter.source}\u0000${walk.user.id}`;
      return true;
    }
    this.keep(walk.user, walk.field, { value: null });
    return false;
  }

  private keep(user: StoredUser, field: ViewField, settled: SettledField): void {
    let fields = this.settled.get(user.id);
    if (fields === undefined) this.settled.set(user.id, (fields = new Map<ViewField, SettledField>()));
    fields.set(field, settled);
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
