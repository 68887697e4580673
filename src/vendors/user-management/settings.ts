import type { TransportSettings } from '../kit/module';

/** How user-management is talked to, wherever it is. */
export interface UserManagementTuning extends TransportSettings {
  apiKeyHeader: string;
  /** Prefix of the account listing path only (`/pub/usr/acc/{id}`); the other paths have none. */
  accountPathPrefix: string;
  /**
   * How old an account's usernames, as its listing last answered them, may be for the pre-flight
   * of a create or an update to use them without listing the account again; 0 lists it for every
   * create and update. The adapter's, not the client's: DEFAULT_USERNAMES_MAX_AGE_S when not given.
   */
  usernamesMaxAgeS?: number;
}

/** Where user-management is and the API key it takes. */
export interface UserManagementEndpoint {
  baseUrl: string;
  apiKey: string;
}

/** The client's settings: its tuning and endpoint. */
export type UserManagementSettings = UserManagementTuning & UserManagementEndpoint;
