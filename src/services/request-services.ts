import { createLoaders, type Loaders } from '../loaders';
import { AccountDirectory } from './account-directory';
import { AuditLog } from './audit-log';
import { ReconciliationService } from '../sync/reconciliation';
import { HealthService } from './source-health';
import { UserDirectory } from './user-directory';
import { MutationService, type MutationDeps } from './writes/mutations';

/** What every resolver of one request gets as its GraphQL context: fresh loaders and the services built on them. */
export interface RequestServices {
  loaders: Loaders;
  users: UserDirectory;
  accounts: AccountDirectory;
  mutations: MutationService;
  health: HealthService;
  reconciliation: ReconciliationService;
  audit: AuditLog;
}

/**
 * A request's services, from what lives as long as the process and every request shares: the
 * mutations use all of it, the reads the adapters and the store.
 */
export function createRequestServices(deps: MutationDeps): RequestServices {
  const loaders = createLoaders(deps.adapters, deps.store);
  return {
    loaders,
    users: new UserDirectory(loaders, deps.adapters, deps.store),
    accounts: new AccountDirectory(loaders, deps.adapters, deps.store),
    mutations: new MutationService(deps),
    health: new HealthService(deps.adapters, deps.store.db.engine),
    reconciliation: new ReconciliationService(deps.adapters, deps.store),
    audit: new AuditLog(deps.store.journal),
  };
}
