import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, placeholders, type Database } from '../../src/store';
import { openSqliteDatabase } from '../../src/store/sqlite';
import { translatePlaceholders } from '../../src/store/statements';
import { WalSync } from '../../src/store/wal-sync';

describe('translatePlaceholders', () => {
  it('rewrites $n to ?n and counts the highest number', () => {
    expect(translatePlaceholders('SELECT * FROM t WHERE a = $2 AND b = $1 OR c = $2')).toEqual({
      sql: 'SELECT * FROM t WHERE a = ?2 AND b = ?1 OR c = ?2',
      parameterCount: 2,
    });
  });

  it('leaves quoted text, quoted identifiers and comments alone', () => {
    const sql = `SELECT '$1 it''s', "col$2" -- $3 ?\n FROM t /* $4 ? */ WHERE a = $1`;
    expect(translatePlaceholders(sql)).toEqual({ sql: sql.replace('a = $1', 'a = ?1'), parameterCount: 1 });
  });

  it('refuses SQLite-only "?" placeholders and gaps in the numbering', () => {
    expect(() => translatePlaceholders('SELECT ?')).toThrow(/PostgreSQL style/);
    expect(() => translatePlaceholders('SELECT $1, $3')).toThrow(/missing \$2/);
    expect(() => translatePlaceholders('SELECT $0')).toThrow(/from \$1/);
  });
});

describe('placeholders', () => {
  it('builds an IN list starting at any number', () => {
    expect(placeholders(3)).toBe('$1, $2, $3');
    expect(placeholders(2, 4)).toBe('$4, $5');
    expect(() => placeholders(0)).toThrow(TypeError);
  });
});

describe('the SQLite database', () => {
  let db: Database;

  beforeEach(async () => {
    db = openSqliteDatabase({ file: ':memory:' });
    await db.exec(
      'CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, parent INTEGER REFERENCES things (id))',
    );
  });
  afterEach(async () => {
    await db.close();
  });

  it('tells query() from run() by whether the statement returns rows', async () => {
    await expect(db.query('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a'])).rejects.toThrow(/use run\(\)/);
    await expect(db.queryRows('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a'])).rejects.toThrow(
      /queryRows\(\) is for statements that return rows/,
    );
    await expect(db.exec('SELECT $1')).rejects.toThrow(/without parameters/);
  });

  describe('transactions', () => {
    it('makes outer statements wait until the transaction ends instead of joining it', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const transaction = db.transaction(async (tx) => {
        await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'in-tx']);
        await gate;
        throw new Error('rolled back');
      });
      const outside = db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [2, 'outside']);
      release();
      await expect(transaction).rejects.toThrow('rolled back');
      await outside;
      expect(await db.query('SELECT name FROM things ORDER BY id')).toEqual([{ name: 'outside' }]);
    });

    it('runs concurrent transactions one after the other', async () => {
      const order: string[] = [];
      await Promise.all(
        ['a', 'b', 'c'].map((name, index) =>
          db.transaction(async (tx) => {
            order.push(`begin ${name}`);
            await new Promise((resolve) => setImmediate(resolve));
            await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [index, name]);
            order.push(`end ${name}`);
          }),
        ),
      );
      expect(order).toEqual(['begin a', 'end a', 'begin b', 'end b', 'begin c', 'end c']);
    });
  });
});

describe('a SQLite database file', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'usergraph-store-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates its data directory, and runs in WAL mode with synchronous NORMAL (the WAL is flushed after commits: below) and foreign keys on', async () => {
    const file = join(directory, 'nested', 'data', 'gateway.db');
    const db = openSqliteDatabase({ file, busyTimeoutMs: 1234 });
    try {
      expect(existsSync(file)).toBe(true);
      expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await db.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
      expect(await db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await db.query('PRAGMA busy_timeout')).toEqual([{ timeout: 1234 }]);
    } finally {
      await db.close();
    }
  });

  it('keeps its data when reopened', async () => {
    const file = join(directory, 'reopen.db');
    const first = openSqliteDatabase({ file });
    await first.exec('CREATE TABLE notes (id TEXT PRIMARY KEY)');
    await first.run('INSERT INTO notes (id) VALUES ($1)', ['kept']);
    await first.close();
    const second = openSqliteDatabase({ file });
    try {
      expect(await second.query('SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
  });

  it('fails fast on a missing file name', () => {
    expect(() => openSqliteDatabase({ file: '' })).toThrow(TypeError);
  });

  /** The permission bits of the database file and of its -wal and -shm, by suffix. */
  const modes = (file: string) =>
    Object.fromEntries(
      ['', '-wal', '-shm'].map((suffix) => [`db${suffix}`, statSync(`${file}${suffix}`).mode & 0o777]),
    );

  it('creates the database, its -wal and its -shm readable by their owner only: they hold emails, phones and names', async () => {
    const file = join(directory, 'private', 'usergraph.db');
    const store = await openStore({ file });
    try {
      await store.identities.createUser({ email: 'private@example.com', phone: '+15550100000' });
      expect(modes(file)).toEqual({ db: 0o600, 'db-wal': 0o600, 'db-shm': 0o600 });
    } finally {
      await store.close();
    }
  });

  it('narrows a database and its -wal and -shm an earlier version left readable by others', async () => {
    const file = join(directory, 'earlier.db');
    const first = openSqliteDatabase({ file });
    await first.exec('CREATE TABLE notes (id TEXT PRIMARY KEY)');
    await first.run('INSERT INTO notes (id) VALUES ($1)', ['kept']);
    for (const suffix of ['', '-wal', '-shm']) chmodSync(`${file}${suffix}`, 0o644);
    const second = openSqliteDatabase({ file });
    try {
      expect(modes(file)).toEqual({ db: 0o600, 'db-wal': 0o600, 'db-shm': 0o600 });
      expect(await second.query('SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('commits flushed to the disk (WalSync)', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'usergraph-walsync-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /** A flush that finishes when the test says so, one gate per flush, in order. */
  function gatedFlushes() {
    const gates: (() => void)[] = [];
    const sync = (fd: number) => {
      expect(typeof fd).toBe('number');
      return new Promise<void>((resolve) => gates.push(resolve));
    };
    const settle = (promise: Promise<void>) => {
      const state = { done: false };
      void promise.then(() => (state.done = true));
      return state;
    };
    return { gates, sync, settle };
  }
  /** Lets the event loop and the thread pool turn until `done` holds (the test's timeout bounds it). */
  async function until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise((resolve) => setImmediate(resolve));
  }

  it('answers a commit only after a flush that began after it, and commits made during a flush share the next', async () => {
    const file = join(directory, 'wal');
    writeFileSync(file, '');
    const { gates, sync, settle } = gatedFlushes();
    const wal = new WalSync(file, sync);

    const first = settle(wal.durable());
    await until(() => gates.length === 1);
    // Two commits while the first flush runs: it may have begun before them.
    const second = settle(wal.durable());
    const third = settle(wal.durable());
    gates[0]();
    await until(() => first.done && gates.length === 2);
    expect([second.done, third.done]).toEqual([false, false]);
    gates[1]();
    await until(() => second.done && third.done);
    expect(gates).toHaveLength(2);
    expect(wal.syncs).toBe(2);
    await wal.close();
  });

  it('has nothing to flush before the WAL exists', async () => {
    const wal = new WalSync(join(directory, 'never-written-wal'), () => Promise.reject(new Error('not called')));
    await expect(wal.durable()).resolves.toBeUndefined();
    await wal.close();
  });

  it('fails the commit with a database error when the disk refuses the flush, and flushes again for the next', async () => {
    const file = join(directory, 'wal');
    writeFileSync(file, '');
    let refuse = true;
    const wal = new WalSync(file, async () => {
      if (refuse) throw Object.assign(new Error('I/O error'), { code: 'EIO' });
    });
    await expect(wal.durable()).rejects.toMatchObject({
      code: 'DATABASE_ERROR',
      driverCode: 'SQLITE_IOERR_FSYNC',
      message: expect.stringContaining('(EIO)'),
    });
    refuse = false;
    await expect(wal.durable()).resolves.toBeUndefined();
    await wal.close();
    await expect(wal.durable()).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
  });

  it('flushes after writes only, sharing one flush among transactions committed together', async () => {
    const db = openSqliteDatabase({ file: join(directory, 'flushed.db') });
    try {
      await db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
      const syncs = () => (db as unknown as { walSyncs: number }).walSyncs;
      const before = syncs();
      expect(await db.query('SELECT count(*) AS n FROM notes')).toEqual([{ n: 0 }]);
      await db.transaction(async (tx) => tx.query('SELECT id FROM notes'));
      expect(syncs()).toBe(before);

      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          db.transaction(async (tx) => {
            await tx.run('INSERT INTO notes (id) VALUES ($1)', [index]);
          }),
        ),
      );
      expect(await db.query('SELECT count(*) AS n FROM notes')).toEqual([{ n: 20 }]);
      const flushes = syncs() - before;
      expect(flushes).toBeGreaterThanOrEqual(1);
      expect(flushes).toBeLessThan(20);

      // queryRows() likewise: a read flushes nothing, a write with RETURNING is flushed before its answer.
      const afterInserts = syncs();
      expect(await db.queryRows('SELECT id FROM notes WHERE id = $1', [3])).toEqual([[3]]);
      expect(syncs()).toBe(afterInserts);
      expect(await db.queryRows('INSERT INTO notes (id) VALUES ($1) RETURNING id', [20])).toEqual([[20]]);
      expect(syncs()).toBeGreaterThan(afterInserts);
    } finally {
      await db.close();
    }
  });
});
