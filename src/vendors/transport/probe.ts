/**
 * The health probe: whether the vendor answers HTTP without a server failure, now. A GET of the
 * base URL, unsigned, where a status below 500 (even 401 or 404) proves its HTTP side works, and a
 * 5xx or a 429 does not. The probe only looks: while the breaker is open (or testing the vendor),
 * or the vendor asked for a pause, or the request's time is up, it sends nothing and answers false;
 * its outcome never opens or closes the breaker (an unsigned GET of the root is no proof that the
 * API works). It takes a rate-limit turn and a call from the request's budget like any other call;
 * with none left it throws VENDOR_CALL_BUDGET_EXCEEDED. A failure is recorded as the last error.
 */
import type { Dispatcher } from 'undici';
import type { Source } from '../../domain/types';
import { VendorCallBudgetExceededError, VendorUnavailableError, type VendorError } from './errors';
import type { AttemptInfo, VendorObserver } from './observer';

/** What the probe is given of its transport. */
export interface ProbedTransport {
  source: Source;
  dispatcher: Dispatcher;
  /** The vendor's base URL; the probe GETs it. */
  base: URL;
  observer: VendorObserver;
  /**
   * Runs one attempt through the policies that only look (no bulkhead, no breaker: see
   * VendorPolicies.admit) and reports its outcome; rejects with a VendorError.
   */
  attempt(info: AttemptInfo, send: (signal: AbortSignal) => Promise<{ status: number }>): Promise<{ status: number }>;
  recordFailure(error: VendorError): void;
}

/** Probes the vendor once (see the file's comment). */
export async function probeVendor(transport: ProbedTransport): Promise<boolean> {
  const { source, dispatcher, base, observer } = transport;
  const info: AttemptInfo = { source, route: 'probe', method: 'GET', attempt: 1 };
  try {
    await transport.attempt(info, async (signal) => {
      const headers: Record<string, string> = {};
      const status = await observer.attempt(info, headers, async () => {
        const response = await dispatcher.request({
          origin: base.origin,
          path: base.pathname,
          method: 'GET',
          headers,
          signal,
        });
        await response.body.dump();
        return response.statusCode;
      });
      if (status >= 500 || status === 429)
        throw new VendorUnavailableError(source, `probe answered HTTP ${status}`, { status });
      return { status };
    });
    return true;
  } catch (error) {
    const vendorError = error as VendorError;
    if (vendorError instanceof VendorCallBudgetExceededError) throw vendorError;
    if (vendorError.unsent === undefined || vendorError.unsent === 'no-connection')
      transport.recordFailure(vendorError);
    return false;
  }
}
