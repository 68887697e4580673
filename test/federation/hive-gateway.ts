import { createGatewayRuntime } from '@graphql-hive/gateway';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Hive Gateway serving a supergraph, as a company's router would. */
export interface HiveGateway {
  /** Its GraphQL endpoint, on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Hive Gateway's runtime serving `supergraph` on a free port of 127.0.0.1, configured as
 * docs/federation.md tells an operator to: the client's Authorization header is forwarded to the
 * user graph (subgraph `usergraph`), which checks it; the router itself authenticates nobody, and
 * the other subgraphs never see the token.
 */
export async function startHiveGateway(supergraph: string): Promise<HiveGateway> {
  const gateway = createGatewayRuntime({
    supergraph,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === 'usergraph' ? { authorization: request.headers.get('authorization') } : undefined,
    },
  });
  const server = createServer(gateway.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
}
