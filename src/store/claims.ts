import type { Database } from './database';
import { assertText, iso } from './values';

/** What a claim is on: one of a person's keys that no two people may share. */
export type ClaimKind = 'email' | 'username';

/** A claim's name in the `claims` table: `email:ada@example.com`, `username:ada` (trimmed, lower-cased). */
export function claimName(kind: ClaimKind, value: string): string {
  assertText(value.trim(), `a ${kind} to claim`);
  return `${kind}:${value.trim().toLowerCase()}`;
}

/**
 * Claims on a person's unique keys (table `claims`): an operation that is about to write an email
 * address or a username to the vendors holds it first, so that of two concurrent creates of one
 * person exactly one reaches the vendors (without it each was told VENDOR_CONFLICT by the other's
 * records, both rolled back, and the person existed nowhere).
 *
 * A claim belongs to an operation of the journal and lasts as long as the operation is unsettled
 * (PENDING or INTERRUPTED): `release` ends it when the operation is settled, and a claim whose
 * operation is COMPLETED or FAILED is taken over by the next operation that asks, so a claim left by
 * a crash between the two holds nothing up. An INTERRUPTED operation keeps its claims until a replay
 * or the gateway's recovery settles it.
 */
export class ClaimStore {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** These claims over another handle (a transaction's), with the same clock. */
  on(db: Database): ClaimStore {
    return new ClaimStore(db, this.clock);
  }

  /**
   * Takes every claim in `names` for the operation (one it holds already counts as taken), or none:
   * the first name someone else holds is returned, and the claims taken on the way are given back.
   * Each claim is one statement, safe against a concurrent one on any engine: the insert, or the
   * take-over of a claim whose holder is settled, happens on the row's own conflict, never after a
   * separate read. All in one transaction (one commit).
   */
  async acquire(operationId: string, names: readonly string[]): Promise<{ heldBy: string; name: string } | null> {
    assertText(operationId, 'acquire() operationId');
    const sorted = [...new Set(names)].sort();
    for (const name of sorted) assertText(name, 'a claim name');
    if (sorted.length === 0) return null;
    if (sorted.length === 1) return this.acquireAll(this.db, operationId, sorted);
    return this.db.transaction((tx) => this.acquireAll(tx, operationId, sorted));
  }

  private async acquireAll(
    db: Database,
    operationId: string,
    sorted: readonly string[],
  ): Promise<{ heldBy: string; name: string } | null> {
    const at = iso(this.clock(), 'the claim clock');
    // Always in one order: two operations after the same two names never hold one each.
    for (const name of sorted) {
      const taken = await db.query<{ operation_id: string }>(
        `INSERT INTO claims (name, operation_id, claimed_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET operation_id = excluded.operation_id, claimed_at = excluded.claimed_at
         WHERE claims.operation_id = excluded.operation_id
            OR EXISTS (SELECT 1 FROM operations
                       WHERE operations.id = claims.operation_id AND operations.state IN ('COMPLETED', 'FAILED'))
         RETURNING operation_id`,
        [name, operationId, at],
      );
      if (taken.length > 0) continue;
      await db.run('DELETE FROM claims WHERE operation_id = $1', [operationId]);
      const holder = await db.query<{ operation_id: string }>('SELECT operation_id FROM claims WHERE name = $1', [
        name,
      ]);
      return { name, heldBy: holder[0]?.operation_id ?? '' };
    }
    return null;
  }

  /** Gives up every claim of the operation; nothing happens when it holds none. */
  async release(operationId: string): Promise<void> {
    assertText(operationId, 'release() operationId');
    await this.db.run('DELETE FROM claims WHERE operation_id = $1', [operationId]);
  }

  /** The claims an operation holds, by name (for tests and the soak's agreement check). */
  async heldBy(operationId: string): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      'SELECT name FROM claims WHERE operation_id = $1 ORDER BY name',
      [operationId],
    );
    return rows.map((row) => row.name);
  }
}
