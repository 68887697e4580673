import type { Source } from '../../src/domain/types';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, type BootedGateway } from '../helpers/gateway';

/**
 * Engagement's listing is paged by offset. A member deleted from a page the walk has read shifts
 * every later member one place up, so the first member of the next page is read by neither page.
 * A walk that then judged that member gone marked its link ORPHANED while Engagement still held it
 * (the soak found such records). The sequence here, against the simulators: the mirror refresh
 * reads page 1, page 2 is held at the simulator (a latency fault), a member of page 1 is deleted
 * through the gateway, page 2 is answered; every member Engagement still holds must stay linked.
 */
const PAGE_SIZE = 10;

describe("a walk of Engagement's listing while members are deleted", () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ ENGAGEMENT_PAGE_SIZE: String(PAGE_SIZE), VENDOR_TIMEOUT_MS: '20000' });
  });
  afterAll(() => app.stop());

  /** Engagement's members by id, as the simulator holds them. */
  const members = () => new Set(app.simulators.simulators.ENGAGEMENT!.store.all().map((member) => String(member.id)));
  /** The links to Engagement records, by status. */
  async function links(status: 'ACTIVE' | 'ORPHANED'): Promise<Set<string>> {
    const rows = await app.store.db.query<{ external_id: string }>(
      'SELECT external_id FROM identities WHERE source = $1 AND status = $2',
      ['ENGAGEMENT' satisfies Source, status],
    );
    return new Set(rows.map((row) => row.external_id));
  }

  it('keeps every member Engagement still holds linked when one of a read page is deleted before the next page', async () => {
    const held = members();
    expect(held.size).toBeGreaterThan(2 * PAGE_SIZE);
    expect(await links('ACTIVE')).toEqual(held);
    const simulator = app.simulators.simulators.ENGAGEMENT!;
    const firstOfPageOne = String(simulator.store.page(0, 1)[0].id);
    const owner = (await app.store.identities.identitiesByExternalIds('ENGAGEMENT', [firstOfPageOne])).get(
      firstOfPageOne,
    )!.userId;

    simulator.resetCalls();
    simulator.setFault('listMembers', { latencyMs: 2_000 });
    const refresh = app.mirror.refresh();
    // Page 2 has reached the simulator and waits there: page 1 is read.
    await eventually(() => simulator.calls('listMembers') >= 2, 'the refresh to ask for its second page');
    const deleted = await graphql<{ deleteUser: { userErrors: unknown[] } }>(
      app,
      'mutation ($id: ID!) { deleteUser(input: { id: $id, sources: [ENGAGEMENT] }) { userErrors { code } } }',
      { id: owner },
    );
    expect(deleted.data!.deleteUser.userErrors).toEqual([]);
    expect(simulator.calls('listMembers')).toBe(2);
    const [outcome] = await refresh;
    simulator.setFault('listMembers', null);
    expect(outcome.status).toBe('DONE');

    const now = members();
    expect(now.size).toBe(held.size - 1);
    expect(await links('ORPHANED')).toEqual(new Set());
    expect(await links('ACTIVE')).toEqual(now);
  });

  it('reads the member that moved up into a page already read, and says the walk may have passed over members', async () => {
    const simulator = app.simulators.simulators.ENGAGEMENT!;
    const adapter = app.adapters.get('ENGAGEMENT')!;
    const first = await adapter.listPage!(null);
    expect(first.records).toHaveLength(PAGE_SIZE);
    expect(first.passedOver).toBeUndefined();
    const movedUp = String(simulator.store.page(PAGE_SIZE, 1)[0].id);
    // Outside the gateway, so nothing else changes: the first member of page 2 moves into page 1.
    simulator.store.remove(first.records[0].externalId);
    const second = await adapter.listPage!(first.next);
    expect(second.passedOver).toBe(true);
    expect(second.records.map((record) => record.externalId)).toContain(movedUp);
    // The mark stays in the walk's cursors, so a walk resumed from its checkpoint says so too.
    expect((await adapter.listPage!(second.next)).passedOver).toBe(true);

    // Nothing moves between the pages of the next walk: it reads each member once and passes over none.
    const again = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.listPage!(cursor);
      expect(page.passedOver).toBeUndefined();
      again.push(...page.records.map((record) => record.externalId));
      cursor = page.next;
    } while (cursor !== null);
    expect(again).toEqual([...members()]);
  });

  it('still judges gone, after a walk that saw the listing hold still, a member deleted outside the gateway', async () => {
    const simulator = app.simulators.simulators.ENGAGEMENT!;
    // The member the test before removed outside the gateway is judged gone here already.
    await app.mirror.refresh();
    const orphaned = await links('ORPHANED');
    const gone = String(simulator.store.page(PAGE_SIZE + 1, 1)[0].id);
    simulator.store.remove(gone);
    const [outcome] = await app.mirror.refresh();
    expect(outcome).toMatchObject({ status: 'DONE', changes: { linksOrphaned: 1, recordsRemoved: 1 } });
    expect(await links('ORPHANED')).toEqual(new Set([...orphaned, gone]));
    expect(await links('ACTIVE')).toEqual(members());
  });
});
