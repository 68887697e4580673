/**
 * The attempt's deadline: what is left of the vendor's timeout (`timeoutMs`, which counts from the
 * moment the call asked for its turn, so the wait for a rate-limit turn and a free connection comes
 * out of it) or of the request's time budget, whichever ends first, enforced with cockatiel's
 * aggressive timeout (the attempt's signal aborts the exchange, and the caller does not wait for it
 * to wind down). Undici's own connect, headers and body timeouts sit inside it, on the pool.
 *
 * The signal is not aborted when the attempt returns or throws (cockatiel's `abortOnReturn`): by
 * then the exchange has read its answer's body or destroyed it (response-body.ts), so there is
 * nothing left to abort, and each abort made a DOMException with its stack trace, a few percent of
 * the CPU of a `user(email:)` read.
 */
import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
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
  try {
    return await timeout(deadlineMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }).execute(
      ({ signal }) => send(signal),
    );
  } catch (error) {
    if (!(error instanceof TaskCancelledError)) throw error;
    const why =
      deadlineMs < leftOfTimeoutMs
        ? ", what was left of the request's time budget"
        : waitedMs >= 1
          ? `, what was left of its ${timeoutMs} ms timeout after ${Math.round(waitedMs)} ms waiting for a connection`
          : '';
    throw new VendorTimeoutError(source, `${route} did not answer within ${deadlineMs} ms${why}`);
  }
}
