/**
 * The attempt's deadline: the vendor's timeout (`timeoutMs`) or what is left of the request's time
 * budget, whichever ends first, enforced with cockatiel's aggressive timeout (the attempt's signal
 * aborts the exchange, and the caller does not wait for it to wind down). Undici's own connect,
 * headers and body timeouts sit inside it, on the pool.
 */
import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import type { Source } from '../../domain/types';
import { VendorTimeoutError } from './errors';
import { requestTimeLeft } from './request-budget';

/** Runs `send` with a deadline, past which it fails with VENDOR_TIMEOUT naming which deadline it was. */
export async function withinDeadline<T>(
  source: Source,
  route: string,
  timeoutMs: number,
  send: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadlineMs = Math.max(1, Math.min(timeoutMs, Math.floor(requestTimeLeft())));
  try {
    return await timeout(deadlineMs, TimeoutStrategy.Aggressive).execute(({ signal }) => send(signal));
  } catch (error) {
    if (!(error instanceof TaskCancelledError)) throw error;
    const budget = deadlineMs < timeoutMs ? ", what was left of the request's time budget" : '';
    throw new VendorTimeoutError(source, `${route} did not answer within ${deadlineMs} ms${budget}`);
  }
}
