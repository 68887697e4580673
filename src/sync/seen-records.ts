import type { CreateUserCommand } from '../domain/commands';
import type { Source } from '../domain/types';
import type { VendorAdapter, VendorRecord } from '../vendors/kit/adapter';
import { normalizeEmail, phoneDigits, type MatchState, type SeenRecord, type VendorRecordStore } from '../store';
import type { Ambiguity } from './identity-linker';

/**
 * Vendor records as the gateway's database keeps them (`vendor_records`): the record itself as
 * JSON, plus the keys it is linked by and the fields the reconciliation compares. Nothing here
 * knows a vendor: every record is the adapters' vendor-neutral VendorRecord.
 */

/** Whether the gateway keeps this vendor's records and reads them from its database: it can list them but not read one. */
export function isMirrored(adapter: VendorAdapter): boolean {
  return adapter.capabilities.list && !adapter.capabilities.readOne;
}

/**
 * After the gateway's own create at a mirrored vendor: the mirror holds the new record at once, so
 * requests read it without waiting for the next refresh. Nothing for other vendors.
 */
export async function mirrorCreated(
  records: VendorRecordStore,
  adapter: VendorAdapter | null,
  command: CreateUserCommand,
  externalId: string,
  at: Date,
): Promise<void> {
  if (adapter === null || !isMirrored(adapter) || adapter.createdRecord === undefined) return;
  await records.save([seenRecord(adapter.createdRecord(command, externalId), '', at)]);
}

/** Dates become `{ "$date": iso }`, so a record reads back exactly as it was written. */
export function encodeRecord(record: VendorRecord): string {
  const { email, phone, username, view, remember } = record;
  return JSON.stringify(
    { email, phone, username, view, remember },
    function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return original instanceof Date ? { $date: original.toISOString() } : value;
    },
  );
}

export function decodeRecord(source: Source, externalId: string, data: string): VendorRecord {
  const parsed = JSON.parse(data, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && typeof (value as { $date?: unknown }).$date === 'string')
      return new Date((value as { $date: string }).$date);
    return value;
  }) as Omit<VendorRecord, 'source' | 'externalId'>;
  return { source, externalId, ...parsed };
}

/** A record's row: what it is, where it was listed, and how it stands with the gateway's users. */
export function seenRecord(
  record: VendorRecord,
  scope: string,
  seenAt: Date,
  ambiguity: Ambiguity | null = null,
  keyless = false,
): SeenRecord {
  const name = nameOf(record);
  const match: MatchState = ambiguity !== null ? 'AMBIGUOUS' : keyless ? 'UNMATCHED' : 'LINKED';
  return {
    source: record.source,
    externalId: record.externalId,
    scope,
    email: normalizeEmail(record.email),
    phone: phoneDigits(record.phone),
    name,
    nameKey: name === null ? null : name.toLowerCase().replace(/\s+/g, ' '),
    active: typeof record.view.active === 'boolean' ? record.view.active : null,
    data: encodeRecord(record),
    match,
    matchDetail: ambiguity === null ? null : JSON.stringify(ambiguity),
    seenAt,
  };
}

/** Whether two rows say the same about a record (when it was seen aside). */
export function sameSeen(a: SeenRecord, b: SeenRecord): boolean {
  return (
    a.scope === b.scope &&
    a.email === b.email &&
    a.phone === b.phone &&
    a.name === b.name &&
    a.active === b.active &&
    a.data === b.data &&
    a.match === b.match &&
    a.matchDetail === b.matchDetail
  );
}

/** The ambiguity a row records, if it records one. */
export function ambiguityOf(row: SeenRecord): Ambiguity | null {
  return row.matchDetail === null ? null : (JSON.parse(row.matchDetail) as Ambiguity);
}

/** The person's name as the vendor holds it: its display name, else first and last name. */
function nameOf(record: VendorRecord): string | null {
  const display = record.view.displayName?.trim();
  if (display) return display.replace(/\s+/g, ' ');
  const parts = [record.view.firstName, record.view.lastName]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part));
  return parts.length === 0 ? null : parts.join(' ');
}
