/**
 * The attempt's deadline: what is left of the vendor's timeout (`timeoutMs`, which counts from the
 * moment the call asked for its turn, so the wait for a rate-limit turn and a free connection comes
 * out of it) or of the request's time budget, whichever ends first, enforced aggressively: at the
 * deadline the attempt's signal aborts the exchange, and the caller does not wait for it to wind
 * down. An attempt that ends in time leaves its signal alone (the exchange has read or dropped its
 * answer by then): cockatiel's timeout aborted it after every call, which cost a DOMException per
 * call. Undici's own connect, headers and body timeouts sit inside it, on the pool.
 */
import type { Source } from '../../domain/types';
import { VendorTimeoutError } from './errors';
import { requestTimeLeft } from './request-budget';

/**
 * Runs `send` with a deadline, past which it fails with VENDOR_TIMEOUT naming which deadline it
 * was. `waitedMs`: how long the call has waited for its turn already, out of `timeoutMs`.
 */
export async function withinDeadline<T>(
  source: Source,
  route: string,
  timeoutMs: number,
  waitedMs: number,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const leftOfTimeoutMs = timeoutMs - Math.max(0, waitedMs);
  const deadlineMs = Math.max(1, Math.min(leftOfTimeoutMs, Math.floor(requestTimeLeft())));
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(DEADLINE_PASSED);
    }, deadlineMs);
  });
  try {
    // The race handles a late failure of `send` too, so an exchange aborted past the deadline rejects into nothing.
    return await Promise.race([send(controller.signal), expired]);
  } catch (error) {
    if (error !== DEADLINE_PASSED) throw error;
    const why =
      deadlineMs < leftOfTimeoutMs
        ? ", what was left of the request's time budget"
        : waitedMs >= 1
          ? `, what was left of its ${timeoutMs} ms timeout after ${Math.round(waitedMs)} ms waiting for a connection`
          : '';
    throw new VendorTimeoutError(source, `${route} did not answer within ${deadlineMs} ms${why}`);
  } finally {
    clearTimeout(timer);
  }
}

/** What the deadline rejects with, told apart from anything `send` throws (made once: it never leaves this file). */
const DEADLINE_PASSED = new Error('the attempt did not answer before its deadline');
