import { join } from 'node:path';
import { USA_COUNTRY_NAMES, type CreateRules } from './sources/engagement/contract';
import { DEFAULT_MIN_PASSWORD_LENGTH, RESERVED_LOCALES, type RainMakerRules } from './sources/rainmaker/contract';

/** Settings every vendor transport takes, whether it talks to a simulator or the real vendor. */
export interface TransportSettings {
  timeoutMs: number;
  retries: number;
  connections: number;
}

export interface RainMakerTuning extends TransportSettings {
  region: string;
  service: string;
  apiVersion: string;
  /** The tenant's rules: reserved locales and the minimum password length. */
  rules: RainMakerRules;
}
export interface RainMakerEndpoint {
  baseUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface EngagementTuning extends TransportSettings {
  pageSize: number;
  /** The tenant's rules: which country names mean the USA, and whether the mobile number is the reconciliation key. */
  rules: CreateRules;
}
export interface BasicEndpoint {
  baseUrl: string;
  username: string;
  password: string;
}

export interface GreenArrowTuning extends TransportSettings {
  /** GreenArrow's fixed page size; the batch loader compares batch sizes against it. */
  pageSize: number;
}

export interface UserManagementTuning extends TransportSettings {
  apiKeyHeader: string;
  /** Prefix of the account listing path only (`/pub/usr/acc/{id}`); the other paths have none. */
  accountPathPrefix: string;
}
export interface UserManagementEndpoint {
  baseUrl: string;
  apiKey: string;
}

/** A datasource's settings: its tuning and endpoint. The tenant rules are for validation, not the transport, so a datasource does not need them. */
export type RainMakerSettings = Omit<RainMakerTuning, 'rules'> & RainMakerEndpoint;
export type EngagementSettings = Omit<EngagementTuning, 'rules'> & BasicEndpoint;
export type GreenArrowSettings = GreenArrowTuning & BasicEndpoint;
export type UserManagementSettings = UserManagementTuning & UserManagementEndpoint;

/** Where a vendor is: an endpoint from the environment (`<PREFIX>_BASE_URL` and credentials), or nowhere (not configured). */
export type VendorPlacement<Tuning, Endpoint> = { mode: 'remote'; tuning: Tuning; endpoint: Endpoint } | { mode: 'off'; tuning: Tuning };

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

/** Thrown at startup; lists every bad variable with what is expected, each once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: readonly string[]) {
    // A variable several settings fall back to (VENDOR_TIMEOUT_MS) would otherwise be named once per setting.
    const unique = [...new Set(problems)];
    super(`Invalid configuration:\n${unique.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = unique;
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Reads variables one by one, collecting every problem instead of stopping at the first. Messages
 * name the variable and what it expects; a secret's value is never echoed.
 */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: expected true or false, got "${value}"`);
    return fallback;
  }

  url(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      if (url.username || url.password) {
        this.problems.push(`${name}: credentials do not belong in the URL; use the vendor's credential variables`);
        return undefined;
      }
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}: expected an http(s) URL, got "${value}"`);
      return undefined;
    }
  }

  /** A comma-separated list of non-empty items (trimmed); unset or blank means `fallback`. */
  list(name: string, fallback: readonly string[], what: string): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim());
    if (items.some((item) => item === '')) {
      this.problems.push(`${name}: expected ${what}, separated by commas, none of them empty, got "${value}"`);
      return fallback;
    }
    return items;
  }

  /** A comma-separated list of browser origins (`scheme://host[:port]`, no path). */
  origins(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const origins: string[] = [];
    for (const item of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
      let origin: string | null = null;
      try {
        const parsed = new URL(item);
        if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === item.replace(/\/$/, '')) origin = parsed.origin;
      } catch {
        // reported below
      }
      if (origin === null) this.problems.push(`${name}: expected origins such as https://admin.example.com (scheme, host and port only), got "${item}"`);
      else origins.push(origin);
    }
    return origins;
  }

  /** An optional secret of a minimum length; the message never echoes it. */
  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name}: expected at least ${minLength} characters`);
      return undefined;
    }
    return value;
  }

  /** A variable that must be set because another one is. Never echoes the (secret) value. */
  required(name: string, because: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name}: required when ${because} is set`);
      return '';
    }
    return value;
  }

  /** Unlike other variables, set-but-empty is meaningful here: it turns the prefix off. */
  pathPrefix(name: string, fallback: string): string {
    const value = this.env[name]?.trim() ?? fallback;
    if (value !== '' && !/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(value)) {
      this.problems.push(`${name}: expected a path starting with "/" and not ending with one (or empty), got "${value}"`);
      return fallback;
    }
    return value;
  }
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
