import type { EnvReader } from '../platform/env';

/** How the sync command and the gateway's mirror refresher walk the vendors' listings. */
export interface SyncSettings {
  /** `SYNC_ACCOUNT_IDS`: accounts whose members the sync imports, besides the accounts the gateway already knows. */
  accountIds: readonly string[];
  /** `SYNC_PAGES_PER_SECOND`: the sync command's pace per vendor; 0 means as fast as the vendor answers. */
  pagesPerSecond: number;
  /** `SYNC_LEASE_S`: how long a walker's claim on a vendor lasts without renewal (it renews after every page). */
  leaseTtlMs: number;
  mirror: {
    /** `MIRROR_REFRESH_INTERVAL_S`: pause between two refreshes of the mirror by a gateway; 0 turns the refresher off. */
    refreshIntervalMs: number;
    /** `MIRROR_PAGES_PER_SECOND`: the refresher's pace, so it never crowds out the vendor. */
    pagesPerSecond: number;
  };
}

/** Reads the sync's and the mirror's settings; problems are collected on `read`. */
export function readSyncSettings(read: EnvReader): SyncSettings {
  return {
    accountIds: read.list('SYNC_ACCOUNT_IDS', [], 'account ids'),
    pagesPerSecond: read.int('SYNC_PAGES_PER_SECOND', 0, 0, 10_000),
    leaseTtlMs: read.int('SYNC_LEASE_S', 60, 5, 86_400) * 1000,
    mirror: {
      refreshIntervalMs: read.int('MIRROR_REFRESH_INTERVAL_S', 300, 0, 604_800) * 1000,
      pagesPerSecond: read.int('MIRROR_PAGES_PER_SECOND', 5, 1, 10_000),
    },
  };
}
