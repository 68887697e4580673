import { join } from 'node:path';
import { ConfigError, EnvReader, type Env } from './env';
import type { BasicEndpoint } from './sources/basic-auth';
import { USA_COUNTRY_NAMES } from './sources/engagement/contract';
import type { EngagementTuning } from './sources/engagement/settings';
import type { GreenArrowTuning } from './sources/greenarrow/settings';
import { DEFAULT_MIN_PASSWORD_LENGTH, RESERVED_LOCALES } from './sources/rainmaker/contract';
import type { RainMakerEndpoint, RainMakerTuning } from './sources/rainmaker/settings';
import type { UserManagementEndpoint, UserManagementTuning } from './sources/user-management/settings';
import type { TransportSettings, VendorPlacement } from './sources/vendor-module';

/** How each vendor is talked to and what its tenant allows, wherever it is. */
export interface VendorTunings {
  RAINMAKER: RainMakerTuning;
  ENGAGEMENT: EngagementTuning;
  GREENARROW: GreenArrowTuning;
  USER_MANAGEMENT: UserManagementTuning;
}

/** Limits on what one GraphQL request may ask for, against hostile or accidental huge documents. */
export interface QueryLimits {
  /** Largest estimated cost of one operation (a field costs 1; a connection, its selection per node). */
  maxCost: number;
  /** Largest number of lexical tokens in one document; parsing stops there. */
  maxTokens: number;
}

/** How the gateway answers HTTP, beyond GraphQL itself. */
export interface HttpSettings {
  /** Browser origins whose pages may call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Whether a browser's GET of /graphql gets the offline playground. */
  playground: boolean;
}

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  http: HttpSettings;
  limits: QueryLimits;
  store: {
    /** SQLite database file, or `:memory:` (nothing kept; for tests). */
    file: string;
    /** The data directory, or `:memory:`. */
    dataDir: string;
    /** HMAC key for the journal's input hashes; when absent, one is generated and kept in the data directory. */
    journalKey?: string;
  };
  vendors: {
    RAINMAKER: VendorPlacement<RainMakerTuning, RainMakerEndpoint>;
    ENGAGEMENT: VendorPlacement<EngagementTuning, BasicEndpoint>;
    GREENARROW: VendorPlacement<GreenArrowTuning, BasicEndpoint>;
    USER_MANAGEMENT: VendorPlacement<UserManagementTuning, UserManagementEndpoint>;
  };
}

/** The database file inside the data directory; `:memory:` keeps nothing. */
function storeFile(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : join(dataDir, 'usergraph.db');
}

/**
 * How every vendor is talked to and the rules of its tenant, from the environment. The gateway's
 * configuration and the simulators' read these with this one function, so the two agree.
 */
export function readVendorTunings(read: EnvReader): VendorTunings {
  const transport = (prefix: string): TransportSettings => ({
    timeoutMs: read.int(`${prefix}_TIMEOUT_MS`, read.int('VENDOR_TIMEOUT_MS', 5_000, 1, 600_000), 1, 600_000),
    retries: read.int('VENDOR_RETRIES', 2, 0, 10),
    connections: read.int('VENDOR_CONNECTIONS', 16, 1, 1_024),
  });
  return {
    RAINMAKER: {
      ...transport('RAINMAKER'),
      region: read.string('RAINMAKER_REGION', 'us-east-1'),
      service: read.string('RAINMAKER_SERVICE', 'execute-api'),
      apiVersion: read.oneOf('RAINMAKER_API_VERSION', 'v1', ['v1'] as const),
      rules: {
        reservedLocales: read.list('RAINMAKER_RESERVED_LOCALES', RESERVED_LOCALES, 'locales'),
        minPasswordLength: read.int('RAINMAKER_MIN_PASSWORD_LENGTH', DEFAULT_MIN_PASSWORD_LENGTH, 1, 256),
      },
    },
    ENGAGEMENT: {
      ...transport('ENGAGEMENT'),
      pageSize: read.int('ENGAGEMENT_PAGE_SIZE', 100, 1, 1_000),
      rules: {
        usaCountryNames: read.list('ENGAGEMENT_USA_COUNTRY_NAMES', USA_COUNTRY_NAMES, 'country names'),
        mobileNumberRequired: read.boolean('ENGAGEMENT_MOBILE_NUMBER_REQUIRED', false),
      },
    },
    GREENARROW: { ...transport('GREENARROW'), pageSize: read.int('GREENARROW_PAGE_SIZE', 100, 1, 10_000) },
    USER_MANAGEMENT: {
      ...transport('USER_MANAGEMENT'),
      apiKeyHeader: read.string('USER_MANAGEMENT_API_KEY_HEADER', 'X-Api-Key'),
      accountPathPrefix: read.pathPrefix('USER_MANAGEMENT_ACCOUNT_PATH_PREFIX', '/pub'),
    },
  };
}

/** Builds the one validated configuration object from the environment; throws ConfigError. */
export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  const tunings = readVendorTunings(read);

  /** A vendor with a base URL is talked to there, with the credentials that must come with it; without one it is off. */
  function place<Tuning, Endpoint>(prefix: string, tuning: Tuning, endpoint: (baseUrl: string) => Endpoint): VendorPlacement<Tuning, Endpoint> {
    const baseUrl = read.url(`${prefix}_BASE_URL`);
    return baseUrl === undefined ? { mode: 'off', tuning } : { mode: 'remote', tuning, endpoint: endpoint(baseUrl) };
  }

  const vendors: Config['vendors'] = {
    RAINMAKER: place('RAINMAKER', tunings.RAINMAKER, (baseUrl) => ({
      baseUrl,
      accessKeyId: read.required('RAINMAKER_ACCESS_KEY_ID', 'RAINMAKER_BASE_URL'),
      secretAccessKey: read.required('RAINMAKER_SECRET_ACCESS_KEY', 'RAINMAKER_BASE_URL'),
      sessionToken: read.raw('RAINMAKER_SESSION_TOKEN'),
    })),
    ENGAGEMENT: place('ENGAGEMENT', tunings.ENGAGEMENT, (baseUrl) => ({
      baseUrl,
      username: read.required('ENGAGEMENT_USERNAME', 'ENGAGEMENT_BASE_URL'),
      password: read.required('ENGAGEMENT_PASSWORD', 'ENGAGEMENT_BASE_URL'),
    })),
    GREENARROW: place('GREENARROW', tunings.GREENARROW, (baseUrl) => ({
      baseUrl,
      username: read.required('GREENARROW_USERNAME', 'GREENARROW_BASE_URL'),
      password: read.required('GREENARROW_PASSWORD', 'GREENARROW_BASE_URL'),
    })),
    USER_MANAGEMENT: place('USER_MANAGEMENT', tunings.USER_MANAGEMENT, (baseUrl) => ({
      baseUrl,
      apiKey: read.required('USER_MANAGEMENT_API_KEY', 'USER_MANAGEMENT_BASE_URL'),
    })),
  };

  const config: Config = {
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', 4000, 0, 65_535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    http: {
      corsOrigins: read.origins('CORS_ORIGINS'),
      maxBodyBytes: read.int('HTTP_MAX_BODY_BYTES', 1_048_576, 1_024, 1_073_741_824),
      playground: read.boolean('PLAYGROUND', true),
    },
    limits: {
      maxCost: read.int('GRAPHQL_MAX_COST', 25_000, 1, 1_000_000_000),
      maxTokens: read.int('GRAPHQL_MAX_TOKENS', 10_000, 100, 10_000_000),
    },
    store: {
      file: storeFile(read.string('DATA_DIR', 'data')),
      dataDir: read.string('DATA_DIR', 'data'),
      journalKey: read.secret('JOURNAL_KEY', 16),
    },
    vendors,
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
