/**
 * What a vendor's folder tells the rest of the gateway about the vendor: the variables that
 * configure it and how its adapter is built. The configuration and the registry loop over these
 * modules, so neither names a vendor's variables or classes.
 */
import type { Source } from '../../domain/types';
import type { EnvReader } from '../../platform/env';
import type { VendorAdapter } from './adapter';
import { DEFAULT_RESILIENCE, RESILIENCE_BOUNDS, type ResiliencePolicy } from '../transport/resilience';
import type { VendorClientDeps } from './client';

/** Settings every vendor transport takes, whether it talks to a simulator or the real vendor. */
export interface TransportSettings {
  /** Deadline of one attempt, from sending to the last byte. */
  timeoutMs: number;
  /** Extra attempts for a call that may be retried. */
  retries: number;
  /** Keep-alive connections, and calls in flight at once. */
  connections: number;
  /** The rest of the resilience policy; {@link readTransport} reads all of it, a test may give part (the rest takes its default). */
  resilience?: Partial<ResiliencePolicy>;
}

/** Where a vendor is: an endpoint from the environment (`<PREFIX>_BASE_URL` and credentials), or nowhere (not configured). */
export type VendorPlacement<Tuning, Endpoint> =
  { mode: 'remote'; tuning: Tuning; endpoint: Endpoint } | { mode: 'off'; tuning: Tuning };

/**
 * One vendor, as the gateway's configuration and registry see it. Its variables are named with its
 * source as prefix: `<SOURCE>_BASE_URL` (read by the configuration, which then asks for the
 * endpoint), `<SOURCE>_TIMEOUT_MS`, and whatever its tuning and endpoint read.
 */
export interface VendorModule<Tuning extends TransportSettings, Endpoint extends { baseUrl: string }> {
  readonly source: Source;
  /** What the vendor is, in a sentence: its value's description in the GraphQL enum `Source`. */
  readonly description: string;
  /**
   * How the vendor is talked to and its tenant's rules, from the environment, wherever the vendor
   * is; the vendor's simulator is built from the same, so the two agree. `transport` is what every
   * vendor reads alike ({@link readTransport}).
   */
  readTuning(read: EnvReader, transport: TransportSettings): Tuning;
  /** Its endpoint once `<SOURCE>_BASE_URL` is set: that URL, and the credentials that must come with it. */
  readEndpoint(read: EnvReader, baseUrl: string): Endpoint;
  /**
   * The variables {@link readEndpoint} reads the credentials from, holding this endpoint's: what a
   * gateway must be given to reach it (the simulators hand theirs over this way). Written beside
   * the reading so the two cannot drift apart.
   */
  credentialEnv(endpoint: Endpoint): Record<string, string>;
  /** Its client, wrapped in its adapter; closing the adapter closes the client. */
  createAdapter(tuning: Tuning, endpoint: Endpoint, deps: VendorClientDeps): VendorAdapter;
}

/** The variable suffix of each resilience setting: `VENDOR_<SUFFIX>` for every vendor, `<SOURCE>_<SUFFIX>` for one. */
export const RESILIENCE_VARIABLES: Readonly<Record<keyof ResiliencePolicy, string>> = {
  connectTimeoutMs: 'CONNECT_TIMEOUT_MS',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  bodyTimeoutMs: 'BODY_TIMEOUT_MS',
  retryBaseDelayMs: 'RETRY_BASE_DELAY_MS',
  retryMaxDelayMs: 'RETRY_MAX_DELAY_MS',
  retryWindowMs: 'RETRY_WINDOW_MS',
  retryAfterMaxMs: 'RETRY_AFTER_MAX_MS',
  breakerThreshold: 'BREAKER_THRESHOLD',
  breakerHalfOpenMs: 'BREAKER_HALF_OPEN_MS',
  queue: 'QUEUE',
  rateLimitPerSecond: 'RATE_LIMIT_RPS',
  maxResponseBytes: 'MAX_RESPONSE_BYTES',
};

/**
 * The transport settings of a vendor. Each is `VENDOR_<NAME>` for every vendor, overridden for one
 * by `<SOURCE>_<NAME>`: `TIMEOUT_MS`, `RETRIES`, `CONNECTIONS` and the resilience policy's
 * ({@link RESILIENCE_VARIABLES}; defaults in DEFAULT_RESILIENCE).
 */
export function readTransport(read: EnvReader, source: Source): TransportSettings {
  const perVendor = (name: string, fallback: number, [min, max]: readonly [number, number]) =>
    read.int(`${source}_${name}`, read.int(`VENDOR_${name}`, fallback, min, max), min, max);
  const resilience = Object.fromEntries(
    (Object.keys(RESILIENCE_VARIABLES) as (keyof ResiliencePolicy)[]).map((key) => [
      key,
      perVendor(RESILIENCE_VARIABLES[key], DEFAULT_RESILIENCE[key], RESILIENCE_BOUNDS[key]),
    ]),
  ) as unknown as ResiliencePolicy;
  return {
    timeoutMs: perVendor('TIMEOUT_MS', 5_000, [1, 600_000]),
    retries: perVendor('RETRIES', 2, [0, 10]),
    connections: perVendor('CONNECTIONS', 16, [1, 1_024]),
    resilience,
  };
}
