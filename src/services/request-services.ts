import type { RecordedOutcome } from '../domain/commands';
import { createLoaders, type Loaders } from '../loaders';
import type { Logger } from '../platform/logger';
import { AccountDirectory } from './account-directory';
import { AuditLog } from './audit-log';
import { ReconciliationService } from '../sync/reconciliation';
import { HealthService } from './source-health';
import { UserDirectory } from './user-directory';
import type { InputBounds } from './writes/input-bounds';
import { MutationService } from './writes/mutations';
import type { Adapters } from '../vendors/registry';
import type { Store } from '../store';

/** What every resolver of one request gets: fresh loaders and the services built on them. */
export interface Context {
  loaders: Loaders;
  users: UserDirectory;
  accounts: AccountDirectory;
  mutations: MutationService;
  health: HealthService;
  reconciliation: ReconciliationService;
  audit: AuditLog;
}

/** What lives as long as the process and every request shares. */
export interface ContextDeps {
  adapters: Adapters;
  store: Store;
  journalKey: string;
  logger: Logger;
  /** Mutations running in this process, by idempotency key. */
  inFlight: Map<string, Promise<RecordedOutcome>>;
  /** The lengths and characters mutation inputs are held to. */
  inputBounds?: InputBounds;
}

export function createContext(deps: ContextDeps): Context {
  const loaders = createLoaders(deps.adapters, deps.store);
  return {
    loaders,
    users: new UserDirectory(loaders, deps.adapters, deps.store),
    accounts: new AccountDirectory(loaders, deps.adapters, deps.store),
    mutations: new MutationService(deps),
    health: new HealthService(deps.adapters),
    reconciliation: new ReconciliationService(deps.adapters, deps.store),
    audit: new AuditLog(deps.store.journal),
  };
}
