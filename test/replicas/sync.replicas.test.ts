import { post, runToExit } from '../helpers/gateway-process';
import { startReplicaSet, type ReplicaSet } from '../helpers/replica-set';

/**
 * A sync running while three replicas serve requests, each replica with its mirror refresher due
 * every second: the listing of the list-only vendor (Engagement) is walked by one walker at a time
 * across the three refreshers and the sync (a lease per vendor in the shared database), which the
 * simulator's call log shows: no two of its listing calls overlap, although four processes keep
 * trying. Meanwhile every request is answered, and every person ends linked once.
 */

const MEMBERS = 300;
const LISTING_LATENCY_MS = 40;

const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { user { id } results { status } userErrors { code } }
}`;

describe('a sync and the mirror refreshers of three replicas', () => {
  let set: ReplicaSet;

  beforeAll(async () => {
    set = await startReplicaSet({
      replicas: 3,
      env: { VENDOR_RETRIES: '0', MIRROR_REFRESH_INTERVAL_S: '1', MIRROR_PAGES_PER_SECOND: '1000' },
    });
  }, 120_000);
  afterAll(async () => {
    await set?.close();
  }, 60_000);

  it('walks the list-only vendor one walker at a time while the three serve requests', async () => {
    const { ENGAGEMENT } = set.vendors.simulators;
    ENGAGEMENT.store.insertMany(
      Array.from({ length: MEMBERS }, (_, index) => ({
        firstName: 'Listed',
        lastName: `Member${index}`,
        email: `listed.${index}@example.org`,
        country: 'India',
      })),
    );
    ENGAGEMENT.setFault('listMembers', { latencyMs: LISTING_LATENCY_MS });
    ENGAGEMENT.resetCalls();

    const sync = runToExit('src/cli/sync.ts', [], { ...set.env, LOG_LEVEL: 'warn', SYNC_ACCOUNT_IDS: '2' });
    // Requests spread over the replicas while the sync runs and the refreshers keep trying.
    const answers: { created: boolean; found: boolean }[] = [];
    let index = 0;
    let syncEnded = false;
    const ended = sync.finally(() => (syncEnded = true));
    while (!syncEnded || index < 12) {
      const replica = set.replicas[index % set.replicas.length];
      const email = `served.${index}@example.org`;
      const created = await post<{ createUser: { userErrors: unknown[]; results: { status: string }[] } }>(
        replica,
        CREATE,
        {
          input: {
            email,
            password: 'Served-Pass-77',
            firstName: 'Ser',
            lastName: `Ved${index}`,
            country: 'India',
            accountId: '2',
            username: `served.${index}`,
          },
        },
      );
      const other = set.replicas[(index + 1) % set.replicas.length];
      const found = await post<{ user: { id: string } | null }>(other, `{ user(email: "${email}") { id } }`, {});
      answers.push({
        created:
          created.errors === undefined &&
          created.data?.createUser.userErrors.length === 0 &&
          created.data.createUser.results.every((result) => result.status === 'SUCCEEDED'),
        found: found.data?.user?.id !== undefined,
      });
      index += 1;
    }
    const outcome = await ended;
    expect(outcome.code).toBe(0);
    expect(answers.every((answer) => answer.created && answer.found)).toBe(true);
    // A few more refresh rounds after the sync, with the three replicas competing for the lease.
    const before = ENGAGEMENT.calls('listMembers');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    ENGAGEMENT.setFault('listMembers', null);

    const listings = [...ENGAGEMENT.callLog('listMembers')].sort((a, b) => a.startedAt - b.startedAt);
    // The sync's walk and several refresh rounds happened...
    expect(listings.length).toBeGreaterThan(before);
    expect(listings.length).toBeGreaterThan(2 * Math.ceil(MEMBERS / 100));
    // ...and never two at once.
    const overlapping = listings.filter(
      (call, position) => position > 0 && call.startedAt < (listings[position - 1].endedAt ?? Infinity),
    );
    expect(overlapping).toEqual([]);

    // Every person is one user, linked once per vendor record.
    const users = await set.db.query<{ email: string; n: number }>(
      'SELECT email, COUNT(*) AS n FROM users GROUP BY email HAVING COUNT(*) > 1',
    );
    expect(users).toEqual([]);
    const links = await set.db.query<{ user_id: string; source: string; n: number }>(
      'SELECT user_id, source, COUNT(*) AS n FROM identities GROUP BY user_id, source HAVING COUNT(*) > 1',
    );
    expect(links).toEqual([]);
    // The listing's records are all in the mirror, each once.
    const mirrored = await set.db.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM vendor_records WHERE source = 'ENGAGEMENT' AND email LIKE 'listed.%'",
    );
    expect(Number(mirrored[0].n)).toBe(MEMBERS);
  });
});
