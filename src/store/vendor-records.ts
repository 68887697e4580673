import type { Source } from '../domain/types';
import { chunksForList, placeholders, type Database, type SqlValue } from './database';
import { assertOneOf, assertSource, assertString, assertText, iso } from './values';

/** How a seen record stands with the gateway's users. */
export const MATCH_STATES = ['LINKED', 'AMBIGUOUS', 'UNMATCHED'] as const;
export type MatchState = (typeof MATCH_STATES)[number];

/**
 * What the gateway last saw of one vendor record: read by the sync or the mirror's refresher, or
 * written by the gateway itself at a vendor that can only be listed. `data` is the record as the
 * services encode it (opaque here); the keys the linker matches on and the fields the
 * reconciliation compares are columns, so plain SQL can find and group them.
 */
export interface SeenRecord {
  source: Source;
  externalId: string;
  /** Where the record was listed: '' for a vendor's whole listing, the account id for an account's. */
  scope: string;
  /** Lower-cased, or null. */
  email: string | null;
  /** Digits only, or null. */
  phone: string | null;
  /** The person's name as the vendor holds it, for the report. */
  name: string | null;
  /** The name as compared: lower-cased, spaces collapsed. */
  nameKey: string | null;
  active: boolean | null;
  data: string;
  match: MatchState;
  /** Why a record is not linked (JSON the services write), null when it is. */
  matchDetail: string | null;
  seenAt: Date;
}

interface Row {
  source: string;
  external_id: string;
  scope: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  name_key: string | null;
  active: number | null;
  data: string;
  match_state: string;
  match_detail: string | null;
  seen_at: string;
}

const COLUMNS =
  'source, external_id, scope, email, phone, name, name_key, active, data, match_state, match_detail, seen_at';

/**
 * The records the gateway has seen at the vendors (table `vendor_records`). For a vendor that can
 * only be listed these rows are the mirror requests read; for the others they are what the
 * reconciliation compares. Every look-up takes a batch and costs one query per
 * MAX_VALUES_PER_LIST keys.
 */
export class VendorRecordStore {
  constructor(private readonly db: Database) {}

  /** This store over another handle (a transaction's). */
  on(db: Database): VendorRecordStore {
    return new VendorRecordStore(db);
  }

  /** The seen records of one vendor among these ids; ids never seen are not keys. */
  async byExternalIds(source: Source, externalIds: readonly string[]): Promise<Map<string, SeenRecord>> {
    assertSource(source);
    const result = new Map<string, SeenRecord>();
    for (const chunk of chunksForList(distinct(externalIds, 'byExternalIds() externalIds'))) {
      const rows = await this.db.query<Row>(
        `SELECT ${COLUMNS} FROM vendor_records WHERE source = $1 AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      for (const row of rows) result.set(row.external_id, toRecord(row));
    }
    return result;
  }

  /** Just the encoded records (`data`) of one vendor among these ids, for reading them; ids never seen are not keys. */
  async dataByExternalIds(source: Source, externalIds: readonly string[]): Promise<Map<string, string>> {
    assertSource(source);
    const result = new Map<string, string>();
    for (const chunk of chunksForList(distinct(externalIds, 'dataByExternalIds() externalIds'))) {
      const rows = await this.db.queryRows<[externalId: string, data: string]>(
        `SELECT external_id, data FROM vendor_records WHERE source = $1 AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      for (const [externalId, data] of rows) result.set(externalId, data);
    }
    return result;
  }

  /** Inserts or replaces each record (one statement each; call it inside a transaction for a batch). */
  async save(records: readonly SeenRecord[]): Promise<void> {
    for (const record of records) {
      assertRecord(record);
      await this.db.run(
        `INSERT INTO vendor_records (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (source, external_id) DO UPDATE SET scope = excluded.scope, email = excluded.email, phone = excluded.phone,
           name = excluded.name, name_key = excluded.name_key, active = excluded.active, data = excluded.data,
           match_state = excluded.match_state, match_detail = excluded.match_detail, seen_at = excluded.seen_at`,
        [
          record.source,
          record.externalId,
          record.scope,
          record.email,
          record.phone,
          record.name,
          record.nameKey,
          record.active === null ? null : Number(record.active),
          record.data,
          record.match,
          record.matchDetail,
          iso(record.seenAt, 'save() seenAt'),
        ],
      );
    }
  }

  /** Records that these records were seen again, unchanged, at `at`. */
  async touch(source: Source, externalIds: readonly string[], at: Date): Promise<void> {
    assertSource(source);
    for (const chunk of chunksForList(distinct(externalIds, 'touch() externalIds'))) {
      await this.db.run(
        `UPDATE vendor_records SET seen_at = $1 WHERE source = $2 AND external_id IN (${placeholders(chunk.length, 3)})`,
        [iso(at, 'touch() at'), source, ...chunk],
      );
    }
  }

  /** Forgets these records (the vendor deleted them); returns how many there were. */
  async remove(source: Source, externalIds: readonly string[]): Promise<number> {
    assertSource(source);
    let removed = 0;
    for (const chunk of chunksForList(distinct(externalIds, 'remove() externalIds'))) {
      const { changes } = await this.db.run(
        `DELETE FROM vendor_records WHERE source = $1 AND external_id IN (${placeholders(chunk.length, 2)})`,
        [source, ...chunk],
      );
      removed += changes;
    }
    return removed;
  }

  /** The ids of one scope's records not seen since `before`, up to `limit`: what a complete walk no longer found. */
  async unseenSince(source: Source, scope: string, before: Date, limit: number): Promise<string[]> {
    assertSource(source);
    assertString(scope, 'unseenSince() scope');
    const rows = await this.db.query<{ external_id: string }>(
      'SELECT external_id FROM vendor_records WHERE source = $1 AND scope = $2 AND seen_at < $3 ORDER BY external_id LIMIT $4',
      [source, scope, iso(before, 'unseenSince() before'), positive(limit, 'unseenSince() limit')],
    );
    return rows.map((row) => row.external_id);
  }

  /** The ids of this vendor's records holding the email address (lower-cased) or the phone (digits). */
  async externalIdsByKeys(
    source: Source,
    keys: { email?: string | null; phone?: string | null },
  ): Promise<{ byEmail: string[]; byPhone: string[] }> {
    assertSource(source);
    const params: SqlValue[] = [source];
    const conditions: string[] = [];
    if (keys.email) {
      params.push(keys.email);
      conditions.push(`email = $${params.length}`);
    }
    if (keys.phone) {
      params.push(keys.phone);
      conditions.push(`phone = $${params.length}`);
    }
    if (conditions.length === 0) return { byEmail: [], byPhone: [] };
    const rows = await this.db.query<{ external_id: string; email: string | null; phone: string | null }>(
      `SELECT external_id, email, phone FROM vendor_records WHERE source = $1 AND (${conditions.join(' OR ')}) ORDER BY external_id`,
      params,
    );
    return {
      byEmail: rows.filter((row) => keys.email && row.email === keys.email).map((row) => row.external_id),
      byPhone: rows.filter((row) => keys.phone && row.phone === keys.phone).map((row) => row.external_id),
    };
  }

  /** How many records of one scope have been seen. */
  async countScope(source: Source, scope: string): Promise<number> {
    assertSource(source);
    const rows = await this.db.query<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM vendor_records WHERE source = $1 AND scope = $2',
      [source, scope],
    );
    return Number(rows[0].count);
  }

  /** The scopes of one vendor's records other than its whole listing: for the accounts vendor, the accounts the gateway knows. */
  async scopesOf(source: Source): Promise<string[]> {
    assertSource(source);
    const rows = await this.db.query<{ scope: string }>(
      "SELECT DISTINCT scope FROM vendor_records WHERE source = $1 AND scope <> '' ORDER BY scope",
      [source],
    );
    return rows.map((row) => row.scope);
  }

  /** How many records of each vendor have been seen. */
  async countsBySource(): Promise<Map<Source, number>> {
    const rows = await this.db.query<{ source: string; count: number | string }>(
      'SELECT source, COUNT(*) AS count FROM vendor_records GROUP BY source',
    );
    return new Map(rows.map((row) => [row.source as Source, Number(row.count)]));
  }

  /** Records not linked because they matched more than one person, or shared a person with another record; oldest key first. */
  async ambiguous(limit: number): Promise<SeenRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM vendor_records WHERE match_state = 'AMBIGUOUS' ORDER BY source, external_id LIMIT $1`,
      [positive(limit, 'ambiguous() limit')],
    );
    return rows.map(toRecord);
  }

  async countAmbiguous(): Promise<number> {
    const rows = await this.db.query<{ count: number | string }>(
      "SELECT COUNT(*) AS count FROM vendor_records WHERE match_state = 'AMBIGUOUS'",
    );
    return Number(rows[0].count);
  }
}

function toRecord(row: Row): SeenRecord {
  return {
    source: row.source as Source,
    externalId: row.external_id,
    scope: row.scope,
    email: row.email,
    phone: row.phone,
    name: row.name,
    nameKey: row.name_key,
    active: row.active === null ? null : Number(row.active) === 1,
    data: row.data,
    match: row.match_state as MatchState,
    matchDetail: row.match_detail,
    seenAt: new Date(row.seen_at),
  };
}

function assertRecord(record: SeenRecord): void {
  assertSource(record.source);
  assertText(record.externalId, 'a seen record externalId');
  assertString(record.scope, 'a seen record scope');
  assertString(record.data, 'a seen record data');
  assertOneOf(MATCH_STATES, record.match, 'a seen record match');
}

function distinct(values: readonly string[], what: string): string[] {
  if (!Array.isArray(values)) throw new TypeError(`${what} must be an array of strings`);
  for (const value of values) assertString(value, `each of ${what}`);
  return [...new Set<string>(values)];
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
