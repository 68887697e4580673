import type { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Config } from './config';
import { createContext, type Context } from './context';
import type { Logger } from './logger';
import { createSchema } from './schema';
import { createGraphQLServer } from './server';
import { startSimulators, type RunningSimulators } from './simulators';
import { seedIdentityStore } from './simulators/seed-identities';
import { closeSources, createSources, type Sources } from './sources';
import { openStore, ownerIsAliveOnThisHost, type Store } from './store';
import { journalKeyFor } from './store/journal-key';
import type { RecordedPayload } from './services/writes/types';

/** Everything `npm start` runs, with one way to stop it. No process-level wiring: tests import it. */
export interface App {
  url: string;
  graphql: ApolloServer<Context>;
  simulators: RunningSimulators;
  sources: Sources;
  store: Store;
  /** A context as one request gets it, for executing operations in tests. */
  context(): Context;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const simulators = await startSimulators(config);
  for (const [source, simulator] of Object.entries(simulators.simulators)) {
    logger.info({ source, url: simulator.url }, `${source} simulator listening`);
  }
  const sources = createSources(config.vendors, simulators.endpoints, { logger });
  for (const source of Object.keys(sources) as (keyof Sources)[]) {
    const placement = config.vendors[source].mode;
    const ready = sources[source] !== null;
    logger.info({ source, placement, configured: ready }, `${source} datasource ${ready ? 'ready' : 'not configured'}`);
  }
  let store: Store | undefined;
  let graphql: ApolloServer<Context> | undefined;
  const stopAll = async () => {
    await graphql?.stop();
    await closeSources(sources);
    await simulators.close();
    await store?.close();
  };
  try {
    store = await openStore({ file: config.store.file, logger });
    await reportInterrupted(store, logger);
    await seedIdentityStore(store.identities, simulators);
    graphql = createGraphQLServer(await createSchema(), logger, config.limits);
    const opened = store;
    const deps = { sources, store: opened, journalKey: journalKeyFor(config.store), logger, inFlight: new Map<string, Promise<RecordedPayload>>() };
    const context = () => createContext(deps);
    const { url } = await startStandaloneServer(graphql, { listen: { port: config.port, host: config.host }, context: async () => context() });
    logger.info({ url: `${url}graphql` }, 'GraphQL gateway listening');
    let stopped: Promise<void> | null = null;
    return {
      url,
      graphql,
      simulators,
      sources,
      store: opened,
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
