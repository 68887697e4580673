import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  AccountWithUsersDocument,
  CreateUserDocument,
  SearchUsersDocument,
  SetPermissionsDocument,
  SourceHealthDocument,
  UserByEmailDocument,
  UserDetailDocument,
  type AccessLevel,
  type InjectionPermission,
  type Source,
  type UserDetailFieldsFragment,
} from '../src/generated/operations';
import { SEED_ACCOUNTS, seedPeople } from '../src/simulators/kit/seed';
import { asActor, bearer, bootGateway, type BootedGateway } from './helpers/gateway';

/**
 * Every example operation in operations/ (what a front end would send), executed through the real
 * gateway with the typed documents `npm run codegen` writes. The results are read through the
 * generated types, so an operation that drifts from what this test expects stops it type-checking.
 */

const ALL_SOURCES: readonly Source[] = ['ENGAGEMENT', 'GREENARROW', 'RAINMAKER', 'USER_MANAGEMENT'];
const ACCESS_LEVELS: readonly AccessLevel[] = ['FULL', 'NONE', 'READ_ONLY', 'STATS_ONLY'];
const INJECTION_PERMISSIONS: readonly InjectionPermission[] = ['ALL', 'HTTP_ONLY', 'NONE', 'SMTP_ONLY'];
const ADA = seedPeople()[0];

describe('the example operations', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());

  /**
   * Executes one typed document as an admin's request would and returns its data, typed, after checking that
   * there were no errors. The data goes through JSON as it does on the wire: in process, a DateTime
   * is still the Date object graphql-scalars serializes it to; clients (and the generated types) see
   * the ISO string JSON makes of it.
   */
  async function run<Data, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
  ): Promise<Data> {
    const response = await asActor('admin', () =>
      app.graphql.executeOperation<Data, Variables>({ query: document, variables }, { contextValue: app.context() }),
    );
    if (response.body.kind !== 'single') throw new Error(`expected a single result, got ${response.body.kind}`);
    const { errors, data } = response.body.singleResult;
    expect(errors).toBeUndefined();
    expect(data).toBeDefined();
    return JSON.parse(JSON.stringify(data)) as Data;
  }

  it('SourceHealth: every vendor is configured and reachable', async () => {
    const { sources } = await run(SourceHealthDocument, {});
    expect(sources.map((status) => status.source).sort()).toEqual(ALL_SOURCES);
    for (const status of sources) {
      expect(status).toMatchObject({ configured: true, reachable: true, lastError: null });
      if (status.latencyMs !== null) expect(status.latencyMs).toBeGreaterThanOrEqual(0);
      if (status.lastSuccessAt !== null)
        expect(new Date(status.lastSuccessAt).toISOString()).toBe(status.lastSuccessAt);
    }
  });

  describe('UserByEmail and UserDetail', () => {
    let ada: UserDetailFieldsFragment;

    beforeAll(async () => {
      const { user } = await run(UserByEmailDocument, { email: ADA.email });
      if (!user) throw new Error(`no user for ${ADA.email}`);
      ada = user;
    });

    it('finds a seeded person with a record in all four vendors', () => {
      expect(ada.email).toBe('ada.lovelace0@example.com');
      expect(ada.identities.map((identity) => identity.source).sort()).toEqual(ALL_SOURCES);
      for (const identity of ada.identities) {
        expect(identity.status).toBe('ACTIVE');
        expect(identity.externalId).not.toBe('');
        expect(new Date(identity.linkedAt).toISOString()).toBe(identity.linkedAt);
      }
      expect(ada.identities.find((identity) => identity.source === 'RAINMAKER')?.externalId).toBe(ADA.email);
    });

    it('returns every profile field from the vendor that owns it', () => {
      // Typed by the generated fragment: a field added to, renamed in or removed from UserDetailFields
      // makes this object literal stop type-checking.
      const { id, identities, lastActiveAt, ...profile } = ada;
      const expected: typeof profile = {
        email: ADA.email,
        displayName: 'Ada Lovelace',
        username: ADA.username,
        firstName: 'Ada',
        lastName: 'Lovelace',
        phone: ADA.phone,
        country: 'USA',
        state: 'California',
        locale: profile.locale,
        active: true,
        account: { id: SEED_ACCOUNTS[0].id },
        permissions: {
          api: 'READ_ONLY',
          ui: 'FULL',
          injection: 'ALL',
          disabled: false,
          mailClass: { id: '1', name: 'transactional' },
        },
        subscriptions: { email: true, sms: true, voice: true },
      };
      expect(profile).toEqual(expected);
      expect(id).toMatch(/\S/);
      expect(identities).toHaveLength(4);
      expect(lastActiveAt === null || new Date(lastActiveAt).toISOString() === lastActiveAt).toBe(true);
    });

    it('finds the same user by email in any letter case', async () => {
      const { user } = await run(UserByEmailDocument, { email: ADA.email.toUpperCase() });
      expect(user?.id).toBe(ada.id);
    });

    it('UserDetail by the gateway id answers the same user', async () => {
      const { user } = await run(UserDetailDocument, { id: ada.id });
      expect(user).toEqual(ada);
    });

    it('answers a client over HTTP exactly what the typed documents describe', async () => {
      const response = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(app.tokens?.admin) },
        body: JSON.stringify({ query: print(UserDetailDocument), variables: { id: ada.id } }),
      });
      const body = (await response.json()) as { data?: ResultOf<typeof UserDetailDocument>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.user).toEqual(ada);
      expect(typeof body.data?.user?.identities[0]?.linkedAt).toBe('string');
    });

    it('UserDetail answers null for an id nobody has', async () => {
      const { user } = await run(UserDetailDocument, { id: 'no-such-user' });
      expect(user).toBeNull();
    });
  });

  describe('AccountWithUsers', () => {
    type Page = NonNullable<ResultOf<typeof AccountWithUsersDocument>['account']>['users'];
    const accountId = SEED_ACCOUNTS[0].id;

    async function page(after: string | null): Promise<Page> {
      const { account } = await run(AccountWithUsersDocument, { id: accountId, first: 5, after });
      expect(account?.id).toBe(accountId);
      return account!.users;
    }

    it('pages through account "1" five users at a time, each with permissions and identities', async () => {
      const first = await page(null);
      expect(first.edges).toHaveLength(5);
      expect(first.pageInfo).toMatchObject({
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: first.edges[0].cursor,
        endCursor: first.edges[4].cursor,
      });

      const second = await page(first.pageInfo.endCursor);
      expect(second.pageInfo.hasPreviousPage).toBe(true);
      expect(second.totalCount).toBe(first.totalCount);
      const firstIds = new Set(first.edges.map((edge) => edge.node.id));
      expect(second.edges.length).toBeGreaterThan(0);
      expect(second.edges.filter((edge) => firstIds.has(edge.node.id))).toEqual([]);

      const ids: string[] = [];
      let after: string | null = null;
      for (let pages = 1; ; pages++) {
        const current: Page = await page(after);
        for (const { cursor, node } of current.edges) {
          ids.push(node.id);
          expect(cursor).toMatch(/\S/);
          expect(node.email).toMatch(/@/);
          expect(node.displayName).toMatch(/\S/);
          const externalIds = new Map(node.identities.map((identity) => [identity.source, identity.externalId]));
          expect(externalIds.get('USER_MANAGEMENT')).toMatch(/\S/);
          if (externalIds.has('GREENARROW')) {
            const { api, ui, injection } = node.permissions!;
            expect(ACCESS_LEVELS).toContain(api);
            expect(ACCESS_LEVELS).toContain(ui);
            expect(INJECTION_PERMISSIONS).toContain(injection);
          } else {
            expect(node.permissions).toBeNull();
          }
        }
        if (!current.pageInfo.hasNextPage) break;
        after = current.pageInfo.endCursor;
        expect(pages).toBeLessThan(20);
      }
      const seeded = seedPeople().filter((person) => person.accountId === accountId && person.in.userManagement);
      expect(first.totalCount).toBe(seeded.length);
      expect(ids).toHaveLength(seeded.length);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(0, 5)).toEqual([...firstIds]);
    });

    it('answers null for an account the user-management API does not have', async () => {
      const { account } = await run(AccountWithUsersDocument, { id: '999999' });
      expect(account).toBeNull();
    });
  });

  describe('CreateUser and SetPermissions', () => {
    it('creates a person at every vendor, then changes their GreenArrow permissions', async () => {
      const input = {
        email: 'grace.typed@example.com',
        password: 'Typed-Docs-Pass-1',
        firstName: 'Grace',
        lastName: 'Typed',
        country: 'USA',
        state: 'Virginia',
        accountId: SEED_ACCOUNTS[1].id,
        username: 'grace.typed',
        permissions: { api: 'READ_ONLY' as const },
        idempotencyKey: 'operations-create-grace',
      };
      const { createUser } = await run(CreateUserDocument, { input });
      expect(createUser.userErrors).toEqual([]);
      expect(createUser.replayed).toBe(false);
      expect(
        createUser.results.map((result) => [result.source, result.status, result.retryable, result.error]),
      ).toEqual([
        ['RAINMAKER', 'SUCCEEDED', false, null],
        ['ENGAGEMENT', 'SUCCEEDED', false, null],
        ['GREENARROW', 'SUCCEEDED', false, null],
        ['USER_MANAGEMENT', 'SUCCEEDED', false, null],
      ]);
      const user = createUser.user!;
      expect(user).toMatchObject({ email: input.email, displayName: 'Grace Typed' });

      const { setPermissions } = await run(SetPermissionsDocument, {
        input: { id: user.id, permissions: { ui: 'FULL', mailClass: { name: 'transactional' } } },
      });
      expect(setPermissions.userErrors).toEqual([]);
      expect(setPermissions.results.map((result) => [result.source, result.status])).toEqual([
        ['GREENARROW', 'SUCCEEDED'],
      ]);
      expect(setPermissions.user).toEqual({
        id: user.id,
        permissions: {
          api: 'READ_ONLY',
          ui: 'FULL',
          injection: 'NONE',
          disabled: false,
          mailClass: { id: '1', name: 'transactional' },
        },
      });

      const replay = await run(CreateUserDocument, { input });
      expect(replay.createUser).toEqual({ ...createUser, replayed: true });
    });
  });

  describe('SearchUsers', () => {
    it('filters by email text and vendor', async () => {
      const { users } = await run(SearchUsersDocument, { emailContains: 'LOVELACE', source: 'GREENARROW' });
      const expected = seedPeople().filter((person) => person.email.includes('lovelace') && person.in.greenarrow);
      expect(users.totalCount).toBe(expected.length);
      expect(users.edges.map((edge) => edge.node.email).sort()).toEqual(expected.map((person) => person.email).sort());
      for (const { node } of users.edges)
        expect(node.identities.map((identity) => identity.source)).toContain('GREENARROW');
      expect(users.pageInfo.hasNextPage).toBe(false);
    });

    it('pages the whole population with the default page size', async () => {
      const first = (await run(SearchUsersDocument, {})).users;
      expect(first.edges).toHaveLength(20);
      expect(first.totalCount).toBeGreaterThan(20);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = (await run(SearchUsersDocument, { first: 500, after: first.pageInfo.endCursor })).users;
      expect(first.edges.length + rest.edges.length).toBe(first.totalCount);
      expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    });
  });
});
