import { silentLogger, type Logger } from '../platform/logger';
import type { Database } from './database';
import { SchemaTooNewError } from './errors';

/**
 * One step of the schema. A migration that has shipped is never edited: change the schema by
 * appending the next version. The SQL follows the portability rules in `database.ts`, and names
 * its vocabularies literally (not from `SOURCES`) so that it stays what it was when it ran.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'identity links',
    sql: `
      CREATE TABLE users (
        id         TEXT PRIMARY KEY,
        email      TEXT UNIQUE,
        phone      TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE identities (
        source      TEXT NOT NULL,
        external_id TEXT NOT NULL,
        user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status      TEXT NOT NULL CHECK (status IN ('ACTIVE', 'PENDING', 'FAILED', 'ORPHANED')),
        linked_at   TEXT NOT NULL,
        synced_at   TEXT,
        PRIMARY KEY (source, external_id)
      );
      CREATE INDEX identities_user_id ON identities (user_id);

      CREATE TABLE profiles (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        source  TEXT NOT NULL,
        data    TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (user_id, source)
      );
    `,
  },
  {
    version: 2,
    name: 'operation journal',
    sql: `
      CREATE TABLE operations (
        id              TEXT PRIMARY KEY,
        idempotency_key TEXT UNIQUE,
        mutation        TEXT NOT NULL,
        input_hash      TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('PENDING', 'COMPLETED', 'INTERRUPTED', 'FAILED')),
        payload         TEXT,
        owner           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );
      CREATE INDEX operations_state ON operations (state);

      CREATE TABLE operation_steps (
        operation_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        source       TEXT NOT NULL,
        action       TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('STARTED', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'COMPENSATED')),
        external_id  TEXT,
        error        TEXT,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        PRIMARY KEY (operation_id, source, action)
      );
    `,
  },
  {
    version: 3,
    name: 'the keys each vendor record holds',
    // What a vendor holds may differ from the gateway user's own email after an update a vendor
    // could not apply; a person is still found by the address that vendor keeps.
    sql: `
      ALTER TABLE identities ADD COLUMN email TEXT;
      ALTER TABLE identities ADD COLUMN username TEXT;
      CREATE INDEX identities_email ON identities (email);
      CREATE INDEX identities_username ON identities (source, username);
    `,
  },
  {
    version: 4,
    name: 'who asked for each operation',
    // The audit trail: an operator asks "who deleted this person, and where did it land?".
    // fields_changed holds input field names only, never values.
    sql: `
      ALTER TABLE operations ADD COLUMN user_id TEXT;
      ALTER TABLE operations ADD COLUMN actor_subject TEXT;
      ALTER TABLE operations ADD COLUMN actor_role TEXT;
      ALTER TABLE operations ADD COLUMN client_address TEXT;
      ALTER TABLE operations ADD COLUMN request_id TEXT;
      ALTER TABLE operations ADD COLUMN fields_changed TEXT;
      ALTER TABLE operations ADD COLUMN secret_fingerprint TEXT;
      CREATE INDEX operations_created_at ON operations (created_at);
      CREATE INDEX operations_user_id ON operations (user_id);
    `,
  },
  {
    version: 5,
    name: 'vendor records seen by the sync, the mirror of list-only vendors, sync checkpoints and leases',
    // vendor_records: the last values the gateway saw of each record the sync or the mirror read
    // (and the gateway's own creates at a list-only vendor), with the keys it links by and the
    // fields the reconciliation compares as columns, since SQL here may not read JSON.
    // sync_checkpoints: where each vendor's walk stands, so an interrupted sync resumes there.
    // leases: one walker per vendor at a time across processes sharing the database.
    sql: `
      CREATE TABLE vendor_records (
        source       TEXT NOT NULL,
        external_id  TEXT NOT NULL,
        scope        TEXT NOT NULL,
        email        TEXT,
        phone        TEXT,
        name         TEXT,
        name_key     TEXT,
        active       INTEGER,
        data         TEXT NOT NULL,
        match_state  TEXT NOT NULL CHECK (match_state IN ('LINKED', 'AMBIGUOUS', 'UNMATCHED')),
        match_detail TEXT,
        seen_at      TEXT NOT NULL,
        PRIMARY KEY (source, external_id)
      );
      CREATE INDEX vendor_records_email ON vendor_records (email);
      CREATE INDEX vendor_records_phone ON vendor_records (phone);
      CREATE INDEX vendor_records_sweep ON vendor_records (source, scope, seen_at);
      CREATE INDEX vendor_records_match ON vendor_records (match_state);

      CREATE TABLE sync_checkpoints (
        source         TEXT NOT NULL,
        scope          TEXT NOT NULL,
        run_started_at TEXT NOT NULL,
        cursor         TEXT,
        state          TEXT NOT NULL CHECK (state IN ('RUNNING', 'DONE')),
        records        INTEGER NOT NULL,
        total          INTEGER,
        finished_at    TEXT,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (source, scope)
      );

      CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );

      CREATE INDEX users_phone ON users (phone);
      CREATE INDEX identities_source_synced ON identities (source, synced_at);
    `,
  },
  {
    version: 6,
    name: "claims on a person's unique keys, and what recovery needs to settle an interrupted operation",
    // claims: an operation writing an email address or a username holds it (email:<address>,
    // username:<name>, lower-cased) from before its first vendor call until it is settled, so two
    // concurrent creates of one person cannot both write the vendors and both roll back.
    // operations.recovery: the operation's input without its secrets, kept only until it is
    // settled, so that the gateway can finish an interrupted one itself; settled_by: whether a
    // request (the first or a replay) or the gateway's recovery settled it.
    sql: `
      CREATE TABLE claims (
        name         TEXT PRIMARY KEY,
        operation_id TEXT NOT NULL REFERENCES operations (id),
        claimed_at   TEXT NOT NULL
      );
      CREATE INDEX claims_operation_id ON claims (operation_id);

      ALTER TABLE operations ADD COLUMN recovery TEXT;
      ALTER TABLE operations ADD COLUMN settled_by TEXT;
    `,
  },
  {
    version: 7,
    name: 'the lease of each operation in flight',
    // lease_expires_at: until when the operation's owner is known to be running it; the owner renews
    // it while it runs (a heartbeat), and another process sharing the database takes over a PENDING
    // operation whose lease expired (its owner died or lost the database) as a restart would.
    // NULL for operations begun before leases: only a restart's judgement of their owner applies.
    sql: `
      ALTER TABLE operations ADD COLUMN lease_expires_at TEXT;
      CREATE INDEX operations_lease ON operations (state, lease_expires_at);
    `,
  },
];

export interface MigrateOptions {
  /** The schema this code knows; tests pass longer or shorter lists. */
  migrations?: readonly Migration[];
  logger?: Logger;
  clock?: () => Date;
}

export interface MigrateResult {
  /** The migrations this call applied, in order; empty when the database was current. */
  applied: Migration[];
  /** The schema version the database is at now. */
  version: number;
}

/** The lock every migration transaction takes: processes starting together on one database migrate one at a time. */
export const MIGRATION_LOCK = 'schema migrations';

/**
 * Brings the database to the latest version: each missing migration runs in its own transaction
 * together with its row in `schema_migrations`, so a failed migration leaves no trace. Every one of
 * those transactions holds MIGRATION_LOCK and looks again whether its migration is still missing,
 * so of several processes starting at once on an empty database exactly one applies each migration
 * and the others wait for it, then find nothing left to do. Refuses a database that a newer gateway
 * migrated (SCHEMA_TOO_NEW) before changing anything.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { migrations = MIGRATIONS, logger = silentLogger, clock = () => new Date() } = options;
  assertOrdered(migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const locked = { lock: MIGRATION_LOCK, unbounded: true };

  const current = await db.transaction(async (tx) => {
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )
    `);
    return schemaVersion(tx);
  }, locked);
  if (current > latest) throw new SchemaTooNewError(current, latest);

  const applied: Migration[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const ran = await db.transaction(async (tx) => {
      // Another process may have applied it while this one waited for the lock.
      const done = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        clock().toISOString(),
      ]);
      return true;
    }, locked);
    if (ran) {
      applied.push(migration);
      logger.info({ version: migration.version, migration: migration.name }, 'database migration applied');
    }
  }
  return { applied, version: Math.max(current, latest) };
}

/** The highest applied migration, 0 for a database never migrated. */
export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return Number(rows[0]?.version ?? 0);
}

/** A list with gaps or out of order would apply a schema nobody tested. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TypeError(
        `migrations must be numbered 1, 2, 3, … in order; position ${index + 1} has version ${migration.version}`,
      );
    }
    if (!migration.name || !migration.sql.trim())
      throw new TypeError(`migration ${migration.version} needs a name and SQL`);
  });
}
