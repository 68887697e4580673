import { MIGRATIONS, migrate, schemaVersion, SchemaTooNewError, type Database, type Migration } from '../../src/store';
import { openTestDatabase } from '../helpers/test-store';

/** The tables of the database (on PostgreSQL, of the schema the connection works in). */
async function tableNames(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    db.engine === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
      : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
  );
  return rows.map((row) => row.name);
}

describe('migrations', () => {
  let db: Database;
  const at = new Date('2030-01-02T03:04:05.000Z');

  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  it('bring a fresh database to the latest version, recording each one', async () => {
    const result = await migrate(db, { clock: () => at });
    expect(result.applied.map((migration) => migration.version)).toEqual(
      MIGRATIONS.map((migration) => migration.version),
    );
    expect(result.version).toBe(MIGRATIONS.length);
    expect(await tableNames(db)).toEqual([
      'claims',
      'identities',
      'leases',
      'operation_steps',
      'operations',
      'profiles',
      'schema_migrations',
      'sync_checkpoints',
      'users',
      'vendor_records',
    ]);
    expect(await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'identity links', applied_at: at.toISOString() },
      { version: 2, name: 'operation journal', applied_at: at.toISOString() },
      { version: 3, name: 'the keys each vendor record holds', applied_at: at.toISOString() },
      { version: 4, name: 'who asked for each operation', applied_at: at.toISOString() },
      {
        version: 5,
        name: 'vendor records seen by the sync, the mirror of list-only vendors, sync checkpoints and leases',
        applied_at: at.toISOString(),
      },
      {
        version: 6,
        name: "claims on a person's unique keys, and what recovery needs to settle an interrupted operation",
        applied_at: at.toISOString(),
      },
      { version: 7, name: 'the lease of each operation in flight', applied_at: at.toISOString() },
    ]);
  });

  it('apply nothing when run again', async () => {
    await migrate(db);
    const again = await migrate(db);
    expect(again).toEqual({ applied: [], version: MIGRATIONS.length });
    expect(await db.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([{ n: MIGRATIONS.length }]);
  });

  it('apply only the missing ones to an older database', async () => {
    await migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    expect(await schemaVersion(db)).toBe(1);
    const result = await migrate(db);
    expect(result.applied.map((migration) => migration.name)).toEqual(
      MIGRATIONS.slice(1).map((migration) => migration.name),
    );
  });

  it('refuse a database migrated by a newer gateway, changing nothing', async () => {
    const future: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'from the future',
      sql: 'CREATE TABLE future (id TEXT)',
    };
    await migrate(db, { migrations: [...MIGRATIONS, future] });
    const tablesBefore = await tableNames(db);
    const refusal = migrate(db);
    await expect(refusal).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(refusal).rejects.toMatchObject({
      code: 'SCHEMA_TOO_NEW',
      databaseVersion: MIGRATIONS.length + 1,
      codeVersion: MIGRATIONS.length,
      message: expect.stringMatching(
        new RegExp(`version ${MIGRATIONS.length + 1} but this gateway only knows versions up to ${MIGRATIONS.length}`),
      ),
    });
    expect(await tableNames(db)).toEqual(tablesBefore);
    expect(await schemaVersion(db)).toBe(MIGRATIONS.length + 1);
  });

  it('roll back a failing migration together with its record', async () => {
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half (id TEXT); CREATE TABLE users (id TEXT);',
    };
    await expect(migrate(db, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/already exists/);
    expect(await schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(await tableNames(db)).not.toContain('half');
  });

  it('refuse a list that is not numbered 1, 2, 3, … in order', async () => {
    const [first, second] = MIGRATIONS;
    await expect(migrate(db, { migrations: [second, first] })).rejects.toThrow(/numbered 1, 2, 3/);
    await expect(migrate(db, { migrations: [first, { ...second, version: 3 }] })).rejects.toThrow(TypeError);
  });

  it('write only SQL that PostgreSQL accepts as well: TEXT and INTEGER columns, no SQLite-only syntax', () => {
    for (const migration of MIGRATIONS) {
      expect(migration.sql).not.toMatch(
        /\b(AUTOINCREMENT|WITHOUT ROWID|STRICT|PRAGMA|datetime|strftime|json_\w+|ifnull)\b/i,
      );
      const columnTypes = [
        ...migration.sql.matchAll(/^\s*(?:ALTER TABLE [a-z_]+ ADD COLUMN )?([a-z_]+)\s+([A-Z]+)\b/gm),
      ].map((match) => match[2]);
      expect(columnTypes.length).toBeGreaterThan(0);
      expect(columnTypes.filter((type) => type !== 'TEXT' && type !== 'INTEGER')).toEqual([]);
    }
  });
});
