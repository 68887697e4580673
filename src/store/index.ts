import { silentLogger, type Logger } from '../platform/logger';
import { ClaimStore } from './claims';
import type { Database } from './database';
import { IdentityStore } from './identity-store';
import { Journal, type JournalOptions } from './journal';
import { VendorRecordStore } from './vendor-records';
import { migrate } from './migrations';
import { describePostgres, type PostgresSettings } from './settings';
import { openSqliteDatabase } from './sqlite';

export * from './claims';
export * from './database';
export * from './errors';
export * from './identity-store';
export * from './journal';
export * from './migrations';
export * from './checkpoints';
export * from './leases';
export * from './reconciliation-queries';
export * from './vendor-records';
export * from './settings';
export { openSqliteDatabase, type SqliteOptions } from './sqlite';

/** Which database the store opens: the embedded file, or PostgreSQL. */
export type StoreTarget =
  | {
      /** The embedded database file (its directory is created on first start), or `':memory:'`. */
      file: string;
    }
  | { postgres: PostgresSettings };

export type StoreOptions = StoreTarget & {
  logger?: Logger;
  clock?: () => Date;
  /** Who owns the journal's operations; defaults to this process (`PROCESS_OWNER`). */
  owner?: JournalOptions['owner'];
  /** How long an operation's lease lasts without a heartbeat (`OPERATION_LEASE_TTL_S`). */
  operationLeaseTtlMs?: JournalOptions['leaseTtlMs'];
};

/** The store's views bound to one transaction. */
export interface StoreInTransaction {
  identities: IdentityStore;
  journal: Journal;
  records: VendorRecordStore;
  claims: ClaimStore;
}

/** The gateway's database with its two views; `transaction` binds both to one transaction. */
export interface Store {
  db: Database;
  identities: IdentityStore;
  journal: Journal;
  /** What the gateway last saw of each vendor record: the mirror of list-only vendors, and the sync's. */
  records: VendorRecordStore;
  /** Claims on a person's unique keys, held by the operations writing them. */
  claims: ClaimStore;
  /** Runs `fn` in one transaction: links and journal entries written in it commit together. */
  transaction<T>(fn: (store: StoreInTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The settings' store target: PostgreSQL when they name one, the embedded file otherwise. */
export function storeTarget(settings: { file: string; postgres: PostgresSettings | null }): StoreTarget {
  return settings.postgres === null ? { file: settings.file } : { postgres: settings.postgres };
}

/** Opens the database without migrating it (the `migrate` command and tests do that themselves). */
export async function openDatabase(target: StoreTarget, logger: Logger = silentLogger): Promise<Database> {
  if (!('postgres' in target)) return openSqliteDatabase({ file: target.file, logger });
  // Loaded here, only with DATABASE_URL: a gateway on its SQLite file never loads pg.
  const { openPostgresDatabase } = await import('./postgres');
  return openPostgresDatabase(target.postgres, logger);
}

/** Where the store is, for log lines: the file, or the PostgreSQL database without its password. */
export function describeTarget(target: StoreTarget): { engine: Database['engine']; database: string } {
  return 'postgres' in target
    ? { engine: 'postgres', database: describePostgres(target.postgres) }
    : { engine: 'sqlite', database: target.file };
}

/**
 * Opens the database and brings its schema up to date (under the migration lock, so processes
 * starting together on one PostgreSQL database never race). STORE_UNAVAILABLE when PostgreSQL
 * cannot be reached.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const db = await openDatabase(options, logger);
  try {
    const { applied, version } = await migrate(db, { logger, clock: options.clock });
    logger.info(
      { ...describeTarget(options), schemaVersion: version, migrationsApplied: applied.length },
      'identity store ready',
    );
  } catch (error) {
    await db.close();
    throw error;
  }
  const identities = new IdentityStore(db, { clock: options.clock });
  const journal = new Journal(db, {
    clock: options.clock,
    owner: options.owner,
    leaseTtlMs: options.operationLeaseTtlMs,
  });
  const records = new VendorRecordStore(db);
  const claims = new ClaimStore(db, options.clock);
  return {
    db,
    identities,
    journal,
    records,
    claims,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ identities: identities.on(tx), journal: journal.on(tx), records: records.on(tx), claims: claims.on(tx) }),
      ),
    close: () => db.close(),
  };
}
