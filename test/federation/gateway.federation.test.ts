import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { addAccount } from '../helpers/accounts';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { accountPageCalls, USER_FIELDS } from './account-page';
import { composeSupergraph } from './compose-supergraph';
import { startHiveGateway, type HiveGateway } from './hive-gateway';
import { ORDERS_SDL_FILE, startOrdersSubgraph, type Order, type OrdersSubgraph } from './orders-subgraph';

/**
 * The supergraph of the user graph and the sample orders subgraph, composed from what the user
 * graph's `_service` answers and served by Hive Gateway, all on 127.0.0.1, asked as a client of a
 * company's router asks: queries crossing both subgraphs, 100 buyers resolved for the vendor
 * calls of an account page, the client's token forwarded by the router and checked by the user
 * graph, and a vendor's failure reaching the client with its code.
 */
const ORDERS = /* GraphQL */ `
  {
    orders {
      id
      totalCents
      buyer { ${USER_FIELDS} }
    }
  }
`;

interface OrderData {
  id: string;
  totalCents: number;
  buyer: { id: string; email: string; permissions: { api: string } | null; identities: { source: string }[] } | null;
}

/** A buyer the user graph does not know (deleted since the order, say). */
const GONE = 'usr_deleted_since';

describe('the user graph in a supergraph served by Hive Gateway', () => {
  /** Every log line of the user graph, for the statuses it answered the router with. */
  const lines: Record<string, unknown>[] = [];
  let app: BootedGateway;
  let orders: OrdersSubgraph;
  let router: HiveGateway;
  let emails: string[];
  let ids: string[];
  let placed: Order[];
  /** The router's URL, with the tokens of the demo for `graphql()`. */
  let viaRouter: { url: string; tokens: BootedGateway['tokens'] };

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    // Each vendor failure below is on purpose: no retry, and no breaker opened by it for the next case.
    app = await bootGateway(
      { GRAPHQL_SUBGRAPH: 'true', VENDOR_RETRIES: '0', VENDOR_BREAKER_THRESHOLD: '1000' },
      createLogger({ level: 'debug', destination }),
    );
    emails = await addAccount(app, '800', 100);
    const byEmail = await app.store.identities.userIdsByEmails(emails);
    ids = emails.map((email) => byEmail.get(email)!);
    placed = [
      ...ids.map((buyerId, index) => ({ id: `ord_${index}`, totalCents: 100 + index, buyerId })),
      { id: 'ord_gone', totalCents: 5, buyerId: GONE },
    ];
    orders = await startOrdersSubgraph(placed);
    const service = await graphql<{ _service: { sdl: string } }>(app, '{ _service { sdl } }');
    const supergraph = composeSupergraph([
      { name: 'usergraph', url: app.url, sdl: service.data!._service.sdl },
      { name: 'orders', url: orders.url, sdl: readFileSync(ORDERS_SDL_FILE, 'utf8') },
    ]);
    router = await startHiveGateway(supergraph);
    viaRouter = { url: router.url, tokens: app.tokens };
  });
  afterAll(async () => {
    await router?.stop();
    await orders?.stop();
    await app?.stop();
  });
  beforeEach(() => {
    resetCounters(app);
    lines.length = 0;
  });

  /** The statuses the user graph answered GraphQL requests with, in order. */
  const answered = () =>
    lines
      .filter((line) => line['msg'] === 'request answered' && line['path'] === '/graphql')
      .map((line) => line['status']);

  it("orders with their buyers' permissions and identities: 100 buyers cost the vendor calls of an account page, in one request", async () => {
    const page = await accountPageCalls(app, '800', 100);
    resetCounters(app);
    lines.length = 0;

    const result = await graphql<{ orders: OrderData[] }>(viaRouter, ORDERS, {}, { token: app.tokens!.viewer });

    const known = result.data!.orders.slice(0, 100);
    expect(known.map((order) => order.buyer!.email)).toEqual(emails);
    expect(known.every((order) => order.buyer!.permissions?.api === 'READ_ONLY')).toBe(true);
    expect(
      known.every(
        (order) =>
          order
            .buyer!.identities.map((identity) => identity.source)
            .sort()
            .join() === 'GREENARROW,USER_MANAGEMENT',
      ),
    ).toBe(true);
    // The router sent the 101 references to the user graph at once; they cost what the account
    // page's users cost, with no member listing to read.
    expect(answered()).toEqual([200]);
    expect(vendorCalls(app)).toEqual(page.perUser);
    expect(app.store.db.queryCount).toBe(2);
  });

  it('a buyer the user graph does not know is null, the other orders whole', async () => {
    const result = await graphql<{ orders: OrderData[] }>(viaRouter, ORDERS);

    const gone = result.data!.orders.find((order) => order.id === 'ord_gone')!;
    expect(gone).toEqual({ id: 'ord_gone', totalCents: 5, buyer: null });
    expect(result.data!.orders.filter((order) => order.buyer !== null)).toHaveLength(100);
    // The user graph answered null for that reference, with no error; Hive Gateway, left with a
    // User that has none of the fields asked, nulls it with an error of its own at that order only.
    const goneIndex = result.data!.orders.indexOf(gone);
    for (const error of result.errors ?? []) expect(error.path!.slice(0, 3)).toEqual(['orders', goneIndex, 'buyer']);
  });

  it('a user with their orders, from both subgraphs', async () => {
    const result = await graphql<{
      user: { id: string; email: string; permissions: { api: string }; orders: { id: string; totalCents: number }[] };
    }>(
      viaRouter,
      `{ user(email: "${emails[7].toUpperCase()}") { id email permissions { api } orders { id totalCents } } }`,
    );

    expect(result.errors).toBeUndefined();
    expect(result.data!.user).toEqual({
      id: ids[7],
      email: emails[7],
      permissions: { api: 'READ_ONLY' },
      orders: [{ id: 'ord_7', totalCents: 107 }],
    });
  });

  it("a viewer's mutation through the router is FORBIDDEN by the user graph, before any vendor call", async () => {
    const result = await graphql(
      viaRouter,
      `mutation { deleteUser(input: { id: "${ids[3]}" }) { userErrors { code } } }`,
      {},
      { token: app.tokens!.viewer },
    );
    expect(result.data).toBeNull();
    expect(result.errors!.map((error) => error.extensions)).toEqual([{ code: 'FORBIDDEN', serviceName: 'usergraph' }]);
    expect(answered()).toEqual([403]);
    expect(vendorCalls(app)).toEqual({});
  });

  it('a request without a token is answered 401 by the user graph, its code reaching the client', async () => {
    const result = await graphql<{ user: unknown }>(
      viaRouter,
      `{ user(id: "${ids[0]}") { email } }`,
      {},
      { token: null },
    );

    expect(result.data).toEqual({ user: null });
    expect(result.errors!.map((error) => error.extensions)).toEqual([
      { code: 'UNAUTHENTICATED', serviceName: 'usergraph' },
    ]);
    expect(answered()).toEqual([401]);
    expect(vendorCalls(app)).toEqual({});
  });

  it("a failing vendor's code and source reach the client through the router; the rest of the answer is whole", async () => {
    app.simulators.simulators.GREENARROW!.setFault('getUser', { status: 500 });

    const result = await graphql<{ order: OrderData }>(
      viaRouter,
      `
        {
          order(id: "ord_9") {
            id
            buyer {
              email
              permissions {
                api
              }
            }
          }
        }
      `,
    );

    expect(result.data!.order).toEqual({ id: 'ord_9', buyer: { email: emails[9], permissions: null } });
    expect(result.errors!.map((error) => [error.path, error.extensions])).toEqual([
      [
        ['order', 'buyer', 'permissions'],
        { code: 'VENDOR_UNAVAILABLE', source: 'GREENARROW', retryable: true, serviceName: 'usergraph' },
      ],
    ]);
  });
});
