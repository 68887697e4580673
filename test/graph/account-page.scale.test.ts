import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * The account page's vendor calls do not grow with GreenArrow: account 4 (100 people, at every
 * vendor, the first generated account) costs one user-management call and the two GreenArrow
 * pages that hold its people, with 136 people at GreenArrow and again with 20,136, after 1,000
 * earlier requests in the same process (a walk learnt the listing's length long before). Counted
 * at the simulators.
 */
const ACCOUNT_QUERY = `query ($id: ID!) { account(id: $id) { users(first: 100) { totalCount nodes {
  email displayName permissions { api ui injection } identities { source externalId } } } } }`;
const USER_QUERY = `query ($email: String!) { user(email: $email) { email permissions { api } } }`;
const ACCOUNT_PAGE_CALLS = { USER_MANAGEMENT: { usersByAccount: 1 }, GREENARROW: { listUsers: 2 } };
const EARLIER_REQUESTS = 1_000;
const IN_FLIGHT = 8;

interface AccountData {
  account: { users: { totalCount: number; nodes: { email: string; permissions: { api: string } | null }[] } };
}

describe('the account page at 20,000 people at GreenArrow', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ SIM_POPULATION: '136', RATE_LIMIT_REQUESTS: '1000000' });
  });
  afterAll(() => app.stop());

  async function accountPage(id = '4'): Promise<AccountData['account']['users']> {
    const result = await graphql<AccountData>(app, ACCOUNT_QUERY, { id });
    expect(result.errors).toBeUndefined();
    return result.data!.account.users;
  }

  it('costs 3 vendor calls at 100 people and at 20,000, after 1,000 earlier requests', async () => {
    resetCounters(app);
    const small = await accountPage();
    expect(small.totalCount).toBe(100);
    expect(small.nodes.every((node) => node.permissions !== null)).toBe(true);
    expect(vendorCalls(app)).toEqual(ACCOUNT_PAGE_CALLS);

    const greenArrow = app.simulators.simulators.GREENARROW!;
    greenArrow.store.insert(
      Array.from({ length: 20_000 }, (_, index) => ({
        email: `crowd${index}@scale.example.net`,
        permissions: { api: 'no', ui: 'no', injection: 'no' } as const,
      })),
    );
    expect(greenArrow.store.all().length).toBeGreaterThanOrEqual(20_100);

    // A long-running process: user look-ups and every account's page, some at once.
    const emails = app.simulators.simulators.USER_MANAGEMENT!.store.all().map((user) => user.emailAddress);
    let sent = 0;
    const send = async (): Promise<void> => {
      while (sent < EARLIER_REQUESTS) {
        const n = sent++;
        const result =
          n % 25 === 0
            ? await graphql(app, ACCOUNT_QUERY, { id: String(1 + ((n / 25) % 4)) })
            : await graphql(app, USER_QUERY, { email: emails[n % emails.length] });
        expect(result.errors).toBeUndefined();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, send));

    resetCounters(app);
    const large = await accountPage();
    expect(large.nodes.map((node) => node.email)).toEqual(small.nodes.map((node) => node.email));
    expect(large.nodes.every((node) => node.permissions !== null)).toBe(true);
    expect(vendorCalls(app)).toEqual(ACCOUNT_PAGE_CALLS);
  }, 120_000);

  it('reads people a page no longer holds on their own, and places them again', async () => {
    const greenArrow = app.simulators.simulators.GREENARROW!;
    // Removing the listing's first user moves everyone after it back by one.
    const first = greenArrow.store.all().sort((a, b) => a.id - b.id)[0];
    greenArrow.store.remove(first.id);
    resetCounters(app);
    const moved = await accountPage();
    expect(moved.totalCount).toBe(100);
    expect(moved.nodes.every((node) => node.permissions !== null)).toBe(true);
    const calls = vendorCalls(app)['GREENARROW'];
    expect(calls['listUsers']).toBe(2);
    expect(calls['getUser'] ?? 0).toBeLessThanOrEqual(2);
  });
});
