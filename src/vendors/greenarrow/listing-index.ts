/**
 * Where in GreenArrow's listing each user was last seen: the page number of every user on every
 * listing page the gateway has read in this process. A batch read uses it to fetch only the pages
 * that hold the people it wants. Positions can go stale (a deleted user moves everyone after it
 * back by one), so a page that turns out not to hold someone costs a single read for them, never a
 * wrong answer; every page read records its users again.
 *
 * Bounded: once it holds `limit` users it starts over, keeping what the next pages teach it.
 */
export class ListingIndex {
  private readonly pageOf = new Map<string, number>();
  /** Users on the listing as its last page said; null until a page was read. */
  total: number | null = null;

  constructor(private readonly limit = 200_000) {}

  /** Records the users of one page; `total` is the listing's size as the page gives it. */
  learn(page: number, ids: Iterable<string>, total: number | null): void {
    if (total !== null) this.total = total;
    for (const id of ids) {
      if (this.pageOf.size >= this.limit && !this.pageOf.has(id)) this.pageOf.clear();
      this.pageOf.set(id, page);
    }
  }

  /** The page a user was last seen on, or undefined. */
  page(id: string): number | undefined {
    return this.pageOf.get(id);
  }

  /** A user known to be gone from the page it was on (a single read did not find it there). */
  forget(id: string): void {
    this.pageOf.delete(id);
  }
}
