/**
 * What a vendor's folder tells the rest of the gateway about the vendor: the variables that
 * configure it and how its adapter is built. The configuration and the registry loop over these
 * modules, so neither names a vendor's variables or classes.
 */
import type { Source } from '../domain/types';
import type { EnvReader } from '../env';
import type { VendorAdapter } from './adapter';
import type { VendorClientDeps } from './vendor-client';

/** Settings every vendor transport takes, whether it talks to a simulator or the real vendor. */
export interface TransportSettings {
  timeoutMs: number;
  retries: number;
  connections: number;
}

/** Where a vendor is: an endpoint from the environment (`<PREFIX>_BASE_URL` and credentials), or nowhere (not configured). */
export type VendorPlacement<Tuning, Endpoint> = { mode: 'remote'; tuning: Tuning; endpoint: Endpoint } | { mode: 'off'; tuning: Tuning };

/**
 * One vendor, as the gateway's configuration and registry see it. Its variables are named with its
 * source as prefix: `<SOURCE>_BASE_URL` (read by the configuration, which then asks for the
 * endpoint), `<SOURCE>_TIMEOUT_MS`, and whatever its tuning and endpoint read.
 */
export interface VendorModule<Tuning extends TransportSettings, Endpoint extends { baseUrl: string }> {
  readonly source: Source;
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
  /** Its datasource, wrapped in its adapter; closing the adapter closes the datasource. */
  createAdapter(tuning: Tuning, endpoint: Endpoint, deps: VendorClientDeps): VendorAdapter;
}

/**
 * The transport settings of a vendor: `<SOURCE>_TIMEOUT_MS`, else `VENDOR_TIMEOUT_MS`; the retries
 * and the connection pool are the same for every vendor.
 */
export function readTransport(read: EnvReader, source: Source): TransportSettings {
  return {
    timeoutMs: read.int(`${source}_TIMEOUT_MS`, read.int('VENDOR_TIMEOUT_MS', 5_000, 1, 600_000), 1, 600_000),
    retries: read.int('VENDOR_RETRIES', 2, 0, 10),
    connections: read.int('VENDOR_CONNECTIONS', 16, 1, 1_024),
  };
}
