import type { Page, Source } from '../../domain/types';
import { VendorBadResponseError, type VendorError } from '../transport/errors';

/** Where a walk reports the failure it found, so that the vendor's health shows it (a VendorHttp). */
export interface FailureRecorder {
  recordFailure(error: VendorError): void;
}

/**
 * Every page of a vendor listing, in order, fetched as the iteration asks for them: the first with
 * cursor `null`, each next with the `next` the page before answered, until a page answers `null`.
 *
 * A vendor that answers a `next` it already answered (or the cursor just asked for) would keep any
 * walk going for ever; with a memoised `fetchPage` every turn is a resolved promise and the process
 * stops answering anything else. Such a walk throws VENDOR_BAD_RESPONSE instead, after recording it
 * on `transport` when one is given. The page that carries such a `next` is still yielded, and the
 * walk throws only when asked to go on: a caller that has what it wants and stops (`break`) gets no
 * error and fetches nothing more. `fetchPage` is the caller's, so it may wrap it in its own memo.
 */
export async function* walkPages<P extends Page<unknown>>(
  source: Source,
  route: string,
  fetchPage: (cursor: string | null) => Promise<P>,
  transport?: FailureRecorder,
): AsyncGenerator<P, void, undefined> {
  const asked = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page;
    if (page.next === null) return;
    // Every cursor asked for is in `asked`, so this also catches a `next` equal to the one just asked.
    if (asked.has(page.next)) {
      const error = new VendorBadResponseError(
        source,
        `${route} answered a next page cursor it had answered before, so its listing would never end`,
      );
      transport?.recordFailure(error);
      throw error;
    }
    asked.add(page.next);
    cursor = page.next;
  }
}
