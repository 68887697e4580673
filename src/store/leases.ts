import type { Database } from './database';
import { assertText, iso } from './values';

export interface LeaseOptions {
  clock?: () => Date;
  /**
   * Whether a holder is still running; a lease of a dead holder is taken over at once instead of
   * waiting for it to expire. Holders it cannot judge (another host) count as alive.
   */
  holderIsAlive?: (holder: string) => boolean;
}

/**
 * Named leases in the database (table `leases`): at most one holder per name across every process
 * sharing it, for a while (`ttlMs`) that the holder renews as it works. A holder that dies without
 * releasing keeps it until it expires, unless `holderIsAlive` says it is gone.
 */
export class LeaseStore {
  private readonly clock: () => Date;
  private readonly holderIsAlive: (holder: string) => boolean;

  constructor(
    private readonly db: Database,
    options: LeaseOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.holderIsAlive = options.holderIsAlive ?? (() => true);
  }

  /** Takes the lease, or renews it for its holder; false while someone else holds it. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    assertText(name, 'acquire() name');
    assertText(holder, 'acquire() holder');
    const now = this.clock();
    const expires = expiry(now, ttlMs);
    // One statement: of two processes racing for a free or expired lease, exactly one writes it.
    const { changes } = await this.db.run(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < $4`,
      [name, holder, expires, iso(now, 'acquire() now')],
    );
    if (changes > 0) return true;
    const current = await this.holder(name);
    if (current === null || this.holderIsAlive(current.holder)) return false;
    // The holder died without releasing: take it over, unless another process just did.
    const taken = await this.db.run('UPDATE leases SET holder = $1, expires_at = $2 WHERE name = $3 AND holder = $4', [
      holder,
      expires,
      name,
      current.holder,
    ]);
    return taken.changes > 0;
  }

  /** Extends the lease; false when this holder no longer has it (it expired and someone took it). */
  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const { changes } = await this.db.run('UPDATE leases SET expires_at = $1 WHERE name = $2 AND holder = $3', [
      expiry(this.clock(), ttlMs),
      name,
      holder,
    ]);
    return changes > 0;
  }

  /** Gives the lease up; nothing happens when this holder does not hold it. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  /** Who holds the lease and until when, expired or not; null when nobody does. */
  async holder(name: string): Promise<{ holder: string; expiresAt: Date } | null> {
    const rows = await this.db.query<{ holder: string; expires_at: string }>(
      'SELECT holder, expires_at FROM leases WHERE name = $1',
      [name],
    );
    return rows[0] === undefined ? null : { holder: rows[0].holder, expiresAt: new Date(rows[0].expires_at) };
  }
}

function expiry(now: Date, ttlMs: number): string {
  if (!Number.isInteger(ttlMs) || ttlMs < 1)
    throw new TypeError(`a lease's ttlMs must be a positive integer, got ${ttlMs}`);
  return iso(new Date(now.getTime() + ttlMs), 'a lease expiry');
}
