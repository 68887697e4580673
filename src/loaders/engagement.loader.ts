import DataLoader from 'dataloader';
import type { EngagementMember } from '../domain/types';
import type { EngagementSource } from '../sources/engagement/client';
import { VendorNotConfiguredError, VendorNotFoundError } from '../sources/errors';
import type { CallMemo } from './memo';

/**
 * Engagement audience members by id. Engagement can only list, so a batch walks the listing
 * (memoised per request) until every id is found, priming the cache with the rest.
 */
export function createEngagementLoader(source: EngagementSource | null, memo: CallMemo): DataLoader<string, EngagementMember> {
  const loader: DataLoader<string, EngagementMember> = new DataLoader<string, EngagementMember>(async (ids) => {
    if (source === null) return ids.map(() => new VendorNotConfiguredError('ENGAGEMENT', 'Engagement is not configured'));
    const wanted = new Set(ids);
    const found = new Map<string, EngagementMember>();
    try {
      let start: number | null = 0;
      while (start !== null && found.size < wanted.size) {
        const offset: number = start;
        const page = await memo.run(`engagement:list:${offset}`, () => source.listMembers({ start: offset, pageSize: source.pageSize }));
        for (const member of page.items) {
          if (wanted.has(member.externalId)) found.set(member.externalId, member);
          else loader.prime(member.externalId, member);
        }
        start = page.next === null ? null : Number(page.next);
      }
    } catch (error) {
      return ids.map(() => error as Error);
    }
    return ids.map((id) => found.get(id) ?? new VendorNotFoundError('ENGAGEMENT', `no Engagement member has id ${id}`));
  });
  return loader;
}
