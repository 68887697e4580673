import { bearer, bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * Query arguments and request values at the edges, through GraphQL over
 * HTTP against the simulators: every argument of a query is bounded like a mutation's input (an
 * email at 254 characters, ids at 128, other text at INPUT_MAX_TEXT_LENGTH; no control
 * characters), and an email argument must be an address. Each refusal is a 400 naming the argument
 * with a stable code, before anything resolves: no vendor call, no database query, and the value is
 * never echoed. A variable nested far deeper than any input is a 400 VARIABLES_TOO_DEEP, not a 500.
 */
interface Answer {
  status: number;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

describe('query arguments and request values at the edges', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  /** Sends a query that must be refused before anything resolves, and answers [status, code, argumentName]. */
  async function refused(query: string, variables: Record<string, unknown> = {}, value?: string) {
    const answer = await graphql(app, query, variables);
    expect(vendorCalls(app)).toEqual({});
    expect(app.store.db.queryCount).toBe(0);
    expect(answer.data).toBeUndefined();
    if (value !== undefined) expect(JSON.stringify(answer)).not.toContain(value);
    const error = answer.errors?.[0];
    return [answer.status, error?.extensions?.['code'], error?.extensions?.['argumentName']];
  }

  it('bounds user(email:): a 1 MB address and a 10,000-character one are refused, never sent to a vendor', async () => {
    const huge = `${'a'.repeat(1_048_000)}@example.com`;
    const long = `${'b'.repeat(10_000)}@example.com`;
    const query = 'query($email: String) { user(email: $email) { id permissions { api } } }';
    expect(await refused(query, { email: huge }, 'a'.repeat(100))).toEqual([400, 'INPUT_TOO_LONG', 'email']);
    expect(await refused(query, { email: long }, 'b'.repeat(100))).toEqual([400, 'INPUT_TOO_LONG', 'email']);
    // Written in the document rather than a variable, it is refused the same way.
    expect(await refused(`{ user(email: "${long}") { id } }`)).toEqual([400, 'INPUT_TOO_LONG', 'email']);
  });

  it('answers an email argument that is not an address with BAD_USER_INPUT naming it, asking no vendor', async () => {
    const query = 'query($email: String) { user(email: $email) { id } }';
    for (const email of ['not an email', 'no-at-sign.example.com', '@example.com', 'ada@', 'two words@example.com']) {
      const answer = await graphql(app, query, { email });
      expect([email, answer.status]).toEqual([email, 400]);
      expect(answer.errors).toEqual([
        {
          message: '`email` is not an email address',
          extensions: { code: 'BAD_USER_INPUT', argumentName: 'email' },
        },
      ]);
      expect(vendorCalls(app)).toEqual({});
    }
    expect(await refused(query, { email: 'nul\u0000@example.com' })).toEqual([400, 'INVALID_CHARACTERS', 'email']);
  });

  it('bounds every other argument: ids at 128, the email filter at 254, cursors and text at 256', async () => {
    const id = `usr_${'9'.repeat(125)}`;
    const long = 'x'.repeat(257);
    expect(await refused('query($id: ID) { user(id: $id) { id } }', { id }, id)).toEqual([400, 'INPUT_TOO_LONG', 'id']);
    expect(await refused('query($id: ID!) { account(id: $id) { id } }', { id })).toEqual([400, 'INPUT_TOO_LONG', 'id']);
    expect(
      await refused('query($f: UserFilter) { users(filter: $f) { totalCount } }', {
        f: { emailContains: 'e'.repeat(255) },
      }),
    ).toEqual([400, 'INPUT_TOO_LONG', 'filter.emailContains']);
    expect(await refused('query($after: String) { users(after: $after) { totalCount } }', { after: long })).toEqual([
      400,
      'INPUT_TOO_LONG',
      'after',
    ]);
    expect(
      await refused('query($f: OperationFilter) { operations(filter: $f) { totalCount } }', { f: { userId: id } }),
    ).toEqual([400, 'INPUT_TOO_LONG', 'filter.userId']);
    // A nested connection's arguments, inside a fragment, are checked too.
    expect(
      await refused(
        'query($after: String) { account(id: "1") { ...Members } } fragment Members on Account { users(after: $after) { totalCount } }',
        { after: long },
      ),
    ).toEqual([400, 'INPUT_TOO_LONG', 'after']);
  });

  it('lets arguments at their bounds through', async () => {
    const email = `${'e'.repeat(242)}@example.com`;
    expect(email).toHaveLength(254);
    const answer = await graphql(app, 'query($email: String) { user(email: $email) { id } }', { email });
    expect([answer.status, answer.errors, answer.data]).toEqual([200, undefined, { user: null }]);
    const id = `usr_${'9'.repeat(124)}`;
    const byId = await graphql(app, 'query($id: ID) { user(id: $id) { id } }', { id });
    expect([byId.status, byId.errors, byId.data]).toEqual([200, undefined, { user: null }]);
  });

  async function raw(body: string | null, search = ''): Promise<Answer> {
    const response = await fetch(`${app.url}${search}`, {
      method: body === null ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...bearer(app.tokens?.admin) },
      body: body ?? undefined,
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  it('refuses a variable nested 400,000 lists deep with 400 VARIABLES_TOO_DEEP, and keeps serving', async () => {
    const deep = `${'['.repeat(400_000)}"x"${']'.repeat(400_000)}`;
    const query = 'query($id: ID) { user(id: $id) { id } }';
    const answer = await raw(`{"query":${JSON.stringify(query)},"variables":{"id":${deep}}}`);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'VARIABLES_TOO_DEEP', maxDepth: 64 }) }),
    ]);
    expect(vendorCalls(app)).toEqual({});
    // In a GET's query string as well.
    const shallower = `${'['.repeat(1_000)}1${']'.repeat(1_000)}`;
    const viaGet = await raw(
      null,
      `?query=${encodeURIComponent('{ sources { source } }')}&variables=${encodeURIComponent(`{"n":${shallower}}`)}`,
    );
    expect([viaGet.status, viaGet.errors?.[0]?.extensions?.['code']]).toEqual([400, 'VARIABLES_TOO_DEEP']);
    // Within the depth, graphql-js judges the value itself: a 400 for the wrong type, never a 500.
    const fits = `${'['.repeat(30)}"x"${']'.repeat(30)}`;
    const judged = await raw(`{"query":${JSON.stringify(query)},"variables":{"id":${fits}}}`);
    expect(judged.status).toBe(400);
    expect(judged.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const after = await graphql(app, '{ sources { source } }');
    expect(after.status).toBe(200);
  });
});
