import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, type BootedGateway } from '../helpers/gateway';

/**
 * The circuit breaker through GraphQL: after the threshold, requests make
 * no call to the vendor; after the half-open delay one trial goes through; a failed trial opens it
 * again, a successful one lets traffic resume. GreenArrow answers Ada's permissions (one getUser a
 * request, no retries here); user-management's fields show the rest of the answer is whole.
 */
const QUERY = '{ user(email: "ada.lovelace0@example.com") { displayName permissions { api } } }';
const SOURCES = '{ sources { source reachable circuit lastError { code } } }';

type Answer = { user: { displayName: string | null; permissions: { api: string } | null } };

describe("a vendor's circuit breaker", () => {
  let app: BootedGateway;
  const greenArrowCalls = () =>
    Object.values(app.simulators.simulators.GREENARROW!.calls()).reduce((sum, count) => sum + count, 0);
  const circuit = async () => {
    const result = await graphql<{
      sources: { source: string; reachable: boolean; circuit: string | null; lastError: { code: string } | null }[];
    }>(app, SOURCES);
    return result.data!.sources.find((status) => status.source === 'GREENARROW')!;
  };
  /** One request: whether GreenArrow's field resolved, and the code on it when it did not. */
  const ask = async () => {
    const result = await graphql<Answer>(app, QUERY);
    expect(result.data!.user.displayName).toBe('Ada Lovelace');
    return { resolved: result.data!.user.permissions !== null, code: result.errors?.[0]?.extensions?.['code'] };
  };

  beforeAll(async () => {
    app = await bootGateway({
      VENDOR_RETRIES: '0',
      GREENARROW_BREAKER_THRESHOLD: '3',
      GREENARROW_BREAKER_HALF_OPEN_MS: '3000',
    });
  });
  afterAll(() => app.stop());

  it('opens after the threshold, then refuses every call without reaching the vendor', async () => {
    app.simulators.simulators.GREENARROW!.setFault('getUser', { status: 500 });
    for (let index = 0; index < 3; index += 1)
      expect(await ask()).toEqual({ resolved: false, code: 'VENDOR_UNAVAILABLE' });
    expect(greenArrowCalls()).toBe(3);

    const refused = await Promise.all(Array.from({ length: 20 }, () => ask()));
    expect(refused.every((answer) => !answer.resolved && answer.code === 'VENDOR_UNAVAILABLE')).toBe(true);
    // Nor does `sources` probe it: not reachable, the breaker open, the last error the vendor's own.
    expect(await circuit()).toEqual({
      source: 'GREENARROW',
      reachable: false,
      circuit: 'OPEN',
      lastError: { code: 'VENDOR_UNAVAILABLE' },
    });
    expect(greenArrowCalls()).toBe(3);
  });

  it('lets one trial through after the half-open delay; a failed trial opens it again', async () => {
    // Every poll is a request; all are refused until the delay has passed, and then exactly one goes.
    await eventually(async () => (await ask(), greenArrowCalls() > 3), 'the half-open trial');
    expect(greenArrowCalls()).toBe(4);
    expect((await circuit()).circuit).toBe('OPEN');
    await Promise.all(Array.from({ length: 10 }, () => ask()));
    expect(greenArrowCalls()).toBe(4);
  });

  it('closes when a trial succeeds, and traffic resumes', async () => {
    app.simulators.simulators.GREENARROW!.clearFaults();
    await eventually(async () => (await ask()).resolved, 'a successful trial');
    expect(greenArrowCalls()).toBe(5);
    expect(await circuit()).toMatchObject({ reachable: true, circuit: 'CLOSED' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask()));
    expect(answers.every((answer) => answer.resolved)).toBe(true);
    // Five reads, and the probe `sources` sent now that the breaker is closed.
    expect(app.simulators.simulators.GREENARROW!.calls()).toEqual({ getUser: 10, '(unmatched)': 1 });
  });
});
