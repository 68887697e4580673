import type { Page } from '../../src/domain/types';
import type { VendorError } from '../../src/vendors/transport/errors';
import { walkPages } from '../../src/vendors/kit/page-walk';

/** A listing answered from a table of cursor → page, recording what it was asked. */
function listing(pages: Record<string, Page<number>>) {
  const asked: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<Page<number>> => {
    asked.push(cursor);
    const page = pages[cursor ?? 'start'];
    if (!page) throw new Error(`no page for ${cursor}`);
    return page;
  };
  return { asked, fetchPage };
}

async function itemsOf(pages: AsyncIterable<Page<number>>): Promise<number[]> {
  const items: number[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}

describe('walkPages', () => {
  it('walks from the first page (cursor null) along each next until a page answers null', async () => {
    const { asked, fetchPage } = listing({
      start: { items: [1, 2], total: 5, next: 'b' },
      b: { items: [3, 4], total: 5, next: 'c' },
      c: { items: [5], total: 5, next: null },
    });
    expect(await itemsOf(walkPages('GREENARROW', 'listUsers', fetchPage))).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([null, 'b', 'c']);
  });

  it('throws VENDOR_BAD_RESPONSE when a next is the cursor just asked for, and records it', async () => {
    const { asked, fetchPage } = listing({
      start: { items: [1], total: 2, next: 'same' },
      same: { items: [2], total: 2, next: 'same' },
    });
    const recorded: VendorError[] = [];
    const walk = itemsOf(
      walkPages('ENGAGEMENT', 'listMembers', fetchPage, { recordFailure: (error) => recorded.push(error) }),
    );
    await expect(walk).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE', source: 'ENGAGEMENT', retryable: true });
    await expect(walk).rejects.toThrow('listMembers answered a next page cursor it had answered before');
    expect(asked).toEqual([null, 'same']);
    expect(recorded.map((error) => error.code)).toEqual(['VENDOR_BAD_RESPONSE']);
  });

  it('throws when a next goes back to a cursor answered earlier in the walk', async () => {
    const { asked, fetchPage } = listing({
      start: { items: [1], total: null, next: 'a' },
      a: { items: [2], total: null, next: 'b' },
      b: { items: [3], total: null, next: 'a' },
    });
    await expect(itemsOf(walkPages('GREENARROW', 'listUsers', fetchPage))).rejects.toMatchObject({
      code: 'VENDOR_BAD_RESPONSE',
    });
    expect(asked).toEqual([null, 'a', 'b']);
  });

  it('yields the page that repeats a cursor: a caller that stops there gets no error and no further call', async () => {
    const { asked, fetchPage } = listing({
      start: { items: [1], total: 2, next: 'x' },
      x: { items: [2], total: 2, next: 'x' },
    });
    const seen: number[] = [];
    for await (const page of walkPages('GREENARROW', 'listUsers', fetchPage)) {
      seen.push(...page.items);
      if (seen.includes(2)) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(asked).toEqual([null, 'x']);
  });

  it('lets the caller memoise fetchPage: a repeated cursor still ends the walk instead of spinning on resolved promises', async () => {
    const { asked, fetchPage } = listing({
      start: { items: [1], total: 2, next: 'loop' },
      loop: { items: [2], total: 2, next: 'loop' },
    });
    const memo = new Map<string, Promise<Page<number>>>();
    const memoised = (cursor: string | null) => {
      const key = cursor ?? '';
      if (!memo.has(key)) memo.set(key, fetchPage(cursor));
      return memo.get(key)!;
    };
    await expect(itemsOf(walkPages('GREENARROW', 'listUsers', memoised))).rejects.toMatchObject({
      code: 'VENDOR_BAD_RESPONSE',
    });
    expect(asked).toEqual([null, 'loop']);
  });

  it('passes a failure of fetchPage through unchanged', async () => {
    const failure = new Error('vendor down');
    const pages = walkPages<Page<number>>('GREENARROW', 'listUsers', () => Promise.reject(failure));
    await expect(itemsOf(pages)).rejects.toBe(failure);
  });
});
