import DataLoader from 'dataloader';
import type { GreenArrowUser } from '../domain/types';
import { VendorNotConfiguredError, VendorNotFoundError } from '../sources/errors';
import type { GreenArrowSource } from '../sources/greenarrow/client';
import type { CallMemo } from './memo';

/**
 * What the last listing said about GreenArrow's size, per source, across requests: the loader
 * weighs N single reads against the pages a scan would take. Unknown at first, when a scan is
 * assumed to take one page.
 */
const knownTotals = new WeakMap<GreenArrowSource, number>();

/** Pages a full scan is expected to take. */
export function expectedScanPages(source: GreenArrowSource): number {
  const total = knownTotals.get(source);
  return total === undefined ? 1 : Math.max(1, Math.ceil(total / source.pageSize));
}

/**
 * GreenArrow users by id. GreenArrow has no batch read, so a batch is either one `getUser` per id
 * or a walk of the listing, whichever makes fewer calls; a walk stops once every id is found and
 * primes the cache with every user it saw.
 */
export function createGreenArrowLoader(source: GreenArrowSource | null, memo: CallMemo): DataLoader<string, GreenArrowUser> {
  const loader: DataLoader<string, GreenArrowUser> = new DataLoader<string, GreenArrowUser>(async (ids) => {
    if (source === null) return ids.map(() => new VendorNotConfiguredError('GREENARROW', 'GreenArrow is not configured'));
    if (ids.length <= expectedScanPages(source)) {
      return Promise.all(ids.map((id) => source.getUser(id).catch((error: Error) => error)));
    }
    const wanted = new Set(ids);
    const found = new Map<string, GreenArrowUser>();
    try {
      let pageToken: string | undefined;
      do {
        const token = pageToken;
        const page = await memo.run(`greenarrow:list:${token ?? ''}`, () => source.listUsers(token === undefined ? {} : { pageToken: token }));
        if (page.total !== null) knownTotals.set(source, page.total);
        for (const user of page.items) {
          if (wanted.has(user.externalId)) found.set(user.externalId, user);
          else loader.prime(user.externalId, user);
        }
        pageToken = page.next ?? undefined;
      } while (pageToken !== undefined && found.size < wanted.size);
    } catch (error) {
      return ids.map(() => error as Error);
    }
    return ids.map((id) => found.get(id) ?? new VendorNotFoundError('GREENARROW', `no GreenArrow user has id ${id}`));
  });
  return loader;
}
