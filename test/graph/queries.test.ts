import { isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { createSchema } from '../../src/graphql/schema';
import { bootGateway, graphql, type BootedGateway } from '../helpers/gateway';

interface Page {
  users: {
    totalCount: number;
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $filter: UserFilter) {
    users(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

describe('queries', () => {
  let app: BootedGateway;
  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());

  async function walk(filter?: Record<string, unknown>): Promise<{ ids: string[]; pages: number; totalCount: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let totalCount: number;
    for (;;) {
      const result: Awaited<ReturnType<typeof graphql<Page>>> = await graphql<Page>(app, PAGE, {
        first: 7,
        after,
        filter,
      });
      expect(result.errors).toBeUndefined();
      const { edges, pageInfo } = result.data!.users;
      totalCount = result.data!.users.totalCount;
      ids.push(...edges.map((edge) => edge.node.id));
      pages += 1;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
      expect(pages).toBeLessThan(100);
    }
    return { ids, pages, totalCount };
  }

  it('walks every seeded user exactly once with first: 7', async () => {
    const all = await app.store.identities.listUsers({ first: 10_000 });
    const { ids, pages, totalCount } = await walk();
    expect(ids).toEqual(all.users.map((user) => user.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(totalCount).toBe(ids.length);
    expect(pages).toBe(Math.ceil(ids.length / 7));
    expect(ids.length).toBeGreaterThan(30);
  });

  it('walks a filtered connection the same way', async () => {
    const { ids, totalCount } = await walk({ source: 'GREENARROW', emailContains: 'EXAMPLE.COM' });
    expect(ids.length).toBe(totalCount);
    expect(ids.length).toBeGreaterThan(0);
    const result = await graphql<{ users: { nodes: { email: string; identities: { source: string }[] }[] } }>(
      app,
      '{ users(first: 500, filter: { source: GREENARROW, emailContains: "example.com" }) { nodes { email identities { source } } } }',
    );
    for (const node of result.data!.users.nodes) {
      expect(node.email).toContain('example.com');
      expect(node.identities.map((identity) => identity.source)).toContain('GREENARROW');
    }
  });

  it.each([
    ['garbage', 'not-a-cursor!'],
    ['base64 of something else', Buffer.from('hello').toString('base64url')],
    ['a cursor of another connection', Buffer.from('account-users:1:5').toString('base64url')],
  ])('refuses %s as a cursor with BAD_USER_INPUT', async (_, after) => {
    const result = await graphql(app, PAGE, { first: 7, after });
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^`after` is not a cursor of this connection/),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'after' }),
      }),
    ]);
  });

  it.each([-1, 501])('refuses first: %d with BAD_USER_INPUT', async (first) => {
    const result = await graphql(app, PAGE, { first });
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('pages an account with its own cursors', async () => {
    const query =
      'query A($after: String) { account(id: "1") { users(first: 5, after: $after) { totalCount nodes { email } pageInfo { hasNextPage endCursor } } } }';
    type A = {
      account: {
        users: {
          totalCount: number;
          nodes: { email: string }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const first = await graphql<A>(app, query);
    const second = await graphql<A>(app, query, { after: first.data!.account.users.pageInfo.endCursor });
    expect(second.errors).toBeUndefined();
    const emails = [...first.data!.account.users.nodes, ...second.data!.account.users.nodes].map((node) => node.email);
    expect(new Set(emails).size).toBe(10);
    const users = await graphql<Page>(app, PAGE, { first: 1, after: first.data!.account.users.pageInfo.endCursor });
    expect(users.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('finds a user by id or by email in any case, and null for nobody', async () => {
    const byEmail = await graphql<{ user: { id: string; email: string } }>(
      app,
      '{ user(email: "ADA.Lovelace0@Example.com") { id email } }',
    );
    expect(byEmail.data!.user.email).toBe('ada.lovelace0@example.com');
    const byId = await graphql<{ user: { email: string } }>(app, 'query U($id: ID) { user(id: $id) { email } }', {
      id: byEmail.data!.user.id,
    });
    expect(byId.data!.user.email).toBe('ada.lovelace0@example.com');
    const nobody = await graphql(app, '{ a: user(email: "nobody@example.com") { id } b: user(id: "usr_nope") { id } }');
    expect(nobody).toMatchObject({ data: { a: null, b: null } });
    expect(nobody.errors).toBeUndefined();
  });

  it('asks for exactly one of id and email', async () => {
    for (const args of ['', '(id: "x", email: "y@example.com")']) {
      const result = await graphql(app, `{ user${args} { id } }`);
      expect(result.errors?.[0]).toMatchObject({
        message: 'Give exactly one of `id` and `email`',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });

  it('answers an unknown account with null, not an error', async () => {
    const result = await graphql(app, '{ account(id: "424242") { id } }');
    expect(result).toMatchObject({ data: { account: null } });
    expect(result.errors).toBeUndefined();
  });

  it('resolves every profile field of a person present in all four vendors', async () => {
    const result = await graphql<{ user: Record<string, unknown> }>(
      app,
      `
        {
          user(email: "ada.lovelace0@example.com") {
            email
            phone
            username
            displayName
            firstName
            lastName
            country
            state
            locale
            active
            lastActiveAt
            subscriptions {
              email
              sms
              voice
            }
            permissions {
              injection
              api
              ui
              disabled
              mailClass {
                id
                name
              }
            }
            account {
              id
            }
            identities {
              source
              externalId
              status
              linkedAt
              syncedAt
            }
          }
        }
      `,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.user).toMatchObject({
      email: 'ada.lovelace0@example.com',
      phone: expect.stringMatching(/^\+1\d{10}$/),
      username: 'ada.lovelace0',
      displayName: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      country: 'USA',
      state: 'California',
      locale: null,
      active: true,
      subscriptions: { email: true, sms: true, voice: true },
      permissions: {
        injection: 'ALL',
        api: 'READ_ONLY',
        ui: 'FULL',
        disabled: false,
        mailClass: { id: '1', name: 'transactional' },
      },
      account: { id: '1' },
    });
    const identities = result.data!.user['identities'] as { source: string; linkedAt: string; syncedAt: string }[];
    expect(identities.map((identity) => identity.source).sort()).toEqual([
      'ENGAGEMENT',
      'GREENARROW',
      'RAINMAKER',
      'USER_MANAGEMENT',
    ]);
    expect(Number.isNaN(Date.parse(identities[0].linkedAt))).toBe(false);
  });
});

describe('the schema', () => {
  it('has no password field on any output type', async () => {
    const schema = await createSchema();
    const mutationRoot = schema.getMutationType()?.name;
    const outputFields: { type: string; field: string }[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      // The Mutation root's fields are operations (changePassword), not data a client reads back.
      if (type.name.startsWith('__') || type.name === mutationRoot) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) outputFields.push({ type: type.name, field: field.name });
      } else if (isInputObjectType(type)) {
        continue; // inputs may take a password (write-only); outputs never return one
      }
    }
    expect(outputFields.length).toBeGreaterThan(40);
    expect(outputFields.filter(({ field }) => /pass(word)?|secret|credential|hash/i.test(field))).toEqual([]);
    // And the inputs that do take one: only the write-only password fields, nowhere else.
    const inputsWithPassword = Object.values(schema.getTypeMap())
      .filter(isInputObjectType)
      .flatMap((type) =>
        Object.keys(type.getFields())
          .filter((name) => /password/i.test(name))
          .map((name) => `${type.name}.${name}`),
      );
    expect(inputsWithPassword.sort()).toEqual(['ChangePasswordInput.password', 'CreateUserInput.password']);
  });

  it('describes every type and field (the playground is the documentation)', async () => {
    const schema = await createSchema();
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!type.description) undocumented.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields()))
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
