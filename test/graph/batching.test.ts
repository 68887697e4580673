import { addAccount } from '../helpers/accounts';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * The batching contract (docs/queries.md), counted at the simulators and the store: an account of N
 * users with their permissions and identities costs one user-management call, the fewest
 * GreenArrow calls, no repeated call, and one store query per batch.
 */
const ACCOUNT_QUERY = /* GraphQL */ `
  query Account($id: ID!, $first: Int) {
    account(id: $id) {
      users(first: $first) {
        totalCount
        nodes {
          email
          displayName
          permissions {
            api
            ui
            injection
          }
          identities {
            source
            externalId
          }
        }
      }
    }
  }
`;

interface AccountData {
  account: {
    users: {
      totalCount: number;
      nodes: {
        email: string;
        displayName: string;
        permissions: { api: string } | null;
        identities: { source: string; externalId: string }[];
      }[];
    };
  };
}

describe('batching an account of many users', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());

  /** The GreenArrow list pages a walk must read to reach every one of these emails. */
  function greenArrowPagesToReach(emails: string[]): number {
    const all = app.simulators.simulators.GREENARROW!.store.all().sort((a, b) => a.id - b.id);
    const wanted = new Set(emails);
    const last = all.reduce((max, user, index) => (wanted.has(user.email) ? index : max), -1);
    return Math.floor(last / app.simulators.simulators.GREENARROW!.perPage) + 1;
  }

  function assertNoCallRepeated(): void {
    for (const simulator of Object.values(app.simulators.simulators)) {
      const asked = simulator.callLog().map((call) => `${call.method} ${call.path}${call.search}`);
      expect(asked).toEqual([...new Set(asked)]);
    }
  }

  it.each([
    ['100', 100],
    ['250', 250],
  ])('account %s: one user-management call, a GreenArrow page walk, three store queries', async (id, size) => {
    const emails = await addAccount(app, id, size);
    const pages = greenArrowPagesToReach(emails);
    expect(pages).toBeGreaterThan(1);
    resetCounters(app);

    const result = await graphql<AccountData>(app, ACCOUNT_QUERY, { id, first: size });

    expect(result.errors).toBeUndefined();
    const users = result.data!.account.users;
    expect(users.totalCount).toBe(size);
    expect(users.nodes.map((node) => node.email)).toEqual(emails);
    expect(users.nodes.every((node) => node.permissions?.api === 'READ_ONLY')).toBe(true);
    expect(
      users.nodes.every(
        (node) =>
          node.identities
            .map((identity) => identity.source)
            .sort()
            .join() === 'GREENARROW,USER_MANAGEMENT',
      ),
    ).toBe(true);
    expect(vendorCalls(app)).toEqual({
      USER_MANAGEMENT: { usersByAccount: 1 },
      GREENARROW: { listUsers: pages },
    });
    assertNoCallRepeated();
    // Gateway ids of the account's records, the users, their identities: one query each.
    expect(app.store.db.queryCount).toBe(3);
  });

  it('reads a single user with one GreenArrow getUser rather than a page walk', async () => {
    resetCounters(app);
    const result = await graphql<{ user: { permissions: { api: string } | null } }>(
      app,
      '{ user(email: "ada.lovelace0@example.com") { permissions { api } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.user.permissions).not.toBeNull();
    expect(vendorCalls(app)).toEqual({ GREENARROW: { getUser: 1 } });
  });

  it('asks the user-management API once for an account however many fields need it', async () => {
    resetCounters(app);
    const result = await graphql(
      app,
      '{ a: account(id: "1") { id users(first: 3) { nodes { username account { id } } } } b: account(id: "1") { id } }',
    );
    expect(result.errors).toBeUndefined();
    expect(vendorCalls(app)).toEqual({ USER_MANAGEMENT: { usersByAccount: 1 } });
  });
});
