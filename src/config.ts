import { readAuthSettings, type AuthSettings } from './auth/settings';
import { readHttpSettings, type HttpSettings } from './edge/settings';
import {
  readQueryLimits,
  readSchemaExposure,
  readSubgraphSettings,
  type QueryLimits,
  type SchemaExposure,
  type SubgraphSettings,
} from './graphql/settings';
import { ConfigError, EnvReader, type Env } from './platform/env';
import { readObservabilitySettings, type ObservabilitySettings } from './observability/settings';
import { readShutdownSettings, type ShutdownSettings } from './edge/shutdown';
import { readVendorPlacements, readVendorTunings, type VendorPlacements } from './vendors/registry';
import { readSyncSettings, type SyncSettings } from './sync/settings';
import { readInputBounds, type InputBounds } from './services/writes/input-bounds';
import { readStoreSettings, type StoreSettings } from './store/settings';
import { readRedisSettings, type RedisSettings } from './platform/redis';
import { readRecoverySettings, type RecoverySettings } from './services/writes/recovery';
import { readPersistedOperationsSettings, type PersistedOperationsSettings } from './edge/persisted-documents';

export type { HttpSettings, QueryLimits, SchemaExposure };

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  http: HttpSettings;
  limits: QueryLimits;
  schema: SchemaExposure;
  /** Whether the schema is served as a Federation subgraph, and who reads its SDL (src/graphql/settings.ts). */
  subgraph: SubgraphSettings;
  /** How callers authenticate (src/auth/settings.ts). */
  auth: AuthSettings;
  /** Metrics, traces and readiness (src/observability/settings.ts). */
  observability: ObservabilitySettings;
  /** How long a stop waits for the requests in flight (src/edge/shutdown.ts). */
  shutdown: ShutdownSettings;
  /** The embedded SQLite file, or PostgreSQL with DATABASE_URL (src/store/settings.ts). */
  store: StoreSettings;
  /** REDIS_URL's server, where replicas share rate limits and vendor state; null without it (src/platform/redis.ts). */
  redis: RedisSettings | null;
  /** Where each vendor is, by source, with how it is talked to and what its tenant allows. */
  vendors: VendorPlacements;
  /** How the sync and the mirror's refresher walk the vendors (src/sync/settings.ts). */
  sync: SyncSettings;
  /** The lengths and characters mutation inputs are held to (src/services/writes/input-bounds.ts). */
  inputBounds: InputBounds;
  /** When the gateway settles interrupted operations itself (src/services/writes/recovery.ts). */
  recovery: RecoverySettings;
  /** Trusted documents: PERSISTED_OPERATIONS and its manifests (src/edge/persisted-documents.ts). */
  persistedOperations: PersistedOperationsSettings;
}

/** Builds the one validated configuration object from the environment; throws ConfigError. */
export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  const tunings = readVendorTunings(read);

  const vendors = readVendorPlacements(read, tunings);

  const config: Config = {
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', 4000, 0, 65_535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    http: readHttpSettings(read),
    limits: readQueryLimits(read),
    schema: readSchemaExposure(read),
    subgraph: readSubgraphSettings(read),
    auth: readAuthSettings(read),
    observability: readObservabilitySettings(read),
    shutdown: readShutdownSettings(read),
    store: readStoreSettings(read),
    redis: readRedisSettings(read),
    vendors,
    sync: readSyncSettings(read),
    inputBounds: readInputBounds(read),
    recovery: readRecoverySettings(read),
    persistedOperations: readPersistedOperationsSettings(read),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
