import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * A page (and `user`) settles the vendor fields its query selects on the users before their
 * resolvers run (src/graphql/user/view-fields.ts): however the selection is written (named and
 * inline fragments, `edges { node }`, @skip and @include), the answer and the vendor calls are
 * those of the plain query, and a field left out costs its vendor nothing.
 */
const PLAIN = /* GraphQL */ `
  query Plain {
    users(first: 5) {
      nodes {
        email
        username
        displayName
        firstName
        active
        subscriptions {
          email
        }
        permissions {
          api
        }
        account {
          id
        }
      }
    }
  }
`;

const WRITTEN_OTHERWISE = /* GraphQL */ `
  query Otherwise($yes: Boolean!, $no: Boolean!) {
    users(first: 5) {
      edges {
        node {
          email
          ...Names
          ... on User {
            active
            subscriptions {
              email
            }
          }
          permissions @include(if: $yes) {
            api
          }
          account @skip(if: $no) {
            id
          }
          lastName @skip(if: $yes)
        }
      }
    }
  }
  fragment Names on User {
    username
    ... on User {
      displayName
      firstName
    }
  }
`;

type Node = Record<string, unknown>;

describe('the fields a page settles are the ones its query selects', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
    // The first page teaches the gateway where its people are (which user-management accounts hold
    // them), which changes how it batches later reads: every comparison here is made after it.
    expect((await graphql(app, PLAIN)).errors).toBeUndefined();
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  async function ask(query: string, variables?: Record<string, unknown>) {
    resetCounters(app);
    const result = await graphql<{ users: { nodes?: Node[]; edges?: { node: Node }[] } }>(app, query, variables);
    expect(result.errors).toBeUndefined();
    const users = result.data!.users;
    return { nodes: users.nodes ?? users.edges!.map((edge) => edge.node), calls: vendorCalls(app) };
  }

  it('answers fragments, inline fragments, edges and directives as the plain query, with the same vendor calls', async () => {
    const plain = await ask(PLAIN);
    const otherwise = await ask(WRITTEN_OTHERWISE, { yes: true, no: false });

    expect(plain.nodes).toHaveLength(5);
    expect(plain.nodes.every((node) => typeof node.username === 'string' && node.permissions !== undefined)).toBe(true);
    expect(otherwise.nodes).toEqual(plain.nodes);
    expect(otherwise.calls).toEqual(plain.calls);
    expect(Object.keys(plain.calls).sort()).toEqual(['GREENARROW', 'USER_MANAGEMENT']);
  });

  it('asks no vendor for a field @skip or @include leaves out', async () => {
    const withPermissions = await ask(WRITTEN_OTHERWISE, { yes: true, no: false });
    const without = await ask(WRITTEN_OTHERWISE, { yes: false, no: false });

    expect(withPermissions.calls['GREENARROW']).toBeDefined();
    expect(without.calls['GREENARROW']).toBeUndefined();
    expect(without.nodes.every((node) => !('permissions' in node) && 'lastName' in node)).toBe(true);
    expect(without.calls['USER_MANAGEMENT']).toEqual(withPermissions.calls['USER_MANAGEMENT']);
  });

  it('asks no vendor at all for a page of what the gateway keeps itself', async () => {
    const own = await ask('{ users(first: 5) { nodes { id email identities { source externalId } } } }');

    expect(own.nodes).toHaveLength(5);
    expect(own.calls).toEqual({});
  });

  it('answers `user` through a fragment as it answers the plain field', async () => {
    const email = 'ada.lovelace0@example.com';
    resetCounters(app);
    const plain = await graphql(app, `{ user(email: "${email}") { username permissions { api } country } }`);
    const plainCalls = vendorCalls(app);
    resetCounters(app);
    const spread = await graphql(
      app,
      `{ user(email: "${email}") { ...Who } } fragment Who on User { username ... on User { permissions { api } } country }`,
    );

    expect(plain.errors).toBeUndefined();
    expect(spread.data).toEqual(plain.data);
    expect(vendorCalls(app)).toEqual(plainCalls);
  });
});
