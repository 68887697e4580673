import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { createTypePolicies, possibleTypes } from '../../client';
import {
  AccountWithUsersDocument,
  CreateUserDocument,
  DeleteUserDocument,
  UserByEmailDocument,
} from '../../client/generated/operations/graphql';
import { mintDemoTokens } from '../../src/auth/demo-tokens';
import { loadConfig } from '../../src/config';
import { SEED_ACCOUNTS, seedPeople } from '../../src/simulators/kit/seed';
import { bootGateway, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * Apollo Client 4, from npm, in Node, against the gateway over HTTP, with the client kit the
 * repository ships (client/: possibleTypes and the connection type policies) and its typed
 * documents (client/generated/operations/). What a front-end developer meets first: refusals of a
 * mutation in `userErrors`, the gateway's own words for a token that no longer works, a deleted
 * person's id to evict, and Account.users paged into one list.
 */
const SECRET = 'client-tests-hs256-secret-0123456789abcdef';
const ADA = seedPeople()[0];

describe('Apollo Client against the gateway', () => {
  let app: BootedGateway;
  let admin: string;
  let expired: string;

  beforeAll(async () => {
    const env = { AUTH_JWT_SECRET: SECRET, AUTH_JWT_ISSUER: 'usergraph-demo' };
    app = await bootGateway(env);
    const settings = loadConfig(env).auth.jwt;
    admin = (await mintDemoTokens(settings)).admin;
    expired = (await mintDemoTokens(settings, new Date(Date.now() - 13 * 60 * 60 * 1000))).admin;
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  /** A client as the docs set one up: the kit's possibleTypes and type policies, a Bearer token. */
  function client(
    token: string,
    cache = new InMemoryCache({ possibleTypes, typePolicies: createTypePolicies(relayStylePagination) }),
  ) {
    return new ApolloClient({
      link: new HttpLink({ uri: app.url, headers: { authorization: `Bearer ${token}` } }),
      cache,
    });
  }

  it("a refused createUser's userErrors reach the client through the MutationOutcome fragment on the interface", async () => {
    const { data } = await client(admin).mutate({
      mutation: CreateUserDocument,
      variables: {
        input: {
          email: 'new.person@example.com',
          username: ADA.username,
          firstName: 'New',
          lastName: 'Person',
          country: 'USA',
          state: 'California',
          accountId: SEED_ACCOUNTS[0].id,
          password: 'a-long-enough-Passw0rd',
        },
      },
    });
    expect(data?.createUser.userErrors).toEqual([
      expect.objectContaining({ code: 'USERNAME_TAKEN', field: ['input', 'username'], source: 'USER_MANAGEMENT' }),
    ]);
    expect(data?.createUser.results).toEqual([]);
    expect(data?.createUser.replayed).toBe(false);
    expect(data?.createUser.user).toBeNull();
  });

  it('without possibleTypes the same answer loses the fragment: why the kit exists', async () => {
    const bare = client(admin, new InMemoryCache());
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { data } = await bare.mutate({
        mutation: CreateUserDocument,
        variables: {
          input: { email: 'another.person@example.com', username: ADA.username, sources: ['USER_MANAGEMENT'] },
        },
      });
      // The gateway answered userErrors; the cache could not tell a CreateUserPayload is a MutationPayload.
      expect(data?.createUser).not.toHaveProperty('userErrors');
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("an expired token's message reaches the client, not only its status", async () => {
    const failure = await client(expired)
      .query({ query: UserByEmailDocument, variables: { email: ADA.email } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(CombinedGraphQLErrors.is(failure)).toBe(true);
    const errors = (failure as CombinedGraphQLErrors).errors;
    expect(errors).toEqual([
      expect.objectContaining({ message: 'The token has expired', extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    expect(vendorCalls(app)).toEqual({});
  });

  it("deleteUser answers the deleted user's id, and the client evicts that user from its cache", async () => {
    const apollo = client(admin);
    const created = await apollo.mutate({
      mutation: CreateUserDocument,
      variables: {
        input: {
          email: 'short.lived@example.com',
          username: 'short.lived',
          firstName: 'Short',
          lastName: 'Lived',
          country: 'USA',
          state: 'California',
          accountId: SEED_ACCOUNTS[0].id,
          password: 'a-long-enough-Passw0rd',
        },
      },
    });
    const id = created.data?.createUser.user?.id;
    expect(created.data?.createUser.userErrors).toEqual([]);
    expect(id).toMatch(/\S/);
    const cacheId = apollo.cache.identify({ __typename: 'User', id: id! });
    expect(apollo.cache.extract()).toHaveProperty([cacheId!]);

    const { data } = await apollo.mutate({
      mutation: DeleteUserDocument,
      variables: { input: { id: id! } },
      update(cache, { data: answer }) {
        const deleted = answer?.deleteUser.deletedUserId;
        if (deleted) cache.evict({ id: cache.identify({ __typename: 'User', id: deleted }) });
      },
    });
    expect(data?.deleteUser.deletedUserId).toBe(id);
    expect(data?.deleteUser.results.every((result) => result.status === 'SUCCEEDED')).toBe(true);
    expect(apollo.cache.extract()).not.toHaveProperty([cacheId!]);
  });

  it('deleteUser of an id that is not a user answers no id, with the reason in userErrors', async () => {
    const { data } = await client(admin).mutate({
      mutation: DeleteUserDocument,
      variables: { input: { id: 'usr_nobody' } },
    });
    expect(data?.deleteUser.deletedUserId).toBeNull();
    expect(data?.deleteUser.userErrors.map((problem) => problem.code)).toEqual(['USER_NOT_FOUND']);
  });

  it("pages Account.users into one list with the kit's relayStylePagination policy", async () => {
    const apollo = client(admin);
    const variables = { id: SEED_ACCOUNTS[0].id, first: 2 };
    const first = await apollo.query({ query: AccountWithUsersDocument, variables });
    const page = first.data!.account!.users;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    // What fetchMore does: the next page from the network, merged by the policy into the list read above.
    await apollo.query({
      query: AccountWithUsersDocument,
      variables: { ...variables, after: page.pageInfo.endCursor },
      fetchPolicy: 'network-only',
    });
    const merged = apollo.readQuery({ query: AccountWithUsersDocument, variables });
    expect(merged?.account?.users.edges).toHaveLength(4);
    const ids = merged!.account!.users.edges.map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(4);
  });
});
