import { createLoaders, type Loaders } from './loaders';
import { UserRecords } from './services/user-records';
import type { Sources } from './sources';
import type { IdentityStore } from './store';

/** What every resolver of one request gets: fresh loaders and the services built on them. */
export interface Context {
  loaders: Loaders;
  records: UserRecords;
  store: IdentityStore;
  sources: Sources;
}

export function createContext(sources: Sources, store: IdentityStore): Context {
  const loaders = createLoaders(sources, store);
  return { loaders, records: new UserRecords(loaders), store, sources };
}
