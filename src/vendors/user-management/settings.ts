import type { TransportSettings } from '../kit/module';

/** How user-management is talked to, wherever it is. */
export interface UserManagementTuning extends TransportSettings {
  apiKeyHeader: string;
  /** Prefix of the account listing path only (`/pub/usr/acc/{id}`); the other paths have none. */
  accountPathPrefix: string;
}

/** Where user-management is and the API key it takes. */
export interface UserManagementEndpoint {
  baseUrl: string;
  apiKey: string;
}

/** The client's settings: its tuning and endpoint. */
export type UserManagementSettings = UserManagementTuning & UserManagementEndpoint;
