import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sample subgraph's SDL (orders.graphql): what `npm run federation:compose` composes with the user graph's. */
export const ORDERS_SDL_FILE = join(__dirname, 'orders.graphql');

/** One order, as the sample keeps it: its buyer is the user graph's id of a User. */
export interface Order {
  id: string;
  totalCents: number;
  buyerId: string;
}

export interface OrdersSubgraph {
  /** Its GraphQL endpoint, on 127.0.0.1. */
  url: string;
  /** How many GraphQL requests it answered (a router's fetches included). */
  requests(): number;
  stop(): Promise<void>;
}

/**
 * The sample "orders" subgraph, another team's service as a supergraph would hold it: it knows a
 * User by id only, answers `User.orders` for any id it is given, and leaves every other User field
 * to the user graph. Served by Apollo Server on a free port of 127.0.0.1, with `orders` as its data.
 */
export async function startOrdersSubgraph(orders: readonly Order[]): Promise<OrdersSubgraph> {
  const byId = new Map(orders.map((order) => [order.id, order]));
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(readFileSync(ORDERS_SDL_FILE, 'utf8')),
      resolvers: {
        Query: {
          orders: () => orders,
          order: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        },
        Order: {
          __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
          buyer: (order: Order) => ({ __typename: 'User', id: order.buyerId }),
        },
        User: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          orders: ({ id }: { id: string }) => orders.filter((order) => order.buyerId === id),
        },
      },
    },
  ]);
  let requests = 0;
  const server = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled(), { requestDidStart: async () => void (requests += 1) }],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, requests: () => requests, stop: () => server.stop() };
}
