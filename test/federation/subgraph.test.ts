import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  getIntrospectionQuery,
  graphql as execute,
  printType,
  type IntrospectionQuery,
} from 'graphql';
import { createSchema, createSubgraphSchema, printSortedSchema } from '../../src/graphql/schema';
import { addAccount } from '../helpers/accounts';
import { asActor, bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { accountPageCalls, USER_FIELDS } from './account-page';
import { composeSupergraph, USERGRAPH_SDL_FILE } from './compose-supergraph';
import { ORDERS_SDL_FILE } from './orders-subgraph';

/**
 * The gateway as a Federation v2 subgraph (GRAPHQL_SUBGRAPH, on in the demo), asked directly as a
 * router asks it: `_entities` resolves User references by id or email and Account references by
 * id through the request's loaders, priced and limited as any query; `_service` answers its SDL
 * to whom GRAPHQL_SUBGRAPH_SDL allows. Switched off (the default), the schema is exactly the
 * committed standalone one.
 */
const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on User { ${USER_FIELDS} }
      ... on Account { id users(first: 2) { totalCount } }
    }
  }
`;

type Entity = { __typename: string; id: string; email?: string; permissions?: { api: string } | null } | null;

const userById = (id: string) => ({ __typename: 'User', id });
const userByEmail = (email: string) => ({ __typename: 'User', email });

describe('the gateway as a Federation subgraph', () => {
  let app: BootedGateway;
  let emails: string[];
  let ids: string[];

  beforeAll(async () => {
    app = await bootGateway({ GRAPHQL_SUBGRAPH: 'true' });
    emails = await addAccount(app, '700', 100);
    const byEmail = await app.store.identities.userIdsByEmails(emails);
    ids = emails.map((email) => byEmail.get(email)!);
  });
  afterAll(() => app.stop());

  /** Every call the simulators logged since the last reset, as METHOD route. */
  const loggedCalls = () =>
    Object.values(app.simulators.simulators).flatMap((simulator) =>
      simulator.callLog().map((call) => `${call.method} ${call.route}`),
    );

  describe('_entities', () => {
    it('100 Users by id cost the vendor calls of an account page of 100, less its member listing, in two store queries', async () => {
      const page = await accountPageCalls(app, '700', 100);
      expect(page.listing).toEqual({ USER_MANAGEMENT: { usersByAccount: 1 } });
      expect(Object.keys(page.perUser)).toEqual(['GREENARROW']);
      resetCounters(app);

      const result = await graphql<{ _entities: Entity[] }>(app, ENTITIES, { representations: ids.map(userById) });

      expect(result.errors).toBeUndefined();
      expect(result.data!._entities.map((user) => user!.email)).toEqual(emails);
      expect(result.data!._entities.every((user) => user!.permissions?.api === 'READ_ONLY')).toBe(true);
      expect(vendorCalls(app)).toEqual(page.perUser);
      // The users by id, then their identities: one query each for the whole batch.
      expect(app.store.db.queryCount).toBe(2);
    });

    it('100 Users by email, in any letter case: the same vendor calls, in three store queries', async () => {
      const page = await accountPageCalls(app, '700', 100);
      resetCounters(app);

      const representations = emails.map((email, index) => userByEmail(index % 2 ? email.toUpperCase() : email));
      const result = await graphql<{ _entities: Entity[] }>(app, ENTITIES, { representations });

      expect(result.errors).toBeUndefined();
      expect(result.data!._entities.map((user) => user!.id)).toEqual(ids);
      expect(vendorCalls(app)).toEqual(page.perUser);
      // The ids by email, the users, their identities.
      expect(app.store.db.queryCount).toBe(3);
    });

    it('unknown ids and addresses are null, with no error for the others and no vendor asked or written to', async () => {
      resetCounters(app);
      const unknownOnly = await graphql<{ _entities: Entity[] }>(app, ENTITIES, {
        representations: [userById('usr_gone'), userByEmail('nobody@example.net'), userById('')],
      });
      expect(unknownOnly.errors).toBeUndefined();
      expect(unknownOnly.data!._entities).toEqual([null, null, null]);
      expect(loggedCalls()).toEqual([]);

      resetCounters(app);
      const mixed = await graphql<{ _entities: Entity[] }>(app, ENTITIES, {
        representations: [
          userById(ids[0]),
          userById('usr_gone'),
          userByEmail(emails[1]),
          userByEmail('gone@example.net'),
        ],
      });
      expect(mixed.errors).toBeUndefined();
      expect(mixed.data!._entities.map((user) => user?.email ?? null)).toEqual([emails[0], null, emails[1], null]);
      expect(loggedCalls().length).toBeGreaterThan(0);
      expect(loggedCalls().filter((call) => !call.startsWith('GET '))).toEqual([]);
    });

    it('a representation with neither key fails alone, as BAD_USER_INPUT', async () => {
      const result = await graphql<{ _entities: Entity[] }>(app, ENTITIES, {
        representations: [userById(ids[0]), { __typename: 'User', username: 'b700p1' }, { __typename: 'User', id: 7 }],
      });
      expect(result.data!._entities.map((user) => user?.id ?? null)).toEqual([ids[0], null, null]);
      expect(result.errors!.map((error) => [error.path, error.extensions['code']])).toEqual([
        [['_entities', 1], 'BAD_USER_INPUT'],
        [['_entities', 2], 'BAD_USER_INPUT'],
      ]);
    });

    it('Accounts by id, with one user-management call each; an account the API lacks is null', async () => {
      resetCounters(app);
      const result = await graphql<{ _entities: ({ id: string; users: { totalCount: number } } | null)[] }>(
        app,
        ENTITIES,
        {
          representations: [
            { __typename: 'Account', id: '700' },
            { __typename: 'Account', id: '99999' },
          ],
        },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities).toEqual([{ __typename: 'Account', id: '700', users: { totalCount: 100 } }, null]);
      expect(vendorCalls(app)).toEqual({ USER_MANAGEMENT: { usersByAccount: 2 } });
    });

    it('is priced per representation: over the cost limit it is refused before anything is looked up', async () => {
      // `email permissions { api }` costs 3 per User: 8,000 of them cost 24,001, under the default 25,000.
      const query =
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email permissions { api } } } }';
      const unknown = (count: number) => Array.from({ length: count }, (_, index) => userById(`usr_none_${index}`));

      resetCounters(app);
      const within = await graphql<{ _entities: Entity[] }>(app, query, { r: unknown(8_000) });
      expect(within.errors).toBeUndefined();
      expect(within.data!._entities.every((user) => user === null)).toBe(true);

      resetCounters(app);
      const over = await graphql(app, query, { r: unknown(8_400) });
      expect(over.status).toBe(400);
      expect(over.errors!.map((error) => error.extensions)).toEqual([
        { code: 'QUERY_TOO_COSTLY', cost: 1 + 3 * 8_400, maxCost: 25_000 },
      ]);
      expect(app.store.db.queryCount).toBe(0);
      expect(loggedCalls()).toEqual([]);
    });

    it('aliases of _entities count against the alias limit like any other', async () => {
      const aliased = Array.from(
        { length: 101 },
        (_, index) =>
          `e${index}: _entities(representations: [{ __typename: "User", id: "usr_${index}" }]) { __typename }`,
      );
      const result = await graphql(app, `{ ${aliased.join(' ')} }`);
      expect(result.status).toBe(400);
      expect(result.errors![0].extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', aliases: 101, maxAliases: 100 });
    });

    it('a viewer may resolve references, as it may query users; a caller without a token is refused with 401', async () => {
      const viewer = await graphql<{ _entities: Entity[] }>(
        app,
        ENTITIES,
        { representations: [userById(ids[2])] },
        {
          token: app.tokens!.viewer,
        },
      );
      expect(viewer.errors).toBeUndefined();
      expect(viewer.data!._entities[0]!.email).toBe(emails[2]);

      const anonymous = await graphql(app, ENTITIES, { representations: [userById(ids[2])] }, { token: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors![0].extensions['code']).toBe('UNAUTHENTICATED');
    });
  });

  it("answers no Apollo inline trace (ftv1) to a caller that asks for one: the gateway's own traces measure it", async () => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${app.tokens!.viewer}`,
        'apollo-federation-include-trace': 'ftv1',
      },
      body: JSON.stringify({ query: ENTITIES, variables: { representations: [userById(ids[4])] } }),
    });
    const body = (await response.json()) as { data: unknown; extensions?: unknown };
    expect(body.data).toEqual({ _entities: [expect.objectContaining({ email: emails[4] })] });
    expect(body.extensions).toBeUndefined();
  });

  describe('_service', () => {
    const SERVICE = '{ _service { sdl } }';

    it("answers the demo's admin the SDL, which composes into the same supergraph as schema/subgraph.graphql", async () => {
      const result = await graphql<{ _service: { sdl: string } }>(app, SERVICE);
      expect(result.errors).toBeUndefined();
      const sdl = result.data!._service.sdl;
      expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.0"');
      const orders = {
        name: 'orders',
        url: 'http://127.0.0.1:4001/graphql',
        sdl: readFileSync(ORDERS_SDL_FILE, 'utf8'),
      };
      const url = 'http://127.0.0.1:4000/graphql';
      expect(composeSupergraph([{ name: 'usergraph', url, sdl }, orders])).toBe(
        composeSupergraph([{ name: 'usergraph', url, sdl: readFileSync(USERGRAPH_SDL_FILE, 'utf8') }, orders]),
      );
    });

    it('refuses a viewer by default (GRAPHQL_SUBGRAPH_SDL=admin), with FORBIDDEN', async () => {
      const result = await graphql(app, SERVICE, {}, { token: app.tokens!.viewer });
      expect(result.data).toBeNull();
      expect(result.errors!.map((error) => [error.path, error.extensions['code']])).toEqual([
        [['_service'], 'FORBIDDEN'],
      ]);
    });

    it.each([
      ['viewer', 'viewer', true],
      ['viewer', 'admin', true],
      ['off', 'admin', false],
    ] as const)('GRAPHQL_SUBGRAPH_SDL=%s: a %s may read it: %s', async (readers, role, allowed) => {
      const schema = await createSubgraphSchema(readers);
      const result = await asActor(role, () => execute({ schema, source: SERVICE }));
      if (allowed) {
        expect(result.errors).toBeUndefined();
        expect((result.data as { _service: { sdl: string } })._service.sdl).toContain('@key(fields: "email")');
      } else {
        expect(result.errors!.map((error) => error.extensions['code'])).toEqual(['FORBIDDEN']);
        expect(result.errors![0].message).toMatch(/GRAPHQL_SUBGRAPH_SDL=off/);
      }
    });
  });
});

describe('the standalone schema and the subgraph schema', () => {
  it('the subgraph schema is the standalone one, type for type, plus `_entities`, `_service` and their types', async () => {
    const standalone = await createSchema();
    const subgraph = await createSubgraphSchema('admin');
    const federationOnly = Object.keys(subgraph.getTypeMap()).filter((name) => !standalone.getType(name));
    expect(federationOnly.sort()).toEqual(
      ['_Any', '_Entity', '_Service', 'federation__FieldSet', 'link__Import', 'link__Purpose'].sort(),
    );
    for (const type of Object.values(standalone.getTypeMap())) {
      if (type.name.startsWith('__') || type.name === 'Query') continue;
      expect(printType(subgraph.getType(type.name)!)).toBe(printType(type));
    }
    const queryFields = Object.keys(subgraph.getQueryType()!.getFields());
    expect(queryFields.filter((name) => !standalone.getQueryType()!.getFields()[name])).toEqual([
      '_entities',
      '_service',
    ]);
  });

  it('the connections keep their cost in the subgraph schema', async () => {
    const subgraph = await createSubgraphSchema('admin');
    expect(typeof subgraph.getQueryType()!.getFields()['users'].extensions['complexity']).toBe('function');
    expect(typeof subgraph.getQueryType()!.getFields()['_entities'].extensions['complexity']).toBe('function');
  });

  it('with GRAPHQL_SUBGRAPH off (the default) the gateway serves exactly schema/schema.graphql', async () => {
    const app = await bootGateway({ GRAPHQL_SUBGRAPH: 'false' });
    try {
      const result = await graphql<IntrospectionQuery>(app, getIntrospectionQuery({ descriptions: true }));
      expect(result.errors).toBeUndefined();
      const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
      expect(printSortedSchema(buildClientSchema(result.data!))).toBe(committed);

      const entities = await graphql(app, '{ _service { sdl } }');
      expect(entities.errors![0].extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await app.stop();
    }
  });
});
