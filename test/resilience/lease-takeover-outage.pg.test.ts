import { Writable } from 'node:stream';
import { GatewayMetrics } from '../../src/observability/metrics';
import { createLogger } from '../../src/platform/logger';
import { OperationLeases } from '../../src/services/writes/operation-leases';
import {
  Journal,
  openStore,
  parseDatabaseUrl,
  type Operation,
  type PostgresSettings,
  type Store,
} from '../../src/store';
import { eventually } from '../helpers/eventually';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres';

/**
 * Two replicas' lease keepers on one PostgreSQL database that goes away for longer than the lease
 * TTL, then comes back (a cluster of this test's own; the shared server is never stopped). Every
 * lease has expired by then, the live owner's too. The replica that looks first after the outage
 * must not take over the live owner's operation (that owner renews it at its next heartbeat), and a
 * dead owner's operation (never renewed) is still taken over, once the hold-off has passed.
 *
 * The test beats the keepers itself until both have renewed once after the outage, in the order
 * that hurts: the other replica looks before the owner renews (with the gateway's timers that order
 * is left to chance). From there both run on their timers, as in the gateway.
 */

const PASSWORD = 'lease-outage-password-7d2c41';
const LEASE_TTL_MS = 4_000;
const HEARTBEAT_MS = 1_000;
const HOLD_OFF_STARTS =
  "the database is unreachable: could not renew the leases of the operations in flight; holding off taking over other processes' operations until one lease TTL after it answers again";
const TAKEOVERS_RESUME =
  'taking over the expired operations of other processes again: their owners that are alive have renewed their leases since the database came back';

interface LogLine {
  level: number;
  time: number;
  msg: string;
  takeoversResumeAt?: string;
}

/** One replica: its store (a pool of its own), its lease keeper, what it logged and took over. */
interface Replica {
  store: Store;
  leases: OperationLeases;
  metrics: GatewayMetrics;
  lines: LogLine[];
  tookOver: string[];
}

describe('operation leases across an outage of the shared PostgreSQL longer than their TTL', () => {
  let server: ThrowawayPostgres;
  let owner: Replica;
  let other: Replica;

  async function replica(name: string): Promise<Replica> {
    const url = parseDatabaseUrl(server.url) as Omit<
      PostgresSettings,
      'ca' | 'schema' | 'poolSize' | 'statementTimeoutMs' | 'connectTimeoutMs'
    >;
    const store = await openStore({
      postgres: { ...url, ca: null, schema: null, poolSize: 2, statementTimeoutMs: 2_000, connectTimeoutMs: 1_000 },
      owner: name,
      operationLeaseTtlMs: LEASE_TTL_MS,
    });
    const lines: LogLine[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as LogLine);
          done();
        },
      }),
    });
    const metrics = new GatewayMetrics({ vendors: [] });
    const tookOver: string[] = [];
    const leases = new OperationLeases({
      journal: store.journal,
      logger,
      heartbeatMs: HEARTBEAT_MS,
      tookOver: async (operations) => {
        tookOver.push(...operations.map((operation) => operation.id));
      },
      holdOffChanged: (holding) => metrics.leaseTakeoversHeldOff(holding),
    });
    return { store, leases, metrics, lines, tookOver };
  }

  beforeAll(async () => {
    server = await startThrowawayPostgres(PASSWORD);
    owner = await replica('live-replica');
    other = await replica('other-replica');
  }, 60_000);
  afterAll(async () => {
    for (const each of [owner, other]) {
      await each?.leases.stop();
      await each?.store.close();
    }
    await server?.destroy();
  }, 60_000);

  const row = async (operation: Operation) =>
    (
      await other.store.db.query<{ state: string; owner: string; lease_expires_at: string; updated_at: string }>(
        'SELECT state, owner, lease_expires_at, updated_at FROM operations WHERE id = $1',
        [operation.id],
      )
    )[0];
  const said = (each: Replica, msg: string) => each.lines.filter((line) => line.msg === msg);
  const heldOffGauge = async (each: Replica) =>
    Number(/^usergraph_journal_lease_takeovers_held_off (\d+)$/m.exec(await each.metrics.render())?.[1]);
  /** Beats until a heartbeat went through after the outage; a beat that still met the old connections fails as in the outage. */
  const beatUntilRenewed = async (each: Replica) => {
    const renewals = said(each, 'operation leases renewed again').length;
    await eventually(
      async () => {
        expect(await each.leases.beat()).toEqual([]);
        return said(each, 'operation leases renewed again').length > renewals;
      },
      'a lease renewal after the database came back',
      30_000,
    );
  };

  it("keeps the live owner's operation with its owner and takes over the dead owner's, after the hold-off", async () => {
    const live = (await owner.store.journal.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
    // A replica that died: its operation's lease is never renewed.
    const dead = new Journal(other.store.db, { owner: 'dead-replica', leaseTtlMs: LEASE_TTL_MS });
    const orphan = (await dead.begin({ mutation: 'createUser', inputHash: 'h', recovery: {} })).operation;
    expect(await owner.leases.beat()).toEqual([]);
    expect(await other.leases.beat()).toEqual([]);
    const renewedBefore = (await row(live)).lease_expires_at;
    expect(await heldOffGauge(other)).toBe(0);

    await server.stop();
    // Each misses its heartbeats for longer than the TTL: every lease has expired when the server returns.
    expect(await owner.leases.beat()).toEqual([]);
    expect(await other.leases.beat()).toEqual([]);
    await eventually(() => Date.now() > Date.parse(renewedBefore), 'the live lease to expire during the outage');
    expect(await owner.leases.beat()).toEqual([]);
    expect(await other.leases.beat()).toEqual([]);
    expect([owner.leases.takeoversHeldOff, other.leases.takeoversHeldOff]).toEqual([true, true]);
    expect(await heldOffGauge(other)).toBe(1);
    await server.start();

    // The other replica looks first: its heartbeat goes through, and it takes nothing over.
    await beatUntilRenewed(other);
    expect(await row(live)).toMatchObject({ state: 'PENDING', owner: 'live-replica', lease_expires_at: renewedBefore });
    expect(await row(orphan)).toMatchObject({ state: 'PENDING', owner: 'dead-replica' });
    // Then the owner renews its lease, as it would at its next heartbeat.
    await beatUntilRenewed(owner);
    const renewedAfter = (await row(live)).lease_expires_at;
    expect(Date.parse(renewedAfter)).toBeGreaterThan(Date.parse(renewedBefore));
    expect(other.leases.takeoversHeldOff).toBe(true);

    // From here each beats on its own timer, as the gateway does.
    owner.leases.start();
    other.leases.start();
    await eventually(
      async () => (await row(orphan)).state === 'INTERRUPTED',
      "the dead replica's operation to be taken over",
      60_000,
    );
    await eventually(
      () => !owner.leases.takeoversHeldOff && !other.leases.takeoversHeldOff,
      'both replicas to take over again',
      30_000,
    );

    // The live owner kept its operation, and renewed its lease all along (the hold-off lasts a TTL).
    const kept = await row(live);
    expect(kept).toMatchObject({ state: 'PENDING', owner: 'live-replica' });
    expect(Date.parse(kept.lease_expires_at)).toBeGreaterThan(Date.parse(renewedAfter));
    // The dead owner's operation went to one replica, and nothing else went anywhere.
    expect([...owner.tookOver, ...other.tookOver]).toEqual([orphan.id]);
    const taker = owner.tookOver.length > 0 ? owner : other;

    for (const each of [owner, other]) {
      // One warning when the hold-off started, one line when the leases were renewed again saying
      // when takeovers resume, one when they did: never before that moment.
      expect(said(each, HOLD_OFF_STARTS).map((line) => line.level)).toEqual([40]);
      const renewed = said(each, 'operation leases renewed again');
      expect(renewed).toHaveLength(1);
      const resumeAt = Date.parse(renewed[0].takeoversResumeAt!);
      const resumed = said(each, TAKEOVERS_RESUME);
      expect(resumed.map((line) => line.level)).toEqual([30]);
      expect(resumed[0].time).toBeGreaterThanOrEqual(resumeAt);
      expect(each.lines.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual(
        each === taker
          ? [
              HOLD_OFF_STARTS,
              'took over operations whose process stopped renewing their lease; they are settled as after a restart',
            ]
          : [HOLD_OFF_STARTS],
      );
      expect(await heldOffGauge(each)).toBe(0);
    }
    const takeoverResumedAt = Date.parse(said(taker, 'operation leases renewed again')[0].takeoversResumeAt!);
    expect(Date.parse((await row(orphan)).updated_at)).toBeGreaterThanOrEqual(takeoverResumedAt);
  }, 120_000);
});
