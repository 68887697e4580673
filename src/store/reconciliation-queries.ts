import type { Source } from '../domain/types';
import { chunksForList, placeholders, type Database } from './database';
import { assertSource, assertString } from './values';

/** A record the gateway saw, as one side of a comparison. */
export interface ComparedRecord {
  source: Source;
  externalId: string;
  name: string | null;
  nameKey: string | null;
  email: string | null;
  active: boolean | null;
}

/** How many compared fields disagree among a user's records, and how many users that is. */
export interface DriftCounts {
  /** Users with at least one disagreeing field. */
  users: number;
  name: number;
  email: number;
  active: number;
}

/** The live links of a user's records: ORPHANED links (the vendor no longer has the record) do not count. */
const LIVE = "status <> 'ORPHANED'";

/**
 * The reconciliation's questions to the database, in SQL both engines accept: who is missing at a
 * vendor, whose records disagree, answered with counts and bounded pages so that neither the
 * database's size nor the report's grows the process.
 */
export class ReconciliationQueries {
  constructor(private readonly db: Database) {}

  /** Users with a live record somewhere but none at `source`, in id order, up to `limit`. */
  async missingAt(source: Source, limit: number): Promise<{ userId: string; email: string | null }[]> {
    assertSource(source);
    const rows = await this.db.query<{ id: string; email: string | null }>(
      `SELECT id, email FROM users WHERE ${missingCondition()} ORDER BY id LIMIT $2`,
      [source, positive(limit)],
    );
    return rows.map((row) => ({ userId: row.id, email: row.email }));
  }

  async countMissingAt(source: Source): Promise<number> {
    assertSource(source);
    const rows = await this.db.query<{ count: number | string }>(
      `SELECT COUNT(*) AS count FROM users WHERE ${missingCondition()}`,
      [source],
    );
    return Number(rows[0].count);
  }

  /** Users whose linked records disagree on name, email or active, in id order, up to `limit`. */
  async driftingUsers(limit: number): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }>(
      `${PER_USER} HAVING ${DISAGREE} ORDER BY identities.user_id LIMIT $1`,
      [positive(limit)],
    );
    return rows.map((row) => row.user_id);
  }

  async countDrift(): Promise<DriftCounts> {
    const rows = await this.db.query<{
      users: number | string;
      names: number | string | null;
      emails: number | string | null;
      actives: number | string | null;
    }>(
      `SELECT COUNT(*) AS users,
         SUM(CASE WHEN names > 1 THEN 1 ELSE 0 END) AS names,
         SUM(CASE WHEN emails > 1 THEN 1 ELSE 0 END) AS emails,
         SUM(CASE WHEN actives > 1 THEN 1 ELSE 0 END) AS actives
       FROM (${PER_USER} HAVING ${DISAGREE}) AS drifting`,
    );
    const row = rows[0];
    return {
      users: Number(row.users),
      name: Number(row.names ?? 0),
      email: Number(row.emails ?? 0),
      active: Number(row.actives ?? 0),
    };
  }

  /** The compared records of each user, in source order; users without any are not keys. */
  async comparedRecords(userIds: readonly string[]): Promise<Map<string, ComparedRecord[]>> {
    const result = new Map<string, ComparedRecord[]>();
    for (const chunk of chunksForList([...new Set(userIds)])) {
      for (const id of chunk) assertString(id, 'comparedRecords() userIds');
      const rows = await this.db.query<{
        user_id: string;
        source: string;
        external_id: string;
        name: string | null;
        name_key: string | null;
        email: string | null;
        active: number | null;
      }>(
        `SELECT identities.user_id, vendor_records.source, vendor_records.external_id, vendor_records.name, vendor_records.name_key, vendor_records.email, vendor_records.active
         FROM identities JOIN vendor_records ON vendor_records.source = identities.source AND vendor_records.external_id = identities.external_id
         WHERE identities.${LIVE} AND identities.user_id IN (${placeholders(chunk.length)})
         ORDER BY identities.user_id, vendor_records.source, vendor_records.external_id`,
        chunk,
      );
      for (const row of rows) {
        const record: ComparedRecord = {
          source: row.source as Source,
          externalId: row.external_id,
          name: row.name,
          nameKey: row.name_key,
          email: row.email,
          active: row.active === null ? null : Number(row.active) === 1,
        };
        result.set(row.user_id, [...(result.get(row.user_id) ?? []), record]);
      }
    }
    return result;
  }
}

/** `$1` is the vendor: the user has a live record elsewhere and none there. */
function missingCondition(): string {
  return `NOT EXISTS (SELECT 1 FROM identities WHERE identities.user_id = users.id AND identities.source = $1 AND identities.${LIVE})
    AND EXISTS (SELECT 1 FROM identities WHERE identities.user_id = users.id AND identities.${LIVE})`;
}

/** Per user, how many distinct values their seen records hold (COUNT DISTINCT skips a vendor without the field). */
const PER_USER = `SELECT identities.user_id AS user_id,
    COUNT(DISTINCT vendor_records.name_key) AS names,
    COUNT(DISTINCT vendor_records.email) AS emails,
    COUNT(DISTINCT vendor_records.active) AS actives
  FROM identities JOIN vendor_records ON vendor_records.source = identities.source AND vendor_records.external_id = identities.external_id
  WHERE identities.${LIVE}
  GROUP BY identities.user_id`;

const DISAGREE =
  'COUNT(DISTINCT vendor_records.name_key) > 1 OR COUNT(DISTINCT vendor_records.email) > 1 OR COUNT(DISTINCT vendor_records.active) > 1';

function positive(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError(`a reconciliation limit must be a positive integer, got ${limit}`);
  return limit;
}
