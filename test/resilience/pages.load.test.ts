import { join } from 'node:path';
import { runScript } from '../helpers/child-run';

/**
 * Pages of users under load, in a child process of its own
 * (test/resilience/page-load-run.ts): 2,000 `users(first: 20)` with usernames (user-management)
 * and permissions (GreenArrow) at concurrency 50 against simulators answering in 5 ms. With every
 * vendor healthy, every answer is whole and nothing is VENDOR_BUSY: a page never fails for want of
 * connections. With GreenArrow hung, every answer is whole but GreenArrow's fields, and no request
 * takes longer than the vendor timeout plus a second: the timeout covers the wait for a connection
 * and the attempt together. `npm run test:load` runs it (a few minutes on two busy cores).
 */
describe('pages of users under load', () => {
  it('answers every page whole with healthy vendors, and every page but the hung vendor’s fields with one hung', () => {
    const summary = runScript(join('test', 'resilience', 'page-load-run.ts'), 900_000);
    const { healthy, hungGreenArrow, vendorTimeoutMs } = summary;
    expect([healthy.requests, hungGreenArrow.requests, summary['concurrency']]).toEqual([2_000, 2_000, 50]);

    expect(healthy.whole).toBe(healthy.requests);
    expect(healthy.answersWithBusy).toBe(0);
    expect(healthy.codes).toEqual({});

    expect(hungGreenArrow.whole).toBe(hungGreenArrow.requests);
    expect(Object.keys(hungGreenArrow.codes).every((code) => code.startsWith('GREENARROW '))).toBe(true);
    // The one bound on time, a correctness bound on the timeout: no request waits for a
    // connection for a timeout and then for its attempt for another.
    expect(hungGreenArrow.latencyMs.max).toBeLessThan(vendorTimeoutMs + 1_000);

    expect(summary['busyNotSentInMetrics']).toBe(0);
    expect(summary['unhandledRejections']).toBe(0);
  });
});
