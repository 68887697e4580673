import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * A vendor that answers the same page token again would keep a listing walk going for ever: with
 * the request's memo every turn is a resolved promise, and the whole process would stop answering.
 * The walk stops instead, failing only the fields that needed it.
 */
describe('a GreenArrow listing that repeats its page token', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    // Small pages, so the account's GreenArrow users span several and the walk must follow the token.
    app = await bootGateway({ VENDOR_RETRIES: '0', GREENARROW_PAGE_SIZE: '5' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  it('fails the permissions with VENDOR_BAD_RESPONSE after two pages, while the rest of the request and other requests are answered', async () => {
    app.simulators.simulators.GREENARROW!.setFault('listUsers', { repeatPageToken: true });
    const walking = graphql<{
      account: { users: { nodes: { email: string; displayName: string | null; permissions: unknown }[] } };
    }>(app, '{ account(id: "1") { users(first: 20) { nodes { email displayName permissions { api } } } } }');
    const other = graphql<{ user: { email: string } | null }>(
      app,
      '{ user(email: "ada.lovelace0@example.com") { email } }',
    );

    const [result, otherResult] = await Promise.all([walking, other]);
    expect(otherResult.data!.user).toEqual({ email: 'ada.lovelace0@example.com' });

    const nodes = result.data!.account.users.nodes;
    expect(nodes.length).toBeGreaterThan(1);
    expect(nodes.every((node) => node.displayName !== null)).toBe(true);
    const permissionErrors = result.errors!.filter((error) => error.path?.at(-1) === 'permissions');
    expect(permissionErrors.length).toBeGreaterThan(0);
    for (const error of permissionErrors)
      expect(error.extensions).toMatchObject({ code: 'VENDOR_BAD_RESPONSE', source: 'GREENARROW' });
    expect(result.errors!.length).toBe(permissionErrors.length);
    // The first page, then the page its token names, which answers the same token: the walk stops there.
    expect(vendorCalls(app)['GREENARROW']).toEqual({ listUsers: 2 });

    const sources = await graphql<{ sources: { source: string; lastError: { code: string } | null }[] }>(
      app,
      '{ sources { source lastError { code } } }',
    );
    expect(sources.data!.sources.find((source) => source.source === 'GREENARROW')!.lastError).toEqual({
      code: 'VENDOR_BAD_RESPONSE',
    });
  });
});
