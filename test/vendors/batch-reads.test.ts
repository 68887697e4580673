import { silentLogger } from '../../src/platform/logger';
import { GreenArrowSimulator } from '../../src/simulators/greenarrow';
import type { ReadScope, VendorRecord } from '../../src/vendors/kit/adapter';
import { GreenArrowAdapter } from '../../src/vendors/greenarrow/adapter';
import { GreenArrowClient } from '../../src/vendors/greenarrow/client';

/**
 * A batch of single reads larger than the vendor's connections plus its queue: sent all at once, its
 * tail would be refused as VENDOR_BUSY by the vendor's own bulkhead, so one request of a hundred
 * users failed itself. The adapter sends at most as many reads at once as the vendor takes.
 */
describe('a batch of single reads against a small vendor pool', () => {
  const sim = new GreenArrowSimulator({ username: 'ga-batch', password: 'Ga-Batch-Pa55-1', perPage: 1 });
  let adapter: GreenArrowAdapter;

  beforeAll(async () => {
    await sim.listen(0, '127.0.0.1');
    sim.store.insert(Array.from({ length: 40 }, (_, index) => ({ email: `batch${index}@example.net` })));
    const client = new GreenArrowClient(
      {
        baseUrl: sim.url,
        username: 'ga-batch',
        password: 'Ga-Batch-Pa55-1',
        pageSize: 1,
        timeoutMs: 5_000,
        retries: 0,
        connections: 2,
        resilience: { queue: 1 },
      },
      { logger: silentLogger },
    );
    adapter = new GreenArrowAdapter(client);
  });
  afterAll(async () => {
    await adapter.close();
    await sim.close();
  });

  it('reads all forty with two connections and a queue of one: no VENDOR_BUSY, never more than two at once', async () => {
    const ids = sim.store
      .all()
      .slice(-40)
      .map((user) => String(user.id));
    const scope: ReadScope = { memo: (_key, call) => call(), seen: () => undefined };
    // A first batch walks the listing and learns its size (76 users, a page each)...
    const first = sim.store
      .all()
      .slice(0, 2)
      .map((user) => String(user.id));
    expect((await adapter.readMany(first, scope)).filter((record) => record instanceof Error)).toEqual([]);
    sim.resetCalls();
    // ...so for forty ids single reads are fewer calls than a walk, and the adapter reads one by one.
    const records = await adapter.readMany(ids, scope);
    expect(records.filter((record) => record instanceof Error)).toEqual([]);
    expect((records as VendorRecord[]).map((record) => record.externalId)).toEqual(ids);
    const calls = sim.callLog('getUser');
    expect(calls).toHaveLength(40);
    const overlapping = Math.max(
      ...calls.map(
        (call) => calls.filter((other) => other.startedAt < call.endedAt! && other.endedAt! > call.startedAt).length,
      ),
    );
    expect(overlapping).toBeLessThanOrEqual(2);
  });
});
