/**
 * What the harness (bench/run.ts) and the vendors' process (bench/vendors.ts) share: the
 * population the simulators start with, where the benchmark's own people go, and the messages on
 * the IPC channel between the two.
 */
import type { Source } from '../src/domain/types';

/** The domain of every email address the benchmark's creates use. */
export const BENCH_EMAIL_DOMAIN = 'bench.example.net';
/** The sample's 36 people and one generated account of 100 (account 4), each of them at every vendor. */
export const POPULATION = 136;
/** The generated account whose 100 members the account page lists. */
export const ACCOUNT_PAGE_ID = '4';
export const SMALL_ACCOUNT_SIZE = 10;
export const LARGE_ACCOUNT_SIZE = 10_000;

/**
 * Calls per vendor and route since the last reset: those the vendor answered (any status below 500)
 * and those it did not (no answer yet, or 5xx).
 */
export type CallCounts = Partial<Record<Source, Record<string, { answered: number; failed: number }>>>;

export type VendorRequest =
  | { id: number; type: 'counts' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'latency'; latencyMs: Record<Source, number> }
  | { id: number; type: 'cleanup' };

export interface VendorsReady {
  type: 'ready';
  /** The base URLs and credentials a gateway (and the floor) reads. */
  env: Record<string, string>;
  /** The user-management accounts made for the create scenarios, by size. */
  accounts: { small: string; large: string };
  /** Every account the gateway's sync should import: the seeded ones and the two above. */
  syncAccountIds: string[];
}

export interface VendorAnswer {
  id: number;
  counts?: CallCounts;
  removed?: number;
  error?: string;
}
