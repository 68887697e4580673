import { SOURCES, type Source } from '../domain/types';
import { MAX_VALUES_PER_LIST, chunksForList, placeholders, type Database, type SqlValue } from './database';
import { ConstraintViolationError, EmailTakenError, IdentityLinkedElsewhereError, UserNotFoundError } from './errors';
import { timeOrderedIds } from './ids';
import { refuseSecretKeys } from './secrets';
import { assertOneOf, assertSource, assertString, assertText, iso } from './values';

/** How a vendor record stands with the gateway. Values are the GraphQL enum IdentityStatus's values. */
export const IDENTITY_STATUSES = ['ACTIVE', 'PENDING', 'FAILED', 'ORPHANED'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

/** One person as the gateway knows them; everything else lives at the vendors. */
export interface StoredUser {
  /** Opaque, URL-safe, sorts in creation order. */
  id: string;
  /** Lower-cased; unique across users. */
  email: string | null;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One vendor record of a user. */
export interface Identity {
  source: Source;
  externalId: string;
  status: IdentityStatus;
  linkedAt: Date;
  /** When the gateway last saw the vendor record, null when never since linking. */
  syncedAt: Date | null;
  /** The email address the vendor record holds (lower-cased), when known. */
  email: string | null;
  /** The vendor's user name of the record (lower-cased), where it has one. */
  username: string | null;
}

export interface IdentityLink {
  source: Source;
  externalId: string;
  status: IdentityStatus;
  /** The email address the record holds; undefined or null keeps what is stored. */
  email?: string | null;
  /** The record's user name at the vendor; undefined or null keeps what is stored. */
  username?: string | null;
}

/** A profile value as last seen; never a secret. */
export type ProfileValue = string | number | boolean | null;
export type ProfileValues = Record<string, ProfileValue>;

/** The last non-secret values the gateway saw for a user at one vendor. */
export interface StoredProfile {
  source: Source;
  values: ProfileValues;
  seenAt: Date;
}

export interface UserFilter {
  /** Matches users whose email contains this text, ignoring case. */
  emailContains?: string;
  /** Matches users linked to at least one record of this vendor. */
  source?: Source;
}

export interface ListUsersArgs extends UserFilter {
  first: number;
  /** The id of the last user of the previous page. */
  after?: string;
}

export interface UserPage {
  users: StoredUser[];
  hasNextPage: boolean;
}

export interface IdentityStoreOptions {
  clock?: () => Date;
}

/**
 * Rows as `queryRows` answers them, arrays of values in the order of the columns selected
 * (USER_COLUMNS, IDENTITY_COLUMNS, PROFILE_COLUMNS): the batch reads answer hundreds of rows, and an
 * object per row was most of their cost.
 */
type UserRow = [id: string, email: string | null, phone: string | null, createdAt: string, updatedAt: string];
type IdentityRow = [
  userId: string,
  source: string,
  externalId: string,
  status: string,
  linkedAt: string,
  syncedAt: string | null,
  email: string | null,
  username: string | null,
];
type ProfileRow = [userId: string, source: string, data: string, seenAt: string];

/** Looks at a record's owner and moves it at most this often when other callers keep moving it. */
const CLAIM_ATTEMPTS = 5;

const USER_COLUMNS = 'id, email, phone, created_at, updated_at';
const IDENTITY_COLUMNS = 'user_id, source, external_id, status, linked_at, synced_at, email, username';
const PROFILE_COLUMNS = 'user_id, source, data, seen_at';

/** State shared by a store and the copies of it bound to a transaction. */
interface Shared {
  clock: () => Date;
  nextUserId: (timeMs: number) => string;
}

/**
 * The gateway's map from each User to its vendor records, plus the last-seen profile values of
 * vendors that cannot be read back. Every look-up takes a batch of keys and costs one query (up to
 * MAX_VALUES_PER_LIST keys), so a DataLoader batch is one database round trip.
 */
export class IdentityStore {
  private readonly db: Database;
  private shared: Shared;

  constructor(db: Database, options: IdentityStoreOptions = {}) {
    this.db = db;
    this.shared = { clock: options.clock ?? (() => new Date()), nextUserId: timeOrderedIds('usr_') };
  }

  /** This store over another handle (a transaction's), keeping the clock and the id sequence. */
  on(db: Database): IdentityStore {
    const store = new IdentityStore(db);
    store.shared = this.shared;
    return store;
  }

  /** Creates a user; EMAIL_TAKEN when another user has the email. */
  async createUser(
    input: { email?: string | null; phone?: string | null },
    at: Date = this.shared.clock(),
  ): Promise<StoredUser> {
    const email = normalizeEmail(input.email);
    const phone = normalizePhone(input.phone);
    if (email === null && phone === null) throw new TypeError('createUser() needs an email or a phone');
    const row = await this.insertUser(email, phone, at);
    if (row) return toUser(row);
    throw new EmailTakenError(await this.userIdByEmail(email!));
  }

  /**
   * The user with this email, created when there is none: importers call it for each vendor record
   * so that records of one person end up under one user.
   */
  async findOrCreateByEmail(
    email: string,
    extra: { phone?: string | null } = {},
    at: Date = this.shared.clock(),
  ): Promise<{ user: StoredUser; created: boolean }> {
    const normalized = normalizeEmail(email);
    if (normalized === null) throw new TypeError('findOrCreateByEmail() needs a non-empty email');
    const inserted = await this.insertUser(normalized, normalizePhone(extra.phone), at);
    if (inserted) return { user: toUser(inserted), created: true };
    const rows = await this.db.queryRows<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [normalized]);
    // Only a concurrent delete between the two statements gets here; creating again is then right.
    if (rows.length === 0) return this.findOrCreateByEmail(email, extra, at);
    return { user: toUser(rows[0]), created: false };
  }

  /** Changes the given fields (`undefined` leaves one as it is, `null` clears it). */
  async updateUser(
    id: string,
    changes: { email?: string | null; phone?: string | null },
    at: Date = this.shared.clock(),
  ): Promise<StoredUser> {
    assertString(id, 'updateUser() id');
    if (changes.email === null && changes.phone === null)
      throw new TypeError('updateUser() would leave the user without email and phone');
    const assignments: string[] = [];
    const params: SqlValue[] = [id, iso(at, 'updateUser() at')];
    if (changes.email !== undefined) {
      params.push(normalizeEmail(changes.email));
      assignments.push(`email = $${params.length}`);
    }
    if (changes.phone !== undefined) {
      params.push(normalizePhone(changes.phone));
      assignments.push(`phone = $${params.length}`);
    }
    let rows: UserRow[];
    try {
      // A transaction of its own (a savepoint inside the caller's): on PostgreSQL a failed statement
      // would otherwise fail the caller's whole transaction, and the look-up below with it.
      rows = await this.db.transaction((tx) =>
        tx.queryRows<UserRow>(
          `UPDATE users SET ${[...assignments, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING ${USER_COLUMNS}`,
          params,
        ),
      );
    } catch (error) {
      if (error instanceof ConstraintViolationError && error.kind === 'UNIQUE') {
        throw new EmailTakenError(await this.userIdByEmail(normalizeEmail(changes.email)!));
      }
      throw error;
    }
    if (rows.length === 0) throw new UserNotFoundError(id);
    return toUser(rows[0]);
  }

  /** Deletes a user with its identity links and profiles; false when there was none. */
  async deleteUser(id: string): Promise<boolean> {
    assertString(id, 'deleteUser() id');
    const { changes } = await this.db.run('DELETE FROM users WHERE id = $1', [id]);
    return changes > 0;
  }

  /**
   * Links a vendor record to a user, or refreshes the link's status and `syncedAt` when it exists.
   * USER_NOT_FOUND for an unknown user; IDENTITY_LINKED_ELSEWHERE when the record belongs to another.
   */
  async link(userId: string, identity: IdentityLink, at: Date = this.shared.clock()): Promise<Identity> {
    assertString(userId, 'link() userId');
    assertSource(identity.source);
    assertText(identity.externalId, 'link() externalId');
    assertStatus(identity.status);
    let rows: IdentityRow[];
    try {
      rows = await this.db.queryRows<IdentityRow>(
        `INSERT INTO identities (source, external_id, user_id, status, linked_at, synced_at, email, username)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
         ON CONFLICT (source, external_id) DO UPDATE SET status = excluded.status, synced_at = excluded.synced_at,
           email = COALESCE(excluded.email, identities.email), username = COALESCE(excluded.username, identities.username)
         WHERE identities.user_id = excluded.user_id
         RETURNING ${IDENTITY_COLUMNS}`,
        [
          identity.source,
          identity.externalId,
          userId,
          identity.status,
          iso(at, 'link() at'),
          normalizeEmail(identity.email),
          normalizeUsername(identity.username),
        ],
      );
    } catch (error) {
      if (error instanceof ConstraintViolationError && error.kind === 'FOREIGN_KEY')
        throw new UserNotFoundError(userId);
      throw error;
    }
    if (rows.length > 0) return toIdentity(rows[0]);
    const owners = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM identities WHERE source = $1 AND external_id = $2',
      [identity.source, identity.externalId],
    );
    throw new IdentityLinkedElsewhereError(identity.source, identity.externalId, owners[0]?.user_id ?? 'unknown');
  }

  /** Removes the link to a vendor record; false when there was none. */
  /**
   * Links a vendor record to this user even when another user holds it, and returns who held it.
   * For a record the vendor has just created for this user: a link of the same record to someone
   * else can only be stale (the vendor lost the old record or reused its id), so it moves.
   * The move happens only if the record is still where the look-up found it, so `previousUserId`
   * is who really held it even when another caller moves it at the same moment.
   */
  async claim(
    userId: string,
    identity: IdentityLink,
    at: Date = this.shared.clock(),
  ): Promise<{ identity: Identity; previousUserId: string | null }> {
    assertString(userId, 'claim() userId');
    assertSource(identity.source);
    assertText(identity.externalId, 'claim() externalId');
    assertStatus(identity.status);
    // Each new attempt means another caller moved the record in between; a few settle any race.
    for (let attempt = 1; ; attempt++) {
      const owners = await this.db.query<{ user_id: string }>(
        'SELECT user_id FROM identities WHERE source = $1 AND external_id = $2',
        [identity.source, identity.externalId],
      );
      const previousUserId = owners[0]?.user_id ?? null;
      if (previousUserId !== null && previousUserId !== userId) {
        const { changes } = await this.db.run(
          'UPDATE identities SET user_id = $1, linked_at = $2 WHERE source = $3 AND external_id = $4 AND user_id = $5',
          [userId, iso(at, 'claim() at'), identity.source, identity.externalId, previousUserId],
        );
        // Someone else moved or removed it since the look-up: look again.
        if (changes === 0 && attempt < CLAIM_ATTEMPTS) continue;
      }
      try {
        return { identity: await this.link(userId, identity, at), previousUserId };
      } catch (error) {
        // Linked to someone else between the look-up and the link: look again, and move it.
        if (!(error instanceof IdentityLinkedElsewhereError) || attempt >= CLAIM_ATTEMPTS) throw error;
      }
    }
  }

  async unlink(source: Source, externalId: string): Promise<boolean> {
    assertSource(source);
    assertText(externalId, 'unlink() externalId');
    const { changes } = await this.db.run('DELETE FROM identities WHERE source = $1 AND external_id = $2', [
      source,
      externalId,
    ]);
    return changes > 0;
  }

  /** Sets a link's status; false when there is no such link. */
  async setIdentityStatus(source: Source, externalId: string, status: IdentityStatus): Promise<boolean> {
    assertSource(source);
    assertText(externalId, 'setIdentityStatus() externalId');
    assertStatus(status);
    const { changes } = await this.db.run('UPDATE identities SET status = $1 WHERE source = $2 AND external_id = $3', [
      status,
      source,
      externalId,
    ]);
    return changes > 0;
  }

  /** Records that the gateway saw these vendor records at `at`; returns how many links it touched. */
  async markSynced(source: Source, externalIds: readonly string[], at: Date): Promise<number> {
    assertSource(source);
    const keys = distinctStrings(externalIds, 'markSynced() externalIds');
    let touched = 0;
    for (const chunk of chunksForList(keys)) {
      const { changes } = await this.db.run(
        `UPDATE identities SET synced_at = $1 WHERE source = $2 AND external_id IN (${placeholders(chunk.length, 3)})`,
        [iso(at, 'markSynced() at'), source, ...chunk],
      );
      touched += changes;
    }
    return touched;
  }

  /** Each user's links in SOURCES order; every asked id is a key, with `[]` when it has none. */
  async identitiesByUserIds(userIds: readonly string[]): Promise<Map<string, Identity[]>> {
    const keys = distinctStrings(userIds, 'identitiesByUserIds() ids');
    const result = new Map<string, Identity[]>(keys.map((id) => [id, []]));
    for (const chunk of chunksForList(keys)) {
      const rows = await this.db.queryRows<IdentityRow>(
        `SELECT ${IDENTITY_COLUMNS} FROM identities WHERE user_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) result.get(row[0])!.push(toIdentity(row));
    }
    for (const identities of result.values()) identities.sort(bySourceThen((identity) => identity.externalId));
    return result;
  }

  /** The users that exist among `ids`; missing ids are not keys. */
  async usersByIds(ids: readonly string[]): Promise<Map<string, StoredUser>> {
    const keys = distinctStrings(ids, 'usersByIds() ids');
    const result = new Map<string, StoredUser>();
    for (const chunk of chunksForList(keys)) {
      const rows = await this.db.queryRows<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users WHERE id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) result.set(row[0], toUser(row));
    }
    return result;
  }

  /**
   * User ids by email, ignoring case; keyed by the emails as given, missing ones are not keys. A
   * user is found by its own email, or by an address one of its vendor records still holds (the
   * user's own wins when both match).
   */
  async userIdsByEmails(emails: readonly string[]): Promise<Map<string, string>> {
    const given = distinctStrings(emails, 'userIdsByEmails() emails');
    const normalized = [
      ...new Set(given.map((email) => normalizeEmail(email)).filter((email): email is string => email !== null)),
    ];
    const byEmail = new Map<string, string>();
    for (const chunk of chunksForList(normalized)) {
      const list = placeholders(chunk.length);
      const rows = await this.db.query<{ id: string; email: string; own: number }>(
        `SELECT id, email, 1 AS own FROM users WHERE email IN (${list})
         UNION ALL SELECT user_id AS id, email, 0 AS own FROM identities WHERE email IN (${list})`,
        chunk,
      );
      // Records' matches first, so that a user's own email overwrites them.
      for (const row of [...rows].sort((a, b) => Number(a.own) - Number(b.own))) byEmail.set(row.email, row.id);
    }
    const result = new Map<string, string>();
    for (const email of given) {
      const id = byEmail.get(normalizeEmail(email) ?? '');
      if (id !== undefined) result.set(email, id);
    }
    return result;
  }

  /** User ids by the user name their record at this vendor holds, ignoring case; keyed as given. */
  async userIdsByUsernames(source: Source, usernames: readonly string[]): Promise<Map<string, string>> {
    assertSource(source);
    const given = distinctStrings(usernames, 'userIdsByUsernames() usernames');
    const normalized = [
      ...new Set(
        given
          .map((username) => normalizeUsername(username))
          .filter((username): username is string => username !== null),
      ),
    ];
    const byUsername = new Map<string, string>();
    for (const chunk of chunksForList(normalized)) {
      const rows = await this.db.query<{ user_id: string; username: string }>(
        `SELECT user_id, username FROM identities WHERE source = $1 AND username IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      for (const row of rows) byUsername.set(row.username, row.user_id);
    }
    const result = new Map<string, string>();
    for (const username of given) {
      const id = byUsername.get(normalizeUsername(username) ?? '');
      if (id !== undefined) result.set(username, id);
    }
    return result;
  }

  /**
   * Every user an email address could mean, by the address lower-cased: the user whose own email
   * it is and the users with a live (not ORPHANED) record holding it. More than one user for an
   * address is an ambiguity the caller reports rather than resolves. Addresses no one has are not keys.
   */
  async usersMatchingEmails(emails: readonly string[]): Promise<Map<string, string[]>> {
    const normalized = [
      ...new Set(
        distinctStrings(emails, 'usersMatchingEmails() emails')
          .map((email) => normalizeEmail(email))
          .filter((email): email is string => email !== null),
      ),
    ];
    const result = new Map<string, string[]>();
    for (const chunk of chunksForList(normalized)) {
      const list = placeholders(chunk.length);
      const rows = await this.db.query<{ user_id: string; email: string }>(
        `SELECT id AS user_id, email FROM users WHERE email IN (${list})
         UNION SELECT user_id, email FROM identities WHERE email IN (${list}) AND status <> 'ORPHANED'
         ORDER BY user_id`,
        chunk,
      );
      for (const row of rows) addMatch(result, row.email, row.user_id);
    }
    return result;
  }

  /**
   * Every user a mobile number could mean, by its digits: users whose own phone it is (stored with
   * or without `+`) and users with a live record the gateway saw holding it (`vendor_records`).
   * Numbers no one has are not keys.
   */
  async usersMatchingPhones(phones: readonly string[]): Promise<Map<string, string[]>> {
    const digits = [
      ...new Set(
        distinctStrings(phones, 'usersMatchingPhones() phones')
          .map(phoneDigits)
          .filter((phone): phone is string => phone !== null),
      ),
    ];
    const result = new Map<string, string[]>();
    // Each number is bound twice for users (with and without `+`) and once for records.
    for (let start = 0; start < digits.length; start += MAX_VALUES_PER_LIST / 2) {
      const chunk = digits.slice(start, start + MAX_VALUES_PER_LIST / 2);
      const own = chunk.flatMap((phone) => [phone, `+${phone}`]);
      const rows = await this.db.query<{ user_id: string; phone: string }>(
        `SELECT id AS user_id, phone FROM users WHERE phone IN (${placeholders(own.length)})
         UNION SELECT identities.user_id, vendor_records.phone FROM vendor_records
           JOIN identities ON identities.source = vendor_records.source AND identities.external_id = vendor_records.external_id
           WHERE vendor_records.phone IN (${placeholders(chunk.length, own.length + 1)}) AND identities.status <> 'ORPHANED'
         ORDER BY user_id`,
        [...own, ...chunk],
      );
      for (const row of rows) addMatch(result, phoneDigits(row.phone)!, row.user_id);
    }
    return result;
  }

  /** Each user's live (not ORPHANED) record ids at one vendor; users without one are not keys. */
  async externalIdsAt(source: Source, userIds: readonly string[]): Promise<Map<string, string[]>> {
    assertSource(source);
    const result = new Map<string, string[]>();
    for (const chunk of chunksForList(distinctStrings(userIds, 'externalIdsAt() userIds'))) {
      const rows = await this.db.query<{ user_id: string; external_id: string }>(
        `SELECT user_id, external_id FROM identities WHERE source = $1 AND status <> 'ORPHANED' AND user_id IN (${placeholders(chunk.length, 2)}) ORDER BY external_id`,
        [source, ...chunk],
      );
      for (const row of rows) addMatch(result, row.user_id, row.external_id);
    }
    return result;
  }

  /**
   * Marks ORPHANED the links to records the vendor no longer has: these ids, or, with `syncedBefore`,
   * every live link of the vendor not seen since then (after a complete walk of its listing).
   * Returns how many links changed.
   */
  async markOrphaned(
    source: Source,
    which: { externalIds: readonly string[] } | { syncedBefore: Date },
  ): Promise<number> {
    assertSource(source);
    if ('syncedBefore' in which) {
      const { changes } = await this.db.run(
        "UPDATE identities SET status = 'ORPHANED' WHERE source = $1 AND status <> 'ORPHANED' AND (synced_at IS NULL OR synced_at < $2)",
        [source, iso(which.syncedBefore, 'markOrphaned() syncedBefore')],
      );
      return changes;
    }
    let changed = 0;
    for (const chunk of chunksForList(distinctStrings(which.externalIds, 'markOrphaned() externalIds'))) {
      const { changes } = await this.db.run(
        `UPDATE identities SET status = 'ORPHANED' WHERE source = $1 AND status <> 'ORPHANED' AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      changed += changes;
    }
    return changed;
  }

  /** The links of one vendor's records, with the user each belongs to; records linked to nobody are not keys. */
  async identitiesByExternalIds(
    source: Source,
    externalIds: readonly string[],
  ): Promise<Map<string, Identity & { userId: string }>> {
    assertSource(source);
    const result = new Map<string, Identity & { userId: string }>();
    for (const chunk of chunksForList(distinctStrings(externalIds, 'identitiesByExternalIds() externalIds'))) {
      const rows = await this.db.queryRows<IdentityRow>(
        `SELECT ${IDENTITY_COLUMNS} FROM identities WHERE source = $1 AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      for (const row of rows) result.set(row[2], { ...toIdentity(row), userId: row[0] });
    }
    return result;
  }

  /** How many live (not ORPHANED) links one vendor's records have. */
  async countLiveLinks(source: Source): Promise<number> {
    assertSource(source);
    const rows = await this.db.query<{ count: number | string }>(
      "SELECT COUNT(*) AS count FROM identities WHERE source = $1 AND status <> 'ORPHANED'",
      [source],
    );
    return Number(rows[0].count);
  }

  /** User ids of one vendor's records; records linked to nobody are not keys. */
  async userIdsByExternalIds(source: Source, externalIds: readonly string[]): Promise<Map<string, string>> {
    assertSource(source);
    const keys = distinctStrings(externalIds, 'userIdsByExternalIds() externalIds');
    const result = new Map<string, string>();
    for (const chunk of chunksForList(keys)) {
      const rows = await this.db.queryRows<[externalId: string, userId: string]>(
        `SELECT external_id, user_id FROM identities WHERE source = $1 AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      for (const [externalId, userId] of rows) result.set(externalId, userId);
    }
    return result;
  }

  /**
   * Replaces the last-seen values of a user at one vendor, unless a newer snapshot is stored already
   * (then returns false): a slow import never overwrites what a later write recorded. Callers that
   * saw only some fields merge them into the stored values first. Values are scalars; any key
   * naming a secret (a password, a token, …) is a TypeError, since secrets are never stored.
   */
  async saveProfile(userId: string, source: Source, values: ProfileValues, seenAt: Date): Promise<boolean> {
    assertString(userId, 'saveProfile() userId');
    assertSource(source);
    assertProfileValues(values);
    try {
      const { changes } = await this.db.run(
        `INSERT INTO profiles (user_id, source, data, seen_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, source) DO UPDATE SET data = excluded.data, seen_at = excluded.seen_at
         WHERE profiles.seen_at <= excluded.seen_at`,
        [userId, source, JSON.stringify(values), iso(seenAt, 'saveProfile() seenAt')],
      );
      return changes > 0;
    } catch (error) {
      if (error instanceof ConstraintViolationError && error.kind === 'FOREIGN_KEY')
        throw new UserNotFoundError(userId);
      throw error;
    }
  }

  /** Each user's stored profiles in SOURCES order; every asked id is a key, with `[]` when none. */
  async profilesByUserIds(userIds: readonly string[]): Promise<Map<string, StoredProfile[]>> {
    const keys = distinctStrings(userIds, 'profilesByUserIds() ids');
    const result = new Map<string, StoredProfile[]>(keys.map((id) => [id, []]));
    for (const chunk of chunksForList(keys)) {
      const rows = await this.db.queryRows<ProfileRow>(
        `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE user_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const [userId, source, data, seenAt] of rows) {
        result.get(userId)!.push({
          source: source as Source,
          values: JSON.parse(data) as ProfileValues,
          seenAt: new Date(seenAt),
        });
      }
    }
    for (const profiles of result.values()) profiles.sort(bySourceThen(() => ''));
    return result;
  }

  /** One page of users in creation order (keyset on id), fetching one row more to learn hasNextPage. */
  async listUsers(args: ListUsersArgs): Promise<UserPage> {
    const { first, after } = args;
    if (!Number.isInteger(first) || first < 1)
      throw new TypeError(`listUsers() first must be a positive integer, got ${first}`);
    const params: SqlValue[] = [];
    const conditions = filterConditions(args, params);
    if (after !== undefined) {
      assertString(after, 'listUsers() after');
      params.push(after);
      conditions.push(`id > $${params.length}`);
    }
    params.push(first + 1);
    const rows = await this.db.queryRows<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users${where(conditions)} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return { users: rows.slice(0, first).map(toUser), hasNextPage: rows.length > first };
  }

  /** How many users match the filter (all users without one). */
  async countUsers(filter: UserFilter = {}): Promise<number> {
    const params: SqlValue[] = [];
    const rows = await this.db.query<{ count: number | string }>(
      `SELECT COUNT(*) AS count FROM users${where(filterConditions(filter, params))}`,
      params,
    );
    return Number(rows[0].count);
  }

  /** Inserts a user unless the email is taken (then undefined). */
  private async insertUser(email: string | null, phone: string | null, at: Date): Promise<UserRow | undefined> {
    const timestamp = iso(at, 'the creation time');
    const rows = await this.db.queryRows<UserRow>(
      `INSERT INTO users (id, email, phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (email) DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [this.shared.nextUserId(at.getTime()), email, phone, timestamp],
    );
    return rows[0];
  }

  private async userIdByEmail(email: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]);
    return rows[0]?.id ?? null;
  }
}

/** Emails are stored lower-cased and trimmed, so equality and LIKE ignore case on every engine. */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined) return null;
  assertString(email, 'an email');
  const normalized = email.trim().toLowerCase();
  return normalized === '' ? null : normalized;
}

function normalizeUsername(username: string | null | undefined): string | null {
  if (username === null || username === undefined) return null;
  assertString(username, 'a username');
  const normalized = username.trim().toLowerCase();
  return normalized === '' ? null : normalized;
}

function normalizePhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  assertString(phone, 'a phone');
  const normalized = phone.trim();
  return normalized === '' ? null : normalized;
}

/** A mobile number as compared everywhere: its digits alone (`+1 555-010` and `1555010` are one number); null without any. */
export function phoneDigits(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  assertString(phone, 'a phone');
  const digits = phone.replace(/\D/g, '');
  return digits === '' ? null : digits;
}

function addMatch(matches: Map<string, string[]>, key: string, value: string): void {
  const list = matches.get(key);
  if (list === undefined) matches.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** The SQL conditions of a UserFilter, appending their values to `params`. */
function filterConditions(filter: UserFilter, params: SqlValue[]): string[] {
  const conditions: string[] = [];
  if (filter.emailContains !== undefined) {
    assertString(filter.emailContains, 'emailContains');
    params.push(`%${escapeLike(filter.emailContains.trim().toLowerCase())}%`);
    conditions.push(`email LIKE $${params.length} ESCAPE '!'`);
  }
  if (filter.source !== undefined) {
    assertSource(filter.source);
    params.push(filter.source);
    conditions.push(
      `EXISTS (SELECT 1 FROM identities WHERE identities.user_id = users.id AND identities.source = $${params.length})`,
    );
  }
  return conditions;
}

function where(conditions: string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

/** `!` escapes LIKE's wildcards; a backslash would mean different things to different engines. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}

function toUser([id, email, phone, createdAt, updatedAt]: UserRow): StoredUser {
  return { id, email, phone, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
}

function toIdentity([, source, externalId, status, linkedAt, syncedAt, email, username]: IdentityRow): Identity {
  return {
    source: source as Source,
    externalId,
    status: status as IdentityStatus,
    linkedAt: new Date(linkedAt),
    syncedAt: syncedAt === null ? null : new Date(syncedAt),
    email,
    username,
  };
}

/** Orders by the SOURCES order (sources unknown to this code last), then by `tieBreak`. */
function bySourceThen<T extends { source: Source }>(tieBreak: (item: T) => string): (a: T, b: T) => number {
  const rank = (source: Source) => {
    const index = SOURCES.indexOf(source);
    return index === -1 ? SOURCES.length : index;
  };
  return (a, b) => rank(a.source) - rank(b.source) || tieBreak(a).localeCompare(tieBreak(b));
}

function distinctStrings(values: readonly string[], what: string): string[] {
  if (!Array.isArray(values)) throw new TypeError(`${what} must be an array of strings`);
  for (const value of values) assertString(value, `each of ${what}`);
  return [...new Set<string>(values)];
}

function assertStatus(status: unknown): asserts status is IdentityStatus {
  assertOneOf(IDENTITY_STATUSES, status, 'identity status');
}

function assertProfileValues(values: unknown): asserts values is ProfileValues {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new TypeError('saveProfile() values must be an object of field names to scalar values');
  }
  refuseSecretKeys(values, 'a profile');
  for (const [key, value] of Object.entries(values)) {
    const type = typeof value;
    const scalar =
      value === null || type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value));
    if (!scalar)
      throw new TypeError(`profile value "${key}" must be a string, finite number, boolean or null; got ${type}`);
  }
}
