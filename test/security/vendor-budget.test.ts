import type { FormattedExecutionResult } from 'graphql';
import { runInRequest, type RequestScope } from '../../src/platform/request-context';
import { bootGateway, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * The per-request vendor-call budget, enforced by the vendor transport, and `sources` probing each
 * vendor once per request however many times it is asked. Operations run in process inside a
 * request scope of their own, as the HTTP front makes one per request.
 */
describe('vendor calls per request', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    // GRAPHQL_MAX_ALIASES (100 by default) would refuse the alias flood below before any probe.
    app = await bootGateway({ VENDOR_RETRIES: '0', GRAPHQL_MAX_ALIASES: '1000' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  function scope(vendorCallsLeft: number | null): RequestScope {
    return {
      requestId: 'budget-test',
      actor: { subject: 'budget-test', role: 'admin', method: 'jwt' },
      clientAddress: '127.0.0.1',
      carried: new Set(),
      vendorCallsLeft,
    };
  }

  async function execute<Data>(query: string, request: RequestScope): Promise<FormattedExecutionResult<Data>> {
    const response = await runInRequest(request, () =>
      app.graphql.executeOperation<Data>({ query }, { contextValue: app.context() }),
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  }

  /** Every vendor call the simulators saw, across vendors and routes. */
  const totalCalls = () =>
    Object.values(app.simulators.simulators).reduce(
      (sum, simulator) => sum + Object.values(simulator.calls()).reduce((a, b) => a + b, 0),
      0,
    );

  it('probes each vendor once for an alias flood of `sources`', async () => {
    const aliases = Array.from({ length: 500 }, (_, index) => `s${index}: sources { source reachable }`).join(' ');
    const result = await execute<Record<string, { source: string; reachable: boolean }[]>>(
      `{ ${aliases} }`,
      scope(null),
    );
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data!)).toHaveLength(500);
    expect(
      Object.values(result.data!).every(
        (statuses) => statuses.length === 4 && statuses.every((status) => status.reachable),
      ),
    ).toBe(true);
    expect(totalCalls()).toBeLessThanOrEqual(4);
    for (const simulator of Object.values(app.simulators.simulators))
      expect(Object.values(simulator.calls()).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('stops after N calls, with VENDOR_CALL_BUDGET_EXCEEDED on the fields that needed more', async () => {
    const request = scope(2);
    const result = await execute<{
      users: { nodes: { email: string; displayName: string | null; permissions: unknown }[] };
    }>('{ users(first: 10) { nodes { email displayName permissions { api } } } }', request);
    expect(totalCalls()).toBe(2);
    expect(request.vendorCallsLeft).toBe(0);
    // The gateway's own fields are answered; the vendor fields past the budget carry the code.
    expect(result.data!.users.nodes.every((node) => typeof node.email === 'string')).toBe(true);
    expect(result.errors!.length).toBeGreaterThan(0);
    expect(
      result.errors!.every(
        (error) =>
          error.extensions?.['code'] === 'VENDOR_CALL_BUDGET_EXCEEDED' && error.extensions['retryable'] === false,
      ),
    ).toBe(true);
    expect(result.errors!.every((error) => error.path?.[0] === 'users')).toBe(true);
  });

  it('refuses the probes past the budget on `sources`', async () => {
    const result = await execute<{ sources: unknown }>('{ sources { source reachable } }', scope(1));
    expect(totalCalls()).toBe(1);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['sources'],
        extensions: expect.objectContaining({ code: 'VENDOR_CALL_BUDGET_EXCEEDED' }),
      }),
    ]);
  });

  it('lets a rollback through an exhausted budget: a person is never left half-created for it', async () => {
    app.simulators.simulators.ENGAGEMENT!.setFault('createMember', { status: 500 });
    const query =
      'mutation { createUser(input: { email: "budget.rollback@example.org", password: "Budget-Pass-1", firstName: "Bud", lastName: "Get", country: "India", sources: [GREENARROW, ENGAGEMENT] }) { results { source status } } }';
    // The pre-flight read at GreenArrow, then the two creates: nothing left for the undo.
    const request = scope(3);
    const result = await execute<{ createUser: { results: { source: string; status: string }[] } }>(query, request);
    expect(result.errors).toBeUndefined();
    expect(result.data!.createUser.results.map((r) => [r.source, r.status])).toEqual([
      ['ENGAGEMENT', 'FAILED'],
      ['GREENARROW', 'ROLLED_BACK'],
    ]);
    expect(app.simulators.simulators.GREENARROW!.calls('deleteUser')).toBe(1);
    expect(request.vendorCallsLeft).toBe(0);
  });
});
