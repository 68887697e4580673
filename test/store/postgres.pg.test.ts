import { Writable } from 'node:stream';
import { createServer, type Server, type Socket } from 'node:net';
import { createLogger } from '../../src/platform/logger';
import {
  IdentityLinkedElsewhereError,
  LeaseStore,
  MIGRATIONS,
  openDatabase,
  openStore,
  StoreUnavailableError,
  type Database,
  type Store,
  type StoreTarget,
} from '../../src/store';
import { advisoryKey } from '../../src/store/postgres';
import { freshTarget, testPostgresSettings } from '../helpers/test-store';

/**
 * What only PostgreSQL does: many callers at once, in one process or several (each store here has
 * its own pool, as each replica would). The store's invariants must hold under real concurrency,
 * without the one connection that serialises everything on SQLite.
 */

/** `count` stores on one database, as `count` replicas would open it. */
async function replicas(target: StoreTarget, count: number): Promise<Store[]> {
  return Promise.all(Array.from({ length: count }, () => openStore(target)));
}

async function closeAll(stores: readonly Store[]): Promise<void> {
  await Promise.all(stores.map((store) => store.close()));
}

describe('PostgreSQL: migrations', () => {
  it('of several stores starting at once on an empty database run once each, under the lock', async () => {
    const target = await freshTarget();
    const stores = await replicas(target, 5);
    try {
      const rows = await stores[0].db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
      // Every store works on the one schema.
      await Promise.all(stores.map((store, index) => store.identities.createUser({ email: `r${index}@example.com` })));
      expect(await stores[4].identities.countUsers()).toBe(5);
    } finally {
      await closeAll(stores);
    }
  });
});

describe('PostgreSQL: transactions', () => {
  let db: Database;

  beforeEach(async () => {
    db = await openDatabase(await freshTarget());
    await db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  });
  afterEach(async () => {
    await db.close();
  });

  it('overlap: an outer statement runs while a transaction is open and does not see its writes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedInside = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.run('INSERT INTO things (id, name) VALUES ($1, $2)', [1, 'in-tx']);
      inserted();
      await gate;
    });
    await insertedInside;
    expect(await db.query('SELECT name FROM things')).toEqual([]);
    await db.run('INSERT INTO things (id, name) VALUES ($1, $2)', [2, 'outside']);
    release();
    await transaction;
    expect(await db.query('SELECT name FROM things ORDER BY id')).toEqual([{ name: 'in-tx' }, { name: 'outside' }]);
  });

  it('with one lock name run one after the other; with different names, together', async () => {
    const order: string[] = [];
    const step = async (tx: Database, name: string) => {
      order.push(`begin ${name}`);
      // A statement between the two marks, so that an overlapping transaction would interleave.
      await tx.query('SELECT pg_sleep(0.05)');
      order.push(`end ${name}`);
    };
    await Promise.all(['a', 'b', 'c'].map((name) => db.transaction((tx) => step(tx, name), { lock: 'one name' })));
    expect(order.filter((_, index) => index % 2 === 0).map((mark) => mark.slice(6))).toEqual(
      order.filter((_, index) => index % 2 === 1).map((mark) => mark.slice(4)),
    );
    expect(order.every((mark, index) => mark.startsWith(index % 2 === 0 ? 'begin' : 'end'))).toBe(true);

    order.length = 0;
    await Promise.all(['x', 'y'].map((name) => db.transaction((tx) => step(tx, name), { lock: `name ${name}` })));
    expect(order.slice(0, 2).every((mark) => mark.startsWith('begin'))).toBe(true);
  });

  it('retry the victim of a deadlock, so both transactions commit', async () => {
    await db.run('INSERT INTO things (id, name) VALUES (1, $1), (2, $2)', ['one', 'two']);
    let attempts = 0;
    let bothHold!: () => void;
    const held = new Promise<void>((resolve) => (bothHold = resolve));
    let holding = 0;
    // Each updates one row, waits until the other holds its own, then updates the other's: a deadlock.
    const crossing = (first: number, second: number) =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.run('UPDATE things SET name = name || $1 WHERE id = $2', ['+', first]);
        if (++holding === 2) bothHold();
        await held;
        await tx.run('UPDATE things SET name = name || $1 WHERE id = $2', ['+', second]);
      });
    await Promise.all([crossing(1, 2), crossing(2, 1)]);
    // PostgreSQL cancelled one of them (an error to its caller without the retry), which then ran again.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(await db.query('SELECT name FROM things ORDER BY id')).toEqual([{ name: 'one++' }, { name: 'two++' }]);
  });

  it('answer int8 beyond 2^53 as a bigint, not a rounded number', async () => {
    expect(await db.query('SELECT 9007199254740993::int8 AS big, 42::int8 AS small')).toEqual([
      { big: 9007199254740993n, small: 42 },
    ]);
  });

  it('name the advisory lock by a stable key', () => {
    expect(advisoryKey('schema migrations')).toBe(advisoryKey('schema migrations'));
    expect(advisoryKey('schema migrations')).not.toBe(advisoryKey('schema migration'));
    expect(advisoryKey('schema migrations')).toMatch(/^-?\d+$/);
  });
});

describe('PostgreSQL: the store under parallel callers', () => {
  let stores: Store[];

  beforeEach(async () => {
    stores = await replicas(await freshTarget(), 3);
  });
  afterEach(async () => {
    await closeAll(stores);
  });

  /** The i-th caller's store: callers are spread over the replicas. */
  const at = (index: number) => stores[index % stores.length];

  it('one email created by twelve callers at once is one user', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => at(index).identities.findOrCreateByEmail('Same@Example.com')),
    );
    expect(new Set(results.map((result) => result.user.id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await stores[0].identities.countUsers()).toBe(1);
  });

  it('one vendor record linked to two users at once ends with one link; the other caller is told whose it is', async () => {
    const users = await Promise.all(
      ['a', 'b'].map((name, index) => at(index).identities.createUser({ email: `${name}@example.com` })),
    );
    for (let round = 0; round < 10; round++) {
      const record = { source: 'GREENARROW' as const, externalId: `ga-${round}`, status: 'ACTIVE' as const };
      const outcomes = await Promise.allSettled(users.map((user, index) => at(index).identities.link(user.id, record)));
      const linked = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(linked).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toBeInstanceOf(IdentityLinkedElsewhereError);
      const owners = await stores[2].identities.userIdsByExternalIds('GREENARROW', [record.externalId]);
      expect([...owners.values()]).toHaveLength(1);
    }
  });

  it('one record claimed for two users at once ends linked once, and each caller learns who held it before it', async () => {
    const [original, first, second] = await Promise.all(
      ['orig', 'first', 'second'].map((name, index) =>
        at(index).identities.createUser({ email: `${name}@example.com` }),
      ),
    );
    const record = { source: 'ENGAGEMENT' as const, externalId: 'eng-1', status: 'ACTIVE' as const };
    await stores[0].identities.link(original.id, record);
    const claims = await Promise.all(
      [first, second].map((user, index) =>
        at(index + 1).transaction(({ identities }) => identities.claim(user.id, record)),
      ),
    );
    const owner = (await stores[0].identities.userIdsByExternalIds('ENGAGEMENT', ['eng-1'])).get('eng-1')!;
    expect([first.id, second.id]).toContain(owner);
    // One took it from the original owner, the other from the one who took it first.
    const winner = owner === first.id ? claims[0] : claims[1];
    const loser = owner === first.id ? claims[1] : claims[0];
    expect(new Set(claims.map((claim) => claim.previousUserId))).toEqual(
      new Set([original.id, owner === first.id ? second.id : first.id]),
    );
    expect(winner.identity.source).toBe('ENGAGEMENT');
    expect(loser.identity.source).toBe('ENGAGEMENT');
  });

  it('one idempotency key begun by ten callers at once starts one operation; the others replay it', async () => {
    const begun = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        at(index).journal.begin({ mutation: 'createUser', idempotencyKey: 'one-key', inputHash: 'same-input' }),
      ),
    );
    expect(begun.filter((result) => result.status === 'STARTED')).toHaveLength(1);
    expect(begun.filter((result) => result.status === 'REPLAY')).toHaveLength(9);
    expect(new Set(begun.map((result) => result.operation.id)).size).toBe(1);
    expect(await stores[0].journal.count()).toBe(1);
  });

  it('an interrupted operation resumed by three callers at once is resumed by one', async () => {
    const { operation } = await stores[0].journal.begin({ mutation: 'deleteUser', inputHash: 'h' });
    expect(await stores[0].journal.release(operation.id)).toBe(true);
    const resumed = await Promise.all(stores.map((store) => store.journal.resume(operation.id)));
    expect(resumed.filter((result) => result !== null)).toHaveLength(1);
  });

  it('a lease taken by six holders at once has one holder', async () => {
    const leases = stores.map((store) => new LeaseStore(store.db));
    const taken = await Promise.all(
      Array.from({ length: 6 }, (_, index) => leases[index % leases.length].acquire('walk', `holder-${index}`, 60_000)),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});

describe('PostgreSQL: when the server cannot be reached', () => {
  const password = 'an-unguessable-password-7f3a';
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // A server that accepts connections and never answers: a hung database, or a host gone quiet.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  /** A database at `port`, with a password, logging every line into `lines`. */
  function capturedDatabase(port: number, lines: string[]): Promise<Database> {
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    return openDatabase(
      { postgres: testPostgresSettings({ port, password: () => password, connectTimeoutMs: 300 }) },
      logger,
    );
  }

  it('fails a call with STORE_UNAVAILABLE on a refused connection, naming neither password nor URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lines: string[] = [];
    const db = await capturedDatabase(port, lines);
    try {
      const failure = db.query('SELECT 1 AS one');
      await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(failure).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringContaining('refused the connection'),
      });
      await expect(db.transaction(async () => 1)).rejects.toBeInstanceOf(StoreUnavailableError);
      const error = (await failure.catch((caught: unknown) => caught)) as StoreUnavailableError;
      expect(JSON.stringify({ message: error.message, stack: error.stack, reason: error.reason })).not.toContain(
        password,
      );
      // One warning for the outage, not one per call; never the password.
      expect(lines.filter((line) => line.includes('"level":40'))).toHaveLength(1);
      expect(lines.join('')).not.toContain(password);
    } finally {
      await db.close();
    }
  });

  it('gives up on a server that never answers within the connect timeout: STORE_UNAVAILABLE, not a hang', async () => {
    const lines: string[] = [];
    const db = await capturedDatabase(silentPort, lines);
    try {
      await expect(db.query('SELECT 1 AS one')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        reason: expect.stringContaining('DATABASE_CONNECT_TIMEOUT_MS'),
      });
      expect(lines.join('')).not.toContain(password);
    } finally {
      await db.close();
    }
  });

  it('fails a statement that runs past the statement timeout with STORE_UNAVAILABLE, and the next one succeeds', async () => {
    const db = await openDatabase({ postgres: testPostgresSettings({ statementTimeoutMs: 200 }) });
    try {
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        reason: expect.stringContaining('DATABASE_STATEMENT_TIMEOUT_MS'),
      });
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
