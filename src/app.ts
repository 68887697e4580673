import type { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from './auth/authenticator';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { GRAPHQL_PATH, createHttpHandler } from './http-server';
import type { Logger } from './logger';
import { playgroundLandingPage } from './playground';
import { createSchema } from './schema';
import { createGraphQLServer } from './server';
import { listenFailure } from './startup-error';
import { openStore, ownerIsAliveOnThisHost, type Store } from './store';
import { journalKeyFor } from './store/journal-key';
import type { RecordedOutcome } from './domain/commands';
import { SOURCES } from './domain/types';
import { createAdapters, type Adapters } from './sources/registry';
import { MirrorRefresher } from './services/mirror-refresher';

/**
 * The gateway: datasources for the vendor endpoints it is configured with, the store and the
 * GraphQL server, with one way to stop it. No process-level wiring: the entries and tests import it.
 */
export interface App {
  /** The GraphQL endpoint, http://host:port/graphql. */
  url: string;
  graphql: ApolloServer<Context>;
  /** One adapter per configured vendor, each with its datasource. */
  adapters: Adapters;
  store: Store;
  /** Keeps the mirror of the vendors that can only be listed fresh (MIRROR_REFRESH_INTERVAL_S); `refresh()` runs a round now. */
  mirror: MirrorRefresher;
  /** A context as one request gets it, for executing operations in tests. */
  context(): Context;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const adapters = createAdapters(config.vendors, { logger });
  for (const source of SOURCES) {
    const placement = config.vendors[source].mode;
    const ready = adapters.get(source) !== null;
    logger.info({ source, placement, configured: ready }, `${source} datasource ${ready ? 'ready' : 'not configured'}`);
  }
  let store: Store | undefined;
  let graphql: ApolloServer<Context> | undefined;
  let mirror: MirrorRefresher | undefined;
  const stopAll = async () => {
    await mirror?.stop();
    await graphql?.stop();
    await adapters.close();
    await store?.close();
  };
  try {
    store = await openStore({ file: config.store.file, logger });
    await reportInterrupted(store, logger);
    const opened = store;
    const { refreshIntervalMs: intervalMs, pagesPerSecond } = config.sync.mirror;
    mirror = new MirrorRefresher({ adapters, store: opened, logger, intervalMs, pagesPerSecond, leaseTtlMs: config.sync.leaseTtlMs });
    const deps = { adapters, store: opened, journalKey: journalKeyFor(config.store), logger, inFlight: new Map<string, Promise<RecordedOutcome>>(), inputBounds: config.inputBounds };
    const context = () => createContext(deps);
    const { timeouts, maxConnections } = config.http;
    const httpServer = createServer({
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the two timeouts above this often (30 s by default, which would let a slow client hold a socket that much longer).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    });
    httpServer.maxConnections = maxConnections;
    // Stopping Apollo drains the HTTP server: requests in flight finish, then it closes.
    graphql = createGraphQLServer(
      await createSchema(),
      logger,
      config.limits,
      [ApolloServerPluginDrainHttpServer({ httpServer }), config.http.playground ? playgroundLandingPage() : ApolloServerPluginLandingPageDisabled()],
      config.schema,
    );
    await graphql.start();
    const authenticate = createAuthenticator(config.auth, logger);
    httpServer.on('request', createHttpHandler({ graphql, context: async () => context(), http: config.http, limits: config.limits, authenticate, logger }));
    const url = await listen(httpServer, config.port, config.host);
    logger.info({ url, playground: config.http.playground, corsOrigins: config.http.corsOrigins }, 'GraphQL gateway listening');
    mirror.start();
    let stopped: Promise<void> | null = null;
    return {
      url,
      graphql,
      adapters,
      store: opened,
      mirror,
      context,
      stop() {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Listens on host:port and answers the GraphQL URL; a busy port is a StartupError naming PORT. */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenFailure('The gateway', { host, port }, { host: 'HOST', port: 'PORT' }, error));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}${GRAPHQL_PATH}`;
}

/**
 * Marks the operations of gateway processes that died mid-mutation INTERRUPTED, and tells the
 * operator, per operation, which vendor writes are known done and which may or may not have landed.
 */
async function reportInterrupted(store: Store, logger: Logger): Promise<void> {
  for (const operation of await store.journal.markInterrupted(ownerIsAliveOnThisHost)) {
    const steps = await store.journal.steps(operation.id);
    const { id, mutation, idempotencyKey } = operation;
    logger.warn(
      {
        operation: { id, mutation, idempotencyKey },
        written: steps.filter((step) => step.state === 'SUCCEEDED').map(({ source, action, externalId }) => ({ source, action, externalId })),
        uncertain: steps.filter((step) => step.state === 'STARTED').map(({ source, action }) => ({ source, action })),
      },
      idempotencyKey === null
        ? 'operation interrupted by an earlier stop; it has no idempotency key, so check the vendors listed as uncertain by hand'
        : 'operation interrupted by an earlier stop; replay its idempotency key to finish it',
    );
  }
}
