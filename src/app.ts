import type { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from './auth/authenticator';
import type { Config } from './config';
import { createRequestServices, type RequestServices } from './services/request-services';
import { GRAPHQL_PATH, createHttpHandler } from './edge/http-server';
import type { Logger } from './platform/logger';
import { SharedRedis } from './platform/redis';
import { playgroundLandingPage } from './edge/playground';
import { createSchema, createSubgraphSchema } from './graphql/schema';
import { createGraphQLServer } from './graphql/server';
import { queryArgumentBounds } from './graphql/plugins/argument-bounds';
import { listenFailure } from './platform/startup-error';
import { openStore, ownerIsAliveOnThisHost, storeTarget, type Operation, type Store } from './store';
import { journalKeyFor } from './store/journal-key';
import type { RecordedOutcome } from './domain/commands';
import { SOURCES } from './domain/types';
import { createAdapters, type Adapters } from './vendors/registry';
import { MirrorRefresher } from './sync/mirror-refresher';
import { observeOperations } from './observability/graphql-observer';
import { Readiness, VendorStates } from './observability/health';
import { GatewayMetrics, type InterruptedWhen } from './observability/metrics';
import { createTracing } from './observability/tracing';
import { createVendorObserver } from './observability/vendor-observer';
import { RequestDrain } from './edge/shutdown';
import { MutationService } from './services/writes/mutations';
import { OperationRecovery } from './services/writes/recovery';
import { OperationLeases } from './services/writes/operation-leases';
import { loadPersistedDocuments } from './edge/persisted-documents';
import type { DemoTokens } from './auth/demo-tokens';

/**
 * The gateway: vendor clients for the vendor endpoints it is configured with, the store and the
 * GraphQL server, with one way to stop it. No process-level wiring: the entries and tests import it.
 */
export interface App {
  /** The GraphQL endpoint, http://host:port/graphql. */
  url: string;
  graphql: ApolloServer<RequestServices>;
  /** One adapter per configured vendor, each with its client. */
  adapters: Adapters;
  store: Store;
  /** Keeps the mirror of the vendors that can only be listed fresh (MIRROR_REFRESH_INTERVAL_S); `refresh()` runs a round now. */
  mirror: MirrorRefresher;
  /** A context as one request gets it, for executing operations in tests. */
  context(): RequestServices;
  /**
   * Stops without losing anything: readiness fails and new requests are refused at once (503
   * SHUTTING_DOWN, on new and kept-alive connections alike), the requests in flight finish (for up
   * to SHUTDOWN_GRACE_MS), then the listener, the vendor pools and the database close. Operations still running when the grace runs out are journaled INTERRUPTED
   * and their requests answered 503 before anything closes. Resolves within the grace plus the
   * closing (at most {@link stopWithinMs} in all).
   */
  stop(): Promise<void>;
  /** The longest `stop()` takes: the grace, then closing (trace export included). */
  readonly stopWithinMs: number;
}

/** What only tests give the gateway. */
export interface StartOptions {
  /** Where finished spans go instead of the OTLP exporter: tracing is on with it, whatever the settings say. */
  spanExporter?: SpanExporter;
  /** The demo's tokens, which its playground offers (src/demo.ts gives them; the production entry never does). */
  demoTokens?: DemoTokens;
}

/** The longest the last trace export may hold a stop up. */
const TRACE_FLUSH_MS = 5_000;
/** The closing after the grace: the pools, the database, the listener and the trace export. */
const CLOSING_MS = TRACE_FLUSH_MS + 5_000;

export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const vendorSources = SOURCES.filter((source) => config.vendors[source].mode !== 'off');
  const metrics = config.observability.metrics.enabled ? new GatewayMetrics({ vendors: vendorSources }) : null;
  const tracing = await createTracing(config.observability.tracing, { logger, exporter: options.spanExporter });
  const vendorStates = new VendorStates(vendorSources);
  const sharedRedis = config.redis ? await SharedRedis.create(config.redis, logger) : null;
  if (sharedRedis) {
    sharedRedis.onChange((mode) => metrics?.sharedStateChanged(mode));
    await sharedRedis.connect();
  }
  const adapters = createAdapters(config.vendors, {
    logger,
    observer: createVendorObserver({ metrics, tracing, vendors: vendorStates }),
    sharedRedis,
  });
  for (const source of SOURCES) {
    const placement = config.vendors[source].mode;
    const ready = adapters.get(source) !== null;
    logger.info({ source, placement, configured: ready }, `${source} client ${ready ? 'ready' : 'not configured'}`);
  }
  const drain = new RequestDrain();
  const graceMs = config.shutdown.graceMs;
  let store: Store | undefined;
  let graphql: ApolloServer<RequestServices> | undefined;
  let mirror: MirrorRefresher | undefined;
  let recovery: OperationRecovery | undefined;
  let leases: OperationLeases | undefined;
  let httpServer: Server | undefined;
  const stopAll = async () => {
    drain.begin();
    const finished = await within(graceMs, Promise.all([drain.settled(), mirror?.stop(), recovery?.stop()]));
    if (!finished && store) await giveUp(store);
    // Only now: until every operation of this process has ended, its leases must keep other replicas off them.
    await leases?.stop();
    // Only now, with the requests in flight answered: until then a request sent on a connection a
    // client kept alive is answered 503 SHUTTING_DOWN (nothing done, send it again), as is one on a
    // new connection. Closing the listener at the signal closed the idle kept-alive connections
    // with it (Node's server.close does), so such a request met a closed port instead
    // (ECONNREFUSED), with no word of whether anything was done.
    const closed = httpServer ? closeListener(httpServer) : Promise.resolve();
    await graphql?.stop();
    await adapters.close();
    await store?.close();
    await sharedRedis?.close();
    httpServer?.closeAllConnections();
    await closed;
    if (tracing) await within(TRACE_FLUSH_MS, tracing.shutdown());
  };
  /**
   * The grace ran out: this process's operations still running are journaled INTERRUPTED (never
   * to be completed by a late answer), their requests are answered 503, and the database closes
   * before the vendor pools, so that a call cut by closing a pool stays STARTED in the journal
   * (it may have landed) instead of being recorded as failed.
   */
  const giveUp = async (opened: Store) => {
    logger.warn(
      { graceMs, requestsInFlight: drain.inFlight },
      'SHUTDOWN_GRACE_MS ran out with requests in flight; interrupting them',
    );
    try {
      const interrupted = await opened.journal.markInterrupted((owner) => owner !== opened.journal.owner);
      await reportInterrupted(opened, interrupted, logger, metrics, 'shutdown');
    } catch (error) {
      logger.error({ err: error }, 'could not journal the operations in flight as interrupted; the next start will');
    }
    drain.interruptUnfinished();
    await opened.close();
  };
  try {
    // First: a manifest that cannot be read stops the start before anything is opened.
    const persistedDocuments = loadPersistedDocuments(config.persistedOperations);
    store = await openStore({
      ...storeTarget(config.store),
      logger,
      operationLeaseTtlMs: config.recovery.leaseTtlMs,
    });
    await reportInterrupted(
      store,
      await store.journal.markInterrupted(ownerIsAliveOnThisHost),
      logger,
      metrics,
      'startup',
    );
    const opened = store;
    metrics?.observeStore(opened.db, opened.journal.owner);
    const { refreshIntervalMs: intervalMs, pagesPerSecond } = config.sync.mirror;
    mirror = new MirrorRefresher({
      adapters,
      store: opened,
      logger,
      intervalMs,
      pagesPerSecond,
      leaseTtlMs: config.sync.leaseTtlMs,
    });
    const deps = {
      adapters,
      store: opened,
      journalKey: journalKeyFor(config.store),
      logger,
      inFlight: new Map<string, Promise<RecordedOutcome>>(),
      inputBounds: config.inputBounds,
    };
    const context = () => createRequestServices(deps);
    recovery = new OperationRecovery({
      mutations: new MutationService(deps),
      journal: opened.journal,
      logger,
      settings: config.recovery,
      settled: (operation) => metrics?.operationRecovered(operation.mutation),
    });
    const sweeping = recovery;
    leases = new OperationLeases({
      journal: opened.journal,
      logger,
      heartbeatMs: config.recovery.heartbeatMs,
      tookOver: async (operations) => {
        await reportInterrupted(opened, operations, logger, metrics, 'lease');
        sweeping.sweepSoon();
      },
      holdOffChanged: (holding) => metrics?.leaseTakeoversHeldOff(holding),
    });
    const { timeouts, maxConnections } = config.http;
    const server = createServer({
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the two timeouts above this often (30 s by default, which would let a slow client hold a socket that much longer).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    });
    httpServer = server;
    server.maxConnections = maxConnections;
    const schema = config.subgraph.enabled
      ? await createSubgraphSchema(config.subgraph.sdlReaders)
      : await createSchema();
    graphql = createGraphQLServer(
      schema,
      logger,
      config.limits,
      [
        queryArgumentBounds(schema, config.inputBounds),
        observeOperations({ metrics, tracing }),
        config.http.playground ? playgroundLandingPage() : ApolloServerPluginLandingPageDisabled(),
      ],
      config.schema,
    );
    await graphql.start();
    const authenticate = createAuthenticator(config.auth, logger);
    const readiness = new Readiness({
      db: opened.db,
      vendors: vendorStates,
      requireVendors: config.observability.readiness.requireVendors,
      stopping: () => drain.stopping,
    });
    const operator = { readiness, metrics, tracing, drain };
    server.on(
      'request',
      await createHttpHandler({
        graphql,
        context: async () => context(),
        http: config.http,
        limits: config.limits,
        authenticate,
        logger,
        operator,
        persistedDocuments,
        sharedRedis,
        playgroundSession: {
          introspection: config.schema.introspection,
          demo: options.demoTokens
            ? {
                startedAt: new Date().toISOString(),
                expiresAt: options.demoTokens.expiresAt.toISOString(),
                admin: options.demoTokens.admin,
                viewer: options.demoTokens.viewer,
              }
            : null,
        },
      }),
    );
    const url = await listen(server, config.port, config.host);
    logger.info(
      {
        url,
        playground: config.http.playground,
        corsOrigins: config.http.corsOrigins,
        persistedOperations: persistedDocuments.mode,
        persistedDocuments: persistedDocuments.size,
      },
      'GraphQL gateway listening',
    );
    mirror.start();
    recovery.start();
    leases.start();
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
      stopWithinMs: graceMs + CLOSING_MS,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Listens on host:port and answers the GraphQL URL; a busy port is a StartupError naming PORT. */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(listenFailure('The gateway', { host, port }, { host: 'HOST', port: 'PORT' }, error));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}${GRAPHQL_PATH}`;
}

/** Stops accepting connections (idle kept-alive ones close too); resolves once every connection is gone. */
function closeListener(server: Server): Promise<void> {
  // Not listening (a startup that failed before it listened) ends at once, with an error that says so.
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether `work` settled within `ms`; it is not stopped when it did not. */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Tells the operator, per operation marked INTERRUPTED (at startup: left by gateway processes that
 * died mid-mutation; at shutdown: this process's, when the grace ran out), which vendor writes are
 * known done and which may or may not have landed, and counts them in the metrics.
 */
async function reportInterrupted(
  store: Store,
  operations: readonly Operation[],
  logger: Logger,
  metrics: GatewayMetrics | null,
  when: InterruptedWhen,
): Promise<void> {
  for (const operation of operations) {
    metrics?.operationInterrupted(operation.mutation, when);
    const steps = await store.journal.steps(operation.id);
    const { id, mutation, idempotencyKey } = operation;
    logger.warn(
      {
        operation: { id, mutation, idempotencyKey },
        written: steps
          .filter((step) => step.state === 'SUCCEEDED')
          .map(({ source, action, externalId }) => ({ source, action, externalId })),
        uncertain: steps.filter((step) => step.state === 'STARTED').map(({ source, action }) => ({ source, action })),
      },
      `operation interrupted by ${when === 'startup' ? 'an earlier stop' : when === 'lease' ? "its process's end (its lease expired)" : 'this stop'}; ${
        idempotencyKey === null
          ? 'it has no idempotency key, so the gateway settles it itself (recovery)'
          : 'replay its idempotency key to finish it, or the gateway settles it itself after RECOVERY_REPLAY_WAIT_S'
      }`,
    );
  }
}
