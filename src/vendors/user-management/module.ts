import type { VendorModule } from '../kit/module';
import { UserManagementAdapter } from './adapter';
import { UserManagementClient } from './client';
import type { UserManagementEndpoint, UserManagementTuning } from './settings';

/** user-management's variables (`USER_MANAGEMENT_*`) and its adapter. */
export const userManagementModule: VendorModule<UserManagementTuning, UserManagementEndpoint> = {
  source: 'USER_MANAGEMENT',
  description: 'The in-house user-management API (accounts, usernames, contact names).',
  readTuning: (read, transport) => ({
    ...transport,
    apiKeyHeader: read.string('USER_MANAGEMENT_API_KEY_HEADER', 'X-Api-Key'),
    accountPathPrefix: read.pathPrefix('USER_MANAGEMENT_ACCOUNT_PATH_PREFIX', '/pub'),
  }),
  readEndpoint: (read, baseUrl) => ({
    baseUrl,
    apiKey: read.required('USER_MANAGEMENT_API_KEY', 'USER_MANAGEMENT_BASE_URL'),
  }),
  credentialEnv: ({ apiKey }) => ({ USER_MANAGEMENT_API_KEY: apiKey }),
  createAdapter: (tuning, endpoint, deps) =>
    new UserManagementAdapter(new UserManagementClient({ ...tuning, ...endpoint }, deps)),
};
