import type { VendorModule } from '../kit/module';
import { DEFAULT_USERNAMES_MAX_AGE_S, UserManagementAdapter } from './adapter';
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
    usernamesMaxAgeS: read.int('USER_MANAGEMENT_USERNAMES_MAX_AGE_S', DEFAULT_USERNAMES_MAX_AGE_S, 0, 86_400),
  }),
  readEndpoint: (read, baseUrl) => ({
    baseUrl,
    apiKey: read.required('USER_MANAGEMENT_API_KEY', 'USER_MANAGEMENT_BASE_URL'),
  }),
  credentialEnv: ({ apiKey }) => ({ USER_MANAGEMENT_API_KEY: apiKey }),
  createAdapter: (tuning, endpoint, deps) =>
    new UserManagementAdapter(new UserManagementClient({ ...tuning, ...endpoint }, deps), {
      usernamesMaxAgeMs: (tuning.usernamesMaxAgeS ?? DEFAULT_USERNAMES_MAX_AGE_S) * 1000,
    }),
};
