import { createLoaders, type Loaders } from './loaders';
import type { Logger } from './logger';
import { UserRecords } from './services/user-records';
import { MutationService, type MutationDeps } from './services/writes/mutations';
import type { Sources } from './sources';
import type { IdentityStore, Store } from './store';

/** What every resolver of one request gets: fresh loaders and the services built on them. */
export interface Context {
  loaders: Loaders;
  records: UserRecords;
  mutations: MutationService;
  store: IdentityStore;
  sources: Sources;
}

/** What lives as long as the process and every request shares. */
export interface ContextDeps {
  sources: Sources;
  store: Store;
  journalKey: string;
  logger: Logger;
  inFlight: MutationDeps['inFlight'];
}

export function createContext(deps: ContextDeps): Context {
  const loaders = createLoaders(deps.sources, deps.store.identities);
  return {
    loaders,
    records: new UserRecords(loaders),
    mutations: new MutationService(deps),
    store: deps.store.identities,
    sources: deps.sources,
  };
}
