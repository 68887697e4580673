import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * A request's time budget ends while a vendor hangs; the creates that succeeded elsewhere must still
 * be rolled back: the undo runs outside the budget, bounded by the vendor's own timeout.
 */
describe('a rollback after the request budget ran out', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ GRAPHQL_REQUEST_BUDGET_MS: '1000', VENDOR_TIMEOUT_MS: '5000', VENDOR_RETRIES: '0' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  it('still deletes what the other vendors created', async () => {
    const email = 'budget.rollback@example.org';
    app.simulators.simulators.ENGAGEMENT!.setFault('createMember', { hang: true });
    const response = await graphql<{
      createUser: { results: { source: string; status: string; error: { code: string } | null }[] };
    }>(
      app,
      'mutation($input: CreateUserInput!) { createUser(input: $input) { results { source status error { code } } } }',
      {
        input: {
          email,
          password: 'Budget-Pass-1',
          firstName: 'Bud',
          lastName: 'Get',
          country: 'India',
          accountId: '2',
          username: 'budget.rollback',
        },
      },
    );
    const statuses = Object.fromEntries(
      response.data!.createUser.results.map((result) => [result.source, result.status]),
    );
    expect(statuses).toEqual({
      RAINMAKER: 'ROLLED_BACK',
      ENGAGEMENT: 'FAILED',
      GREENARROW: 'ROLLED_BACK',
      USER_MANAGEMENT: 'ROLLED_BACK',
    });
    const sims = app.simulators.simulators;
    expect(sims.RAINMAKER!.store.has(email)).toBe(false);
    expect(sims.GREENARROW!.store.all().some((user) => user.email === email)).toBe(false);
    expect(sims.USER_MANAGEMENT!.store.all().some((user) => user.emailAddress === email)).toBe(false);
  });
});
