import { linkRecords } from '../../src/sync/identity-linker';
import { PlannedLinks } from '../../src/sync/planned-links';
import { linkInto } from '../../src/sync/identity-linker';
import { openStore, type Store } from '../../src/store';

/**
 * Linking vendor records to gateway users, as the sync does: by email ignoring case, then by mobile
 * number, leaving ambiguous records unlinked instead of guessing; and a dry run's planned links,
 * which see what an earlier record would have created without writing it.
 */
describe('linking records to people', () => {
  let store: Store;
  const at = new Date('2026-01-01T00:00:00Z');

  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('joins records by email ignoring case, creates people for the others, and changes nothing the second time', async () => {
    const first = await linkRecords(
      store.identities,
      'GREENARROW',
      [
        { externalId: '1', email: 'Ada@Example.com' },
        { externalId: '2', email: 'grace@example.com' },
      ],
      at,
    );
    expect(first).toMatchObject({ usersCreated: 2, linksCreated: 2 });
    const second = await linkRecords(
      store.identities,
      'USER_MANAGEMENT',
      [{ externalId: '10', email: 'ada@example.COM', username: 'ada', values: { active: true } }],
      at,
    );
    expect(second).toMatchObject({ usersCreated: 0, linksCreated: 1, profilesChanged: 1 });
    expect(second.userIds.get('10')).toBe(first.userIds.get('1'));
    const again = await linkRecords(
      store.identities,
      'USER_MANAGEMENT',
      [{ externalId: '10', email: 'ada@example.com', username: 'ada', values: { active: true } }],
      at,
    );
    expect(again).toMatchObject({ usersCreated: 0, linksCreated: 0, linksUpdated: 0, profilesChanged: 0 });
  });

  it('joins by mobile number (its digits, with or without +) when the email address matches nobody', async () => {
    const user = await store.identities.createUser({ email: 'old@example.com', phone: '+4915550001234' });
    const outcome = await linkRecords(
      store.identities,
      'ENGAGEMENT',
      [{ externalId: '7', email: 'new@example.com', phone: '4915550001234' }],
      at,
    );
    expect(outcome.userIds.get('7')).toBe(user.id);
    expect(outcome.usersCreated).toBe(0);
  });

  it('leaves unlinked a record whose email belongs to two people, and one whose person already has a record here', async () => {
    const own = await store.identities.createUser({ email: 'shared@example.com' });
    const other = await store.identities.createUser({ email: 'other@example.com' });
    // Another person's record at some vendor still holds the address (they changed it elsewhere).
    await store.identities.link(other.id, {
      source: 'GREENARROW',
      externalId: '99',
      status: 'ACTIVE',
      email: 'shared@example.com',
    });
    const many = await linkRecords(
      store.identities,
      'ENGAGEMENT',
      [{ externalId: '1', email: 'shared@example.com' }],
      at,
    );
    expect(many.ambiguous.get('1')).toEqual({
      reason: 'MANY_PEOPLE',
      key: 'email',
      userIds: [own.id, other.id].sort(),
    });
    expect(many.userIds.size).toBe(0);

    const twice = await linkRecords(
      store.identities,
      'USER_MANAGEMENT',
      [
        { externalId: '5', email: 'twin@example.com' },
        { externalId: '6', email: 'TWIN@example.com' },
      ],
      at,
    );
    expect(twice.linksCreated).toBe(1);
    expect(twice.ambiguous.get('6')).toEqual({
      reason: 'SHARED_PERSON',
      userId: twice.userIds.get('5'),
      externalIds: ['5'],
    });
  });

  it('links nothing for a record with neither an email address nor a mobile number', async () => {
    const outcome = await linkRecords(store.identities, 'USER_MANAGEMENT', [{ externalId: '3', email: null }], at);
    expect(outcome).toMatchObject({ keyless: ['3'], usersCreated: 0, linksCreated: 0 });
  });

  it('plans a dry run across vendors without writing: the second vendor joins the person the first would create', async () => {
    const planned = new PlannedLinks(store.identities);
    const first = await linkInto(planned, 'GREENARROW', [{ externalId: '1', email: 'new@example.com' }], at);
    const second = await linkInto(
      planned,
      'ENGAGEMENT',
      [{ externalId: '9', email: 'NEW@example.com', phone: '+15550100000' }],
      at,
    );
    expect(first.usersCreated).toBe(1);
    expect(second).toMatchObject({ usersCreated: 0, linksCreated: 1 });
    expect(second.userIds.get('9')).toBe(first.userIds.get('1'));
    expect(await store.identities.countUsers()).toBe(0);
  });
});
