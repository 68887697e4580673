import {
  EmailTakenError,
  IdentityLinkedElsewhereError,
  MAX_VALUES_PER_LIST,
  UserNotFoundError,
  type IdentityStore,
  type Store,
} from '../../src/store';
import { timeOrderedIds } from '../../src/store/ids';
import { openTestStore } from '../helpers/test-store';

/** A clock the test moves by hand; no assertion depends on the wall clock. */
function manualClock(start = '2030-01-01T00:00:00.000Z') {
  let now = Date.parse(start);
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('timeOrderedIds', () => {
  it('makes opaque, URL-safe ids: prefix, 12 hex digits of time, 10 of randomness', () => {
    const next = timeOrderedIds('usr_', () => 0xabcdef);
    // 2030-01-01T00:00:00Z is 1893456000000 ms, 0x01b8dac5b400.
    expect(next(Date.parse('2030-01-01T00:00:00.000Z'))).toBe('usr_01b8dac5b400' + '0000abcdef');
    expect(next(Date.parse('2030-01-01T00:00:00.001Z'))).toMatch(/^usr_[0-9a-f]{22}$/);
  });

  it('keeps increasing within one millisecond, when the clock steps back, and past the random space', () => {
    const next = timeOrderedIds('usr_', () => 2 ** 40 - 2);
    const ids = [next(1000), next(1000), next(1000), next(999), next(5000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a prefix that would not be URL-safe and a time that is not a timestamp', () => {
    expect(() => timeOrderedIds('user ')).toThrow(TypeError);
    expect(() => timeOrderedIds('usr_')(-1)).toThrow(TypeError);
  });
});

describe('IdentityStore', () => {
  let store: Store;
  let identities: IdentityStore;
  let time: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    time = manualClock();
    store = await openTestStore({ clock: time.clock });
    identities = store.identities;
  });
  afterEach(async () => {
    await store.close();
  });

  /** Creates `count` users in one millisecond, the case where only the id sequence keeps the order. */
  async function createUsers(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      ids.push((await identities.createUser({ email: `user${String(index).padStart(3, '0')}@example.com` })).id);
    }
    return ids;
  }

  describe('users', () => {
    it('creates a user with a lower-cased email and the clock’s timestamps', async () => {
      const user = await identities.createUser({ email: '  Ada.Lovelace@Example.COM ', phone: '+15550100' });
      expect(user).toEqual({
        id: expect.stringMatching(/^usr_[0-9a-f]{22}$/),
        email: 'ada.lovelace@example.com',
        phone: '+15550100',
        createdAt: time.clock(),
        updatedAt: time.clock(),
      });
      expect(await identities.usersByIds([user.id])).toEqual(new Map([[user.id, user]]));
    });

    it('accepts a phone-only user and refuses one with neither email nor phone', async () => {
      await expect(identities.createUser({ phone: '+15550101' })).resolves.toMatchObject({
        email: null,
        phone: '+15550101',
      });
      await expect(identities.createUser({ email: ' ', phone: null })).rejects.toThrow(TypeError);
    });

    it('refuses a second user with the same email in any case, naming the owner', async () => {
      const first = await identities.createUser({ email: 'grace@example.com' });
      const attempt = identities.createUser({ email: 'GRACE@example.com' });
      await expect(attempt).rejects.toBeInstanceOf(EmailTakenError);
      await expect(attempt).rejects.toMatchObject({ code: 'EMAIL_TAKEN', existingUserId: first.id });
      expect(await identities.countUsers()).toBe(1);
    });

    it('updates the given fields only and moves updatedAt', async () => {
      const user = await identities.createUser({ email: 'old@example.com', phone: '+15550102' });
      time.advance(1000);
      const updated = await identities.updateUser(user.id, { email: 'New@Example.com' });
      expect(updated).toEqual({ ...user, email: 'new@example.com', updatedAt: time.clock() });
      expect(await identities.userIdsByEmails(['old@example.com'])).toEqual(new Map());
    });

    it('reports EMAIL_TAKEN and USER_NOT_FOUND on update', async () => {
      const [first, second] = await Promise.all([
        identities.createUser({ email: 'one@example.com' }),
        identities.createUser({ email: 'two@example.com' }),
      ]);
      await expect(identities.updateUser(second.id, { email: 'ONE@example.com' })).rejects.toMatchObject({
        code: 'EMAIL_TAKEN',
        existingUserId: first.id,
      });
      await expect(identities.updateUser('usr_missing', { phone: '+1' })).rejects.toBeInstanceOf(UserNotFoundError);
      await expect(identities.updateUser(first.id, { email: null, phone: null })).rejects.toThrow(TypeError);
    });

    it('reports EMAIL_TAKEN inside a transaction, which goes on (PostgreSQL would fail it but for a savepoint)', async () => {
      const [first, second] = await Promise.all([
        identities.createUser({ email: 'one@example.com' }),
        identities.createUser({ email: 'two@example.com' }),
      ]);
      const after = await store.transaction(async ({ identities: inside }) => {
        await expect(inside.updateUser(second.id, { email: 'ONE@example.com' })).rejects.toMatchObject({
          code: 'EMAIL_TAKEN',
          existingUserId: first.id,
        });
        return inside.updateUser(second.id, { phone: '+15550100' });
      });
      expect(after).toMatchObject({ email: 'two@example.com', phone: '+15550100' });
    });

    it('deletes a user together with its links and profiles', async () => {
      const user = await identities.createUser({ email: 'gone@example.com' });
      await identities.link(user.id, { source: 'GREENARROW', externalId: '7', status: 'ACTIVE' });
      await identities.saveProfile(user.id, 'ENGAGEMENT', { firstName: 'Gone' }, time.clock());
      expect(await identities.deleteUser(user.id)).toBe(true);
      expect(await identities.deleteUser(user.id)).toBe(false);
      expect(await identities.userIdsByExternalIds('GREENARROW', ['7'])).toEqual(new Map());
      expect(await store.db.query('SELECT COUNT(*) AS n FROM profiles')).toEqual([{ n: 0 }]);
    });

    it('finds or creates by email, so that one person’s vendor records share one user', async () => {
      const created = await identities.findOrCreateByEmail('Linus@Example.com', { phone: '+15550103' });
      expect(created).toMatchObject({ created: true, user: { email: 'linus@example.com', phone: '+15550103' } });
      const found = await identities.findOrCreateByEmail('linus@example.COM');
      expect(found).toEqual({ created: false, user: created.user });
      await expect(identities.findOrCreateByEmail('  ')).rejects.toThrow(TypeError);
    });

    it('creates one user when two importers find the same new email at once', async () => {
      const results = await Promise.all([
        identities.findOrCreateByEmail('same@example.com'),
        identities.findOrCreateByEmail('SAME@example.com'),
      ]);
      expect(results.map((result) => result.created).sort()).toEqual([false, true]);
      expect(results[0].user.id).toBe(results[1].user.id);
    });
  });

  describe('identity links', () => {
    it('links a vendor record, then refreshes its status and syncedAt while keeping linkedAt', async () => {
      const user = await identities.createUser({ email: 'link@example.com' });
      const linkedAt = time.clock();
      const linked = await identities.link(user.id, { source: 'RAINMAKER', externalId: 'rm-1', status: 'PENDING' });
      expect(linked).toEqual({
        source: 'RAINMAKER',
        externalId: 'rm-1',
        status: 'PENDING',
        linkedAt,
        syncedAt: linkedAt,
        email: null,
        username: null,
      });
      time.advance(60_000);
      const relinked = await identities.link(user.id, { source: 'RAINMAKER', externalId: 'rm-1', status: 'ACTIVE' });
      expect(relinked).toEqual({
        source: 'RAINMAKER',
        externalId: 'rm-1',
        status: 'ACTIVE',
        linkedAt,
        syncedAt: time.clock(),
        email: null,
        username: null,
      });
    });

    it('refuses to move a vendor record to another user, and to link to a user that does not exist', async () => {
      const [owner, other] = [
        await identities.createUser({ email: 'owner@example.com' }),
        await identities.createUser({ email: 'other@example.com' }),
      ];
      await identities.link(owner.id, { source: 'ENGAGEMENT', externalId: 'e-1', status: 'ACTIVE' });
      const attempt = identities.link(other.id, { source: 'ENGAGEMENT', externalId: 'e-1', status: 'ACTIVE' });
      await expect(attempt).rejects.toBeInstanceOf(IdentityLinkedElsewhereError);
      await expect(attempt).rejects.toMatchObject({
        code: 'IDENTITY_LINKED_ELSEWHERE',
        linkedUserId: owner.id,
        source: 'ENGAGEMENT',
        externalId: 'e-1',
      });
      await expect(
        identities.link('usr_missing', { source: 'ENGAGEMENT', externalId: 'e-2', status: 'ACTIVE' }),
      ).rejects.toMatchObject({
        code: 'USER_NOT_FOUND',
      });
    });

    it('claims a record another user holds (a stale link), saying who held it', async () => {
      const [stale, fresh] = [
        await identities.createUser({ phone: '+15550001111' }),
        await identities.createUser({ email: 'fresh@example.com' }),
      ];
      await identities.link(stale.id, { source: 'ENGAGEMENT', externalId: 'e-9', status: 'ACTIVE' });
      time.advance(1_000);
      const claimed = await identities.claim(fresh.id, { source: 'ENGAGEMENT', externalId: 'e-9', status: 'ACTIVE' });
      expect(claimed).toEqual({
        previousUserId: stale.id,
        identity: {
          source: 'ENGAGEMENT',
          externalId: 'e-9',
          status: 'ACTIVE',
          linkedAt: time.clock(),
          syncedAt: time.clock(),
          email: null,
          username: null,
        },
      });
      const links = await identities.identitiesByUserIds([stale.id, fresh.id]);
      expect(links.get(stale.id)).toEqual([]);
      expect(links.get(fresh.id)?.map((identity) => identity.externalId)).toEqual(['e-9']);
      // Claiming one's own record, or a new one, is a plain link.
      await expect(
        identities.claim(fresh.id, { source: 'ENGAGEMENT', externalId: 'e-9', status: 'ACTIVE' }),
      ).resolves.toMatchObject({ previousUserId: fresh.id });
      await expect(
        identities.claim(fresh.id, { source: 'GREENARROW', externalId: 'g-9', status: 'ACTIVE' }),
      ).resolves.toMatchObject({ previousUserId: null });
      await expect(
        identities.claim('usr_missing', { source: 'GREENARROW', externalId: 'g-10', status: 'ACTIVE' }),
      ).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    });

    it('refuses an unknown source or status with a TypeError', async () => {
      const user = await identities.createUser({ email: 'typo@example.com' });
      await expect(
        identities.link(user.id, { source: 'SALESFORCE' as never, externalId: '1', status: 'ACTIVE' }),
      ).rejects.toThrow(/source must be one of/);
      await expect(
        identities.link(user.id, { source: 'GREENARROW', externalId: '1', status: 'LINKED' as never }),
      ).rejects.toThrow(/status must be one of/);
    });

    it('unlinks, sets a status and marks records synced', async () => {
      const user = await identities.createUser({ email: 'state@example.com' });
      await identities.link(user.id, { source: 'GREENARROW', externalId: '1', status: 'ACTIVE' });
      await identities.link(user.id, { source: 'GREENARROW', externalId: '2', status: 'ACTIVE' });
      expect(await identities.setIdentityStatus('GREENARROW', '1', 'ORPHANED')).toBe(true);
      expect(await identities.setIdentityStatus('GREENARROW', 'nope', 'ORPHANED')).toBe(false);
      time.advance(5000);
      expect(await identities.markSynced('GREENARROW', ['1', '2', 'nope'], time.clock())).toBe(2);
      expect(await identities.unlink('GREENARROW', '2')).toBe(true);
      expect(await identities.unlink('GREENARROW', '2')).toBe(false);
      const [only] = (await identities.identitiesByUserIds([user.id])).get(user.id)!;
      expect(only).toMatchObject({ externalId: '1', status: 'ORPHANED', syncedAt: time.clock() });
    });
  });

  describe('batched look-ups: one query per batch', () => {
    let userIds: string[];

    beforeEach(async () => {
      userIds = await createUsers(100);
      for (const [index, id] of userIds.entries()) {
        await identities.link(id, { source: 'USER_MANAGEMENT', externalId: `um-${index}`, status: 'ACTIVE' });
        if (index % 2 === 0)
          await identities.link(id, { source: 'RAINMAKER', externalId: `rm-${index}`, status: 'ACTIVE' });
      }
      store.db.resetQueryCount();
    });

    it('identitiesByUserIds: every id is a key, links in SOURCES order', async () => {
      const result = await identities.identitiesByUserIds([...userIds, userIds[0], 'usr_unknown']);
      expect(store.db.queryCount).toBe(1);
      expect(result.size).toBe(101);
      expect(result.get('usr_unknown')).toEqual([]);
      expect(result.get(userIds[0])!.map((identity) => [identity.source, identity.externalId])).toEqual([
        ['RAINMAKER', 'rm-0'],
        ['USER_MANAGEMENT', 'um-0'],
      ]);
      expect(result.get(userIds[1])!.map((identity) => identity.source)).toEqual(['USER_MANAGEMENT']);
    });

    it('usersByIds', async () => {
      const result = await identities.usersByIds([...userIds, 'usr_unknown']);
      expect(store.db.queryCount).toBe(1);
      expect([...result.keys()].sort()).toEqual([...userIds].sort());
      expect(result.get(userIds[5])!.email).toBe('user005@example.com');
    });

    it('userIdsByEmails, ignoring case and keyed by the emails as given', async () => {
      const result = await identities.userIdsByEmails([
        'USER001@Example.com',
        'user002@example.com',
        'nobody@example.com',
      ]);
      expect(store.db.queryCount).toBe(1);
      expect(result).toEqual(
        new Map([
          ['USER001@Example.com', userIds[1]],
          ['user002@example.com', userIds[2]],
        ]),
      );
    });

    it('userIdsByExternalIds', async () => {
      const result = await identities.userIdsByExternalIds('RAINMAKER', ['rm-0', 'rm-2', 'rm-1', 'um-0']);
      expect(store.db.queryCount).toBe(1);
      expect(result).toEqual(
        new Map([
          ['rm-0', userIds[0]],
          ['rm-2', userIds[2]],
        ]),
      );
    });

    it('profilesByUserIds', async () => {
      await identities.saveProfile(userIds[0], 'ENGAGEMENT', { firstName: 'Zero' }, time.clock());
      store.db.resetQueryCount();
      const result = await identities.profilesByUserIds(userIds);
      expect(store.db.queryCount).toBe(1);
      expect(result.size).toBe(100);
      expect(result.get(userIds[0])).toEqual([
        { source: 'ENGAGEMENT', values: { firstName: 'Zero' }, seenAt: time.clock() },
      ]);
      expect(result.get(userIds[1])).toEqual([]);
    });

    it('makes no query for an empty batch', async () => {
      await identities.identitiesByUserIds([]);
      await identities.usersByIds([]);
      await identities.userIdsByEmails([]);
      await identities.userIdsByExternalIds('GREENARROW', []);
      await identities.profilesByUserIds([]);
      expect(store.db.queryCount).toBe(0);
    });

    it(`splits a batch larger than ${MAX_VALUES_PER_LIST} keys into lists of at most that many`, async () => {
      const many = Array.from({ length: MAX_VALUES_PER_LIST + 1 }, (_, index) => `usr_${index}`);
      await identities.usersByIds(many);
      expect(store.db.queryCount).toBe(2);
    });
  });

  describe('profiles', () => {
    it('keeps the last-seen values of a vendor without a read endpoint', async () => {
      const user = await identities.createUser({ email: 'profile@example.com' });
      const values = { firstName: 'Ada', lastName: 'Lovelace', country: 'GB', voice: true, age: 36, state: null };
      expect(await identities.saveProfile(user.id, 'ENGAGEMENT', values, time.clock())).toBe(true);
      time.advance(1000);
      expect(await identities.saveProfile(user.id, 'ENGAGEMENT', { ...values, country: 'US' }, time.clock())).toBe(
        true,
      );
      const [profile] = (await identities.profilesByUserIds([user.id])).get(user.id)!;
      expect(profile).toEqual({ source: 'ENGAGEMENT', values: { ...values, country: 'US' }, seenAt: time.clock() });
    });

    it('never lets an older snapshot overwrite a newer one', async () => {
      const user = await identities.createUser({ email: 'race@example.com' });
      const newer = time.clock();
      await identities.saveProfile(user.id, 'ENGAGEMENT', { firstName: 'New' }, newer);
      expect(
        await identities.saveProfile(user.id, 'ENGAGEMENT', { firstName: 'Old' }, new Date(newer.getTime() - 1)),
      ).toBe(false);
      expect((await identities.profilesByUserIds([user.id])).get(user.id)![0].values).toEqual({ firstName: 'New' });
    });

    it('refuses a password key in any case, or any other secret key, and stores nothing', async () => {
      const user = await identities.createUser({ email: 'secret@example.com' });
      for (const key of ['password', 'Password', 'PASSWORD', 'newPassword', 'apiKey', 'accessToken', 'clientSecret']) {
        await expect(
          identities.saveProfile(user.id, 'RAINMAKER', { [key]: 'hunter2-secret' }, time.clock()),
        ).rejects.toThrow(`a profile must not contain a secret, but has the key "${key}": secrets are never stored`);
      }
      const raw = await store.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM profiles');
      expect(raw).toEqual([{ n: 0 }]);
    });

    it('refuses values that are not scalars, and a user that does not exist', async () => {
      const user = await identities.createUser({ email: 'shape@example.com' });
      await expect(
        identities.saveProfile(user.id, 'ENGAGEMENT', { nested: { a: 1 } } as never, time.clock()),
      ).rejects.toThrow(TypeError);
      await expect(
        identities.saveProfile(user.id, 'ENGAGEMENT', { n: Number.POSITIVE_INFINITY }, time.clock()),
      ).rejects.toThrow(TypeError);
      await expect(
        identities.saveProfile('usr_missing', 'ENGAGEMENT', { a: 'b' }, time.clock()),
      ).rejects.toBeInstanceOf(UserNotFoundError);
    });
  });

  describe('listing', () => {
    it('walks all users with first: 7, each exactly once, in creation order', async () => {
      const created = await createUsers(50);
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await identities.listUsers({ first: 7, after });
        pages++;
        seen.push(...page.users.map((user) => user.id));
        if (!page.hasNextPage) break;
        expect(page.users).toHaveLength(7);
        after = page.users[page.users.length - 1].id;
      }
      expect(seen).toEqual(created);
      expect(pages).toBe(Math.ceil(50 / 7));
    });

    it('follows creation order across a clock that steps back', async () => {
      const ids: string[] = [];
      for (const step of [0, 5, -3, 0, 10, -20]) {
        time.advance(step);
        ids.push((await identities.createUser({ phone: `+1555${ids.length}` })).id);
      }
      const page = await identities.listUsers({ first: 10 });
      expect(page).toMatchObject({ hasNextPage: false });
      expect(page.users.map((user) => user.id)).toEqual(ids);
    });

    it('filters by email text (case-insensitive, wildcards literal) and by linked source, and counts', async () => {
      const [a, b, c] = [
        await identities.createUser({ email: 'alice_smith@corp.example' }),
        await identities.createUser({ email: 'bob%jones@corp.example' }),
        await identities.createUser({ email: 'carol@home.example' }),
      ];
      await identities.link(c.id, { source: 'GREENARROW', externalId: '3', status: 'ACTIVE' });
      const ids = async (args: Parameters<IdentityStore['listUsers']>[0]) =>
        (await identities.listUsers(args)).users.map((user) => user.id);
      expect(await ids({ first: 10, emailContains: 'CORP' })).toEqual([a.id, b.id]);
      expect(await ids({ first: 10, emailContains: 'e_s' })).toEqual([a.id]);
      expect(await ids({ first: 10, emailContains: '%' })).toEqual([b.id]);
      expect(await ids({ first: 10, source: 'GREENARROW' })).toEqual([c.id]);
      expect(await ids({ first: 10, source: 'GREENARROW', emailContains: 'corp' })).toEqual([]);
      expect(await identities.countUsers()).toBe(3);
      expect(await identities.countUsers({ emailContains: 'corp' })).toBe(2);
      expect(await identities.countUsers({ source: 'GREENARROW' })).toBe(1);
    });

    it('refuses a page size that is not a positive integer', async () => {
      await expect(identities.listUsers({ first: 0 })).rejects.toThrow(TypeError);
      await expect(identities.listUsers({ first: 2.5 })).rejects.toThrow(TypeError);
    });
  });

  describe('transactions across the store', () => {
    it('commits links and journal entries together, or neither', async () => {
      const user = await identities.createUser({ email: 'tx@example.com' });
      await expect(
        store.transaction(async ({ identities: tx, journal }) => {
          await tx.link(user.id, { source: 'RAINMAKER', externalId: 'rm-tx', status: 'ACTIVE' });
          await journal.begin({ mutation: 'createUser', idempotencyKey: 'tx-key', inputHash: 'h' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await identities.userIdsByExternalIds('RAINMAKER', ['rm-tx'])).toEqual(new Map());
      expect(await store.db.query('SELECT COUNT(*) AS n FROM operations')).toEqual([{ n: 0 }]);

      await store.transaction(async ({ identities: tx, journal }) => {
        await tx.link(user.id, { source: 'RAINMAKER', externalId: 'rm-tx', status: 'ACTIVE' });
        await journal.begin({ mutation: 'createUser', idempotencyKey: 'tx-key', inputHash: 'h' });
      });
      expect(await identities.userIdsByExternalIds('RAINMAKER', ['rm-tx'])).toEqual(new Map([['rm-tx', user.id]]));
      expect(await store.db.query('SELECT COUNT(*) AS n FROM operations')).toEqual([{ n: 1 }]);
    });

    it('keeps the id sequence inside a transaction', async () => {
      const outside = await identities.createUser({ email: 'first@example.com' });
      const inside = await store.transaction(({ identities: tx }) => tx.createUser({ email: 'second@example.com' }));
      expect(inside.id > outside.id).toBe(true);
    });
  });
});
