import { ConstraintViolationError, DatabaseClosedError, DatabaseError, type Database } from '../../src/store';
import { openTestDatabase, TEST_ENGINE } from '../helpers/test-store';

/**
 * The Database port's behaviour, the same on both engines: SQLite in `npm test`, PostgreSQL in
 * `npm run test:pg`. What only one engine does lives in sqlite.test.ts and postgres.pg.test.ts.
 */
describe(`the database port on ${TEST_ENGINE}`, () => {
  let db: Database;

  beforeEach(async () => {
    db = await openTestDatabase();
    await db.exec(
      'CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, parent INTEGER REFERENCES things (id))',
    );
  });
  afterEach(async () => {
    await db.close();
  });

  it('runs statements with $n parameters and counts them', async () => {
    db.resetQueryCount();
    await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'one']);
    const rows = await db.query<{ id: number; name: string }>(
      'INSERT INTO things (id, name) VALUES ($1, $2) RETURNING id, name',
      [2, 'two'],
    );
    expect(rows).toEqual([{ id: 2, name: 'two' }]);
    expect(await db.query('SELECT name FROM things WHERE id IN ($1, $2) ORDER BY id', [2, 1])).toEqual([
      { name: 'one' },
      { name: 'two' },
    ]);
    expect(db.queryCount).toBe(3);
    db.resetQueryCount();
    expect(db.queryCount).toBe(0);
  });

  describe('queryRows', () => {
    it('answers each row as an array of its values in the order the statement names its columns, and counts it', async () => {
      await db.run('INSERT INTO things (id, name) VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
      await db.run('INSERT INTO things (id, name, parent) VALUES ($1, $2, $3)', [3, 'three', 1]);
      db.resetQueryCount();
      expect(
        await db.queryRows<[string, number | null, number]>(
          'SELECT name, parent, id FROM things WHERE id IN ($1, $2) ORDER BY id',
          [3, 1],
        ),
      ).toEqual([
        ['one', null, 1],
        ['three', 1, 3],
      ]);
      expect(await db.queryRows('SELECT id FROM things WHERE name = $1', ['none'])).toEqual([]);
      expect(
        await db.queryRows('INSERT INTO things (id, name) VALUES ($1, $2) RETURNING name, id', [4, 'four']),
      ).toEqual([['four', 4]]);
      expect(await db.queryRows('SELECT COUNT(*) AS n, MAX(id) AS top FROM things')).toEqual([[4, 4]]);
      expect(db.queryCount).toBe(4);
    });

    it('gives query() objects and queryRows() arrays for one statement text, whichever ran it last', async () => {
      await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'one']);
      const sql = 'SELECT id, name FROM things WHERE id = $1';
      expect(await db.queryRows(sql, [1])).toEqual([[1, 'one']]);
      expect(await db.query(sql, [1])).toEqual([{ id: 1, name: 'one' }]);
      expect(await db.queryRows(sql, [1])).toEqual([[1, 'one']]);
      await db.transaction(async (tx) => {
        expect(await tx.query(sql, [1])).toEqual([{ id: 1, name: 'one' }]);
        expect(await tx.queryRows(sql, [1])).toEqual([[1, 'one']]);
      });
    });

    it('checks its parameters and fails with the store’s errors, as query() does', async () => {
      await expect(db.queryRows('SELECT $1 AS a', [])).rejects.toThrow(/1 placeholder\(s\) but 0 value/);
      await expect(db.queryRows('SELECT $1 AS a', [true as never])).rejects.toThrow(/boolean/);
      await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'taken']);
      await expect(
        db.queryRows('INSERT INTO things (id, name) VALUES ($1, $2) RETURNING id', [2, 'taken']),
      ).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION', kind: 'UNIQUE' });
      await expect(db.queryRows('SELECT id FROM missing_table')).rejects.toBeInstanceOf(DatabaseError);
    });

    it('runs inside a transaction on its handle, seeing its writes and undone with it', async () => {
      await expect(
        db.transaction(async (tx) => {
          expect(await tx.queryRows('INSERT INTO things (id, name) VALUES ($1, $2) RETURNING id', [1, 'a'])).toEqual([
            [1],
          ]);
          expect(await tx.queryRows('SELECT name FROM things')).toEqual([['a']]);
          await tx.transaction(async (inner) => {
            expect(await inner.queryRows('SELECT COUNT(*) AS n FROM things')).toEqual([[1]]);
          });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await db.queryRows('SELECT COUNT(*) AS n FROM things')).toEqual([[0]]);
      await expect(db.transaction(async () => db.queryRows('SELECT 1 AS one'))).rejects.toThrow(
        /handle that transaction\(\) passed/,
      );
      let escaped!: Database;
      await db.transaction(async (tx) => {
        escaped = tx;
      });
      await expect(escaped.queryRows('SELECT 1 AS one')).rejects.toThrow(/after its transaction ended/);
    });
  });

  it('reports how many rows a write changed', async () => {
    await db.run('INSERT INTO things (id, name) VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    expect(await db.run('UPDATE things SET name = name || $1', ['!'])).toEqual({ changes: 2 });
    expect(await db.run('DELETE FROM things WHERE id = $1', [99])).toEqual({ changes: 0 });
  });

  it('refuses parameter lists that PostgreSQL would refuse, and values it cannot bind', async () => {
    await expect(db.query('SELECT $1 AS a', [])).rejects.toThrow(/1 placeholder\(s\) but 0 value/);
    await expect(db.query('SELECT $1 AS a', [1, 2])).rejects.toThrow(/1 placeholder\(s\) but 2 value/);
    await expect(db.query('SELECT $1 AS a', [true as never])).rejects.toThrow(/boolean/);
    await expect(db.query('SELECT $1 AS a', [new Date() as never])).rejects.toThrow(/toISOString/);
    await expect(db.query('SELECT $1 AS a', [undefined as never])).rejects.toThrow(TypeError);
    await expect(db.query('SELECT $1 AS a', [Number.NaN])).rejects.toThrow(/finite/);
  });

  it('maps constraint failures to ConstraintViolationError with an engine-neutral kind', async () => {
    await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a']);
    await expect(db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [2, 'a'])).rejects.toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
      kind: 'UNIQUE',
    });
    await expect(db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'b'])).rejects.toMatchObject({
      kind: 'UNIQUE',
    });
    await expect(
      db.run('INSERT INTO things (id, name, parent) VALUES ($1, $2, $3)', [3, 'c', 42]),
    ).rejects.toBeInstanceOf(ConstraintViolationError);
    await expect(
      db.run('INSERT INTO things (id, name, parent) VALUES ($1, $2, $3)', [3, 'c', 42]),
    ).rejects.toMatchObject({ kind: 'FOREIGN_KEY' });
    await expect(db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [4, null])).rejects.toMatchObject({
      kind: 'NOT_NULL',
    });
  });

  it('reports other engine failures as DATABASE_ERROR with the driver’s code', async () => {
    await expect(db.query('SELECT * FROM missing_table')).rejects.toBeInstanceOf(DatabaseError);
    await expect(db.query('SELECT * FROM missing_table')).rejects.toMatchObject(
      TEST_ENGINE === 'sqlite'
        ? { code: 'DATABASE_ERROR', driverCode: 'SQLITE_ERROR', message: expect.stringContaining('no such table') }
        : { code: 'DATABASE_ERROR', driverCode: '42P01', message: expect.stringContaining('does not exist') },
    );
  });

  it('refuses parameters in a script, and options a transaction cannot honour', async () => {
    await expect(db.exec('SELECT $1')).rejects.toThrow(/without parameters/);
    await expect(db.transaction(async () => 1, { lock: '' })).rejects.toThrow(TypeError);
    await expect(db.transaction((tx) => tx.transaction(async () => 1, { unbounded: true }))).rejects.toThrow(
      /only a top-level transaction/,
    );
  });

  it('answers integers as numbers, counts and sums included', async () => {
    await db.run('INSERT INTO things (id, name) VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    expect(await db.query('SELECT COUNT(*) AS n, SUM(id) AS total, MAX(id) AS top FROM things')).toEqual([
      { n: 2, total: 3, top: 2 },
    ]);
  });

  describe('transactions', () => {
    it('commits when the function resolves', async () => {
      const result = await db.transaction(async (tx) => {
        await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a']);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await db.query('SELECT COUNT(*) AS n FROM things')).toEqual([{ n: 1 }]);
    });

    it('rolls back everything when the function rejects', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a']);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.query('SELECT COUNT(*) AS n FROM things')).toEqual([{ n: 0 }]);
    });

    it('turns nested transactions into savepoints', async () => {
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'kept']);
        await expect(
          tx.transaction(async (inner) => {
            await inner.run('INSERT INTO things (id, name) VALUES ($1, $2)', [2, 'undone']);
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await tx.transaction(async (inner) => {
          await inner.run('INSERT INTO things (id, name) VALUES ($1, $2)', [3, 'nested']);
        });
      });
      expect(await db.query('SELECT name FROM things ORDER BY id')).toEqual([{ name: 'kept' }, { name: 'nested' }]);
    });

    it('goes on after a constraint failure caught in a nested transaction', async () => {
      await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'taken']);
      const result = await db.transaction(async (tx) => {
        await expect(
          tx.transaction((inner) => inner.run('INSERT INTO things (id, name) VALUES ($1, $2)', [2, 'taken'])),
        ).rejects.toMatchObject({ kind: 'UNIQUE' });
        return tx.query('INSERT INTO things (id, name) VALUES ($1, $2) RETURNING name', [3, 'after']);
      });
      expect(result).toEqual([{ name: 'after' }]);
    });

    it('refuses the outer handle inside a transaction, where it would wait for itself or run outside it', async () => {
      await expect(db.transaction(async () => db.query('SELECT 1 AS one'))).rejects.toThrow(
        /handle that transaction\(\) passed/,
      );
      await expect(db.transaction(async () => db.transaction(async () => 1))).rejects.toThrow(TypeError);
    });

    it('refuses a transaction handle after its transaction ended', async () => {
      let escaped!: Database;
      await db.transaction(async (tx) => {
        escaped = tx;
      });
      await expect(escaped.query('SELECT 1 AS one')).rejects.toThrow(/after its transaction ended/);
    });
  });

  it('waits for queued work on close, then refuses new statements', async () => {
    const transaction = db.transaction(async (tx) => {
      await new Promise((resolve) => setImmediate(resolve));
      await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'a']);
      return 'committed';
    });
    const closed = db.close();
    await expect(transaction).resolves.toBe('committed');
    await closed;
    await expect(db.query('SELECT 1 AS one')).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.queryRows('SELECT 1 AS one')).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.close()).resolves.toBeUndefined();
  });
});
