import type { Source } from '../../src/domain/types';
import { eventually } from '../helpers/eventually';
import { post, type GatewayProcess } from '../helpers/gateway-process';
import { startReplicaSet, type ReplicaSet } from '../helpers/replica-set';

/**
 * Three gateway processes on one PostgreSQL database, the simulators behind them, requests spread
 * across the replicas by the test: what one gateway promised (one person per email, one fan-out per
 * idempotency key, nothing lost when a process dies) holds for the set. Vendor writes are counted
 * through the simulators.
 */

const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    replayed
    user { id email }
    results { source status externalId }
    userErrors { code }
  }
}`;

interface Payload {
  replayed: boolean;
  user: { id: string; email: string } | null;
  results: { source: Source; status: string; externalId: string | null }[];
  userErrors: { code: string }[];
}

/** The create route of each vendor, as its simulator names it. */
const CREATE_ROUTES = {
  RAINMAKER: 'createUser',
  ENGAGEMENT: 'createMember',
  GREENARROW: 'createUser',
  USER_MANAGEMENT: 'addUser',
} as const satisfies Record<Source, string>;

const ONE_EACH = { RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 };

/** Short leases, so that a killed replica's operations are taken over within seconds. */
const LEASE_TTL_S = 4;

describe('three replicas on one PostgreSQL database', () => {
  let set: ReplicaSet;
  let counter = 0;

  beforeAll(async () => {
    set = await startReplicaSet({
      replicas: 3,
      env: {
        VENDOR_RETRIES: '0',
        MIRROR_REFRESH_INTERVAL_S: '0',
        OPERATION_LEASE_TTL_S: String(LEASE_TTL_S),
        OPERATION_LEASE_HEARTBEAT_S: '1',
        RECOVERY_INTERVAL_S: '1',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await set?.close();
  }, 60_000);

  const sims = () => set.vendors.simulators;
  const live = () => set.replicas.filter((replica) => replica.process.exitCode === null && !replica.process.killed);

  function person(email: string, extra: Record<string, unknown> = {}) {
    counter += 1;
    return {
      email,
      password: 'Replica-Pass-77',
      firstName: 'Rep',
      lastName: `Lica${counter}`,
      country: 'India',
      accountId: '2',
      username: email.split('@')[0],
      ...extra,
    };
  }

  async function create(replica: GatewayProcess, input: Record<string, unknown>): Promise<Payload> {
    const answer = await post<{ createUser: Payload }>(replica, CREATE, { input });
    expect(answer.errors).toBeUndefined();
    return answer.data!.createUser;
  }

  /** How many records each vendor holds with this address. */
  function recordsOf(email: string): Record<Source, number> {
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = sims();
    return {
      RAINMAKER: RAINMAKER.store.all().filter((user) => user.userName === email).length,
      ENGAGEMENT: ENGAGEMENT.store.all().filter((member) => member.email === email).length,
      GREENARROW: GREENARROW.store.all().filter((user) => user.email === email).length,
      USER_MANAGEMENT: USER_MANAGEMENT.store.all().filter((user) => user.emailAddress === email).length,
    };
  }

  /** Vendor create calls since the last reset, over all four vendors. */
  function createCalls(): number {
    return (Object.entries(CREATE_ROUTES) as [Source, string][]).reduce(
      (sum, [source, route]) => sum + sims()[source].calls(route),
      0,
    );
  }

  /** Every vendor's create takes `ms` (0: as fast as it is), so that requests racing at several replicas overlap. */
  function createLatency(ms: number): void {
    for (const [source, route] of Object.entries(CREATE_ROUTES) as [Source, string][])
      sims()[source].setFault(route, ms === 0 ? null : { latencyMs: ms });
  }

  function resetCalls(): void {
    for (const simulator of Object.values(sims())) simulator.resetCalls();
  }

  it('says at each replica, in sources and /metrics, that it keeps its state in PostgreSQL', async () => {
    for (const replica of live()) {
      const answer = await post<{ sources: { storeEngine: string }[] }>(replica, '{ sources { storeEngine } }', {});
      expect(answer.data?.sources.map((source) => source.storeEngine)).toEqual([
        'POSTGRES',
        'POSTGRES',
        'POSTGRES',
        'POSTGRES',
      ]);
      const metrics = await (
        await fetch(new URL('/metrics', replica.url), { headers: { authorization: `Bearer ${replica.token}` } })
      ).text();
      expect(metrics).toMatch(
        new RegExp(`usergraph_store_info\\{engine="postgres",replica="${replica.process.pid}@[^"]+"\\} 1`),
      );
      expect(Number(/usergraph_store_queries_total\{engine="postgres"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    }
  });

  it('creates one person when the same email is created at all three at once', async () => {
    createLatency(100);
    try {
      for (let round = 0; round < 5; round += 1) {
        resetCalls();
        const email = `same.${round}@example.org`;
        const payloads = await Promise.all(live().map((replica) => create(replica, person(email))));
        const winners = payloads.filter((payload) => payload.userErrors.length === 0);
        expect(winners).toHaveLength(1);
        expect(winners[0].results.map((result) => result.status)).toEqual([
          'SUCCEEDED',
          'SUCCEEDED',
          'SUCCEEDED',
          'SUCCEEDED',
        ]);
        for (const loser of payloads.filter((payload) => payload !== winners[0])) {
          expect(loser.results).toEqual([]);
          expect(['EMAIL_IN_USE', 'EMAIL_TAKEN']).toContain(loser.userErrors[0]?.code);
        }
        expect(createCalls()).toBe(4);
        expect(recordsOf(email)).toEqual(ONE_EACH);
        // Every replica answers the same person for it.
        const found = await Promise.all(
          live().map((replica) =>
            post<{ user: { id: string } | null }>(replica, `{ user(email: "${email}") { id } }`, {}),
          ),
        );
        expect(found.map((answer) => answer.data?.user?.id)).toEqual(live().map(() => winners[0].user!.id));
      }
    } finally {
      createLatency(0);
    }
  });

  it('runs one fan-out for one idempotency key sent to two replicas at once, then replays it at the third', async () => {
    resetCalls();
    createLatency(300);
    const [first, second, third] = live();
    const input = person('keyed@example.org', { idempotencyKey: 'replicas-key-1' });
    let racing: Payload[];
    try {
      racing = await Promise.all([create(first, input), create(second, input)]);
    } finally {
      createLatency(0);
    }
    const ran = racing.filter((payload) => payload.userErrors.length === 0 && !payload.replayed);
    expect(ran).toHaveLength(1);
    expect(ran[0].user).not.toBeNull();
    // The other was a replay, or was told the operation is still running and replays it when sent again.
    let other = racing.find((payload) => payload !== ran[0])!;
    const otherReplica = other === racing[0] ? first : second;
    if (!other.replayed) {
      expect(other.userErrors.map((error) => error.code)).toEqual(['IDEMPOTENCY_KEY_IN_FLIGHT']);
      other = await create(otherReplica, input);
    }
    const last = await create(third, input);
    for (const replay of [other, last]) {
      expect(replay.replayed).toBe(true);
      expect(replay.user?.id).toBe(ran[0].user!.id);
      expect(replay.results).toEqual(ran[0].results);
    }
    expect(createCalls()).toBe(4);
    expect(recordsOf('keyed@example.org')).toEqual(ONE_EACH);
    const operations = await set.db.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM operations WHERE idempotency_key = 'replicas-key-1'",
    );
    expect(Number(operations[0].n)).toBe(1);
  });

  it('finishes or rolls back every operation of a replica SIGKILLed mid-burst, at another replica, within the lease time', async () => {
    const [victim, ...survivors] = live();
    const victimPid = victim.process.pid!;
    const burst = Array.from({ length: 12 }, (_, index) =>
      person(`burst.${index}@example.org`, { onPartialFailure: index % 2 === 0 ? 'ROLLBACK' : 'KEEP' }),
    );
    const emails = burst.map((input) => String(input.email));
    createLatency(1_500);
    const replicas = live();
    const answers = burst.map((input, index) =>
      create(replicas[index % replicas.length], input).then(
        (payload) => ({ index, payload }),
        () => ({ index, payload: null }),
      ),
    );
    // Every operation of the victim has begun its fan-out: at least one vendor call of each is on its way.
    const victimOperations = async () =>
      set.db.query<{ id: string; steps: number }>(
        `SELECT id, (SELECT COUNT(*) FROM operation_steps WHERE operation_id = operations.id) AS steps
         FROM operations WHERE owner LIKE $1 AND mutation = 'createUser' AND state = 'PENDING'`,
        [`${victimPid}@%`],
      );
    await eventually(async () => {
      const rows = await victimOperations();
      return rows.length === burst.length / replicas.length && rows.every((row) => Number(row.steps) > 0);
    }, 'every create sent to the victim to be writing vendors');
    const orphaned = (await victimOperations()).map((row) => row.id).sort();

    victim.process.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    createLatency(0);
    const answered = await Promise.all(answers);
    // The survivors answered theirs; the victim's callers lost their connection.
    expect(answered.filter((answer) => answer.payload === null).map((answer) => answer.index % 3)).toEqual(
      orphaned.map(() => 0),
    );

    await eventually(
      async () => {
        const rows = await set.db.query<{ state: string }>(
          `SELECT state FROM operations WHERE id IN (${orphaned.map((_, index) => `$${index + 1}`).join(', ')})`,
          orphaned,
        );
        return rows.every((row) => row.state === 'COMPLETED' || row.state === 'FAILED');
      },
      "the victim's operations to be settled by another replica",
      // The lease, a heartbeat to notice it, and each operation's vendor look-ups on a busy machine.
      (LEASE_TTL_S + 30) * 1_000,
    );
    const settled = await set.db.query<{ id: string; owner: string; settled_by: string }>(
      `SELECT id, owner, settled_by FROM operations WHERE id IN (${orphaned.map((_, index) => `$${index + 1}`).join(', ')})`,
      orphaned,
    );
    for (const operation of settled) {
      expect(operation.settled_by).toBe('RECOVERY');
      expect(survivors.map((survivor) => operation.owner.startsWith(`${survivor.process.pid}@`))).toContain(true);
    }
    // The survivors said they took them over, and took over nothing else.
    const tookOver = survivors.flatMap((survivor) =>
      survivor.logs
        .filter((line) => String(line['msg']).startsWith('took over operations'))
        .flatMap((line) => (line['operations'] as { id: string }[]).map((operation) => operation.id)),
    );
    expect(tookOver.sort()).toEqual(orphaned);
    // No operation is left unsettled, and recovery settled the victim's only: the survivors' own were settled by their requests.
    const all = await set.db.query<{ id: string; state: string; settled_by: string | null }>(
      'SELECT id, state, settled_by FROM operations',
    );
    expect(all.filter((operation) => !['COMPLETED', 'FAILED'].includes(operation.state))).toEqual([]);
    expect(
      all
        .filter((operation) => operation.settled_by === 'RECOVERY')
        .map((operation) => operation.id)
        .sort(),
    ).toEqual(orphaned);

    // The journal and every simulator agree record by record: each vendor record of the burst is
    // linked to its person, each link names a record the vendor holds, and nobody has two.
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = sims();
    const wanted = new Set(emails);
    const held = [
      ...RAINMAKER.store
        .all()
        .filter((user) => wanted.has(user.userName))
        .map((user) => `RAINMAKER ${user.userName}`),
      ...ENGAGEMENT.store
        .all()
        .filter((member) => wanted.has(member.email))
        .map((member) => `ENGAGEMENT ${member.id}`),
      ...GREENARROW.store
        .all()
        .filter((user) => wanted.has(user.email))
        .map((user) => `GREENARROW ${user.id}`),
      ...USER_MANAGEMENT.store
        .all()
        .filter((user) => wanted.has(user.emailAddress))
        .map((user) => `USER_MANAGEMENT ${user.id}`),
    ].sort();
    const linked = (
      await set.db.query<{ source: string; external_id: string }>(
        `SELECT identities.source, identities.external_id FROM identities JOIN users ON users.id = identities.user_id
         WHERE users.email IN (${emails.map((_, index) => `$${index + 1}`).join(', ')})`,
        emails,
      )
    )
      .map((row) => `${row.source} ${row.external_id}`)
      .sort();
    expect(held).toEqual(linked);
    for (const email of emails) {
      for (const count of Object.values(recordsOf(email))) expect(count).toBeLessThanOrEqual(1);
    }
    // What the surviving requests answered is what the vendors hold.
    for (const { payload } of answered) {
      if (payload === null) continue;
      expect(payload.results.map((result) => result.status)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
    }
  });
});
