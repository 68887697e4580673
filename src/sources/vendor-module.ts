/** Settings every vendor transport takes, whether it talks to a simulator or the real vendor. */
export interface TransportSettings {
  timeoutMs: number;
  retries: number;
  connections: number;
}

/** Where a vendor is: an endpoint from the environment (`<PREFIX>_BASE_URL` and credentials), or nowhere (not configured). */
export type VendorPlacement<Tuning, Endpoint> = { mode: 'remote'; tuning: Tuning; endpoint: Endpoint } | { mode: 'off'; tuning: Tuning };
