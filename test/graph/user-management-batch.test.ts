import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * User-management has no batch read: a page's usernames were one single read per user. Once its
 * adapter has seen where the records live, it reads a page by listing the accounts that hold them
 * instead, when that takes fewer calls (the sample population is 36 people in 3 accounts).
 */
describe("a page of users' usernames from user-management", () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ MIRROR_REFRESH_INTERVAL_S: '0' });
  });
  afterAll(() => app.stop());

  const page = async () => {
    resetCounters(app);
    const answer = await graphql<{ users: { nodes: { username: string | null }[] } }>(
      app,
      '{ users(first: 20) { nodes { username } } }',
    );
    expect(answer.errors).toBeUndefined();
    return answer.data!.users.nodes.map((node) => node.username);
  };

  it('reads a page one user at a time while it does not know their accounts, then by the accounts’ listings', async () => {
    const first = await page();
    const singles = vendorCalls(app)['USER_MANAGEMENT'];
    expect(singles?.['getUser']).toBeGreaterThan(3);
    expect(singles?.['usersByAccount']).toBeUndefined();
    // The same page again: the same usernames, from one listing per account.
    expect(await page()).toEqual(first);
    const listings = vendorCalls(app)['USER_MANAGEMENT'];
    expect(listings).toEqual({ usersByAccount: expect.any(Number) });
    expect(listings['usersByAccount']).toBeLessThanOrEqual(3);
    expect(listings['usersByAccount']).toBeLessThan(singles['getUser']);
  });
});
