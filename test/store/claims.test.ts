import { claimName, type Store } from '../../src/store';
import { openTestStore } from '../helpers/test-store';

describe('claims on a person’s unique keys', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openTestStore();
  });

  afterEach(async () => {
    await store.close();
  });

  const begin = async (hash: string) =>
    (await store.journal.begin({ mutation: 'createUser', inputHash: hash })).operation.id;

  it('names a claim by its kind and the value trimmed and lower-cased', () => {
    expect(claimName('email', ' Ada@Example.COM ')).toBe('email:ada@example.com');
    expect(claimName('username', 'Ada')).toBe('username:ada');
    expect(() => claimName('email', '  ')).toThrow(TypeError);
  });

  it('gives each key to one unsettled operation: the other is told who holds it and keeps nothing', async () => {
    const [first, second] = [await begin('h1'), await begin('h2')];
    const names = [claimName('email', 'ada@example.com'), claimName('username', 'ada')];
    expect(await store.claims.acquire(first, names)).toBeNull();
    // Taking it again is holding it still.
    expect(await store.claims.acquire(first, names)).toBeNull();
    expect(await store.claims.acquire(second, [claimName('username', 'other'), names[0]])).toEqual({
      name: names[0],
      heldBy: first,
    });
    expect(await store.claims.heldBy(second)).toEqual([]);
    expect(await store.claims.heldBy(first)).toEqual(names.sort());
  });

  // On PostgreSQL (npm run test:pg) the claims race for real, each on a connection of the pool.
  it('of many concurrent claims of one key, exactly one wins', async () => {
    const operations = await Promise.all(Array.from({ length: 8 }, (_, index) => begin(`h${index}`)));
    const name = claimName('email', 'race@example.com');
    const answers = await Promise.all(operations.map((id) => store.claims.acquire(id, [name])));
    expect(answers.filter((answer) => answer === null)).toHaveLength(1);
  });

  it('hands over a claim once its operation is settled, and keeps it while the operation is interrupted', async () => {
    const [first, second] = [await begin('h1'), await begin('h2')];
    const name = claimName('email', 'ada@example.com');
    await store.claims.acquire(first, [name]);
    await store.journal.release(first);
    expect(await store.claims.acquire(second, [name])).toEqual({ name, heldBy: first });
    // A claim left behind by a settled operation (a crash between settling and releasing) holds nothing up.
    expect(await store.journal.resume(first)).not.toBeNull();
    await store.journal.complete(first, { results: [] });
    expect(await store.claims.acquire(second, [name])).toBeNull();
    await store.claims.release(second);
    expect(await store.claims.heldBy(second)).toEqual([]);
  });
});
