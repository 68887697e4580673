import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where rate limits and vendor state live (usergraph_shared_state_redis). */
const SHARED_STATES = ['off', 'shared', 'fallback'] as const;
export type SharedStateLabel = (typeof SHARED_STATES)[number];

/** Seconds; from a cached answer (a few ms) to a vendor timing out several times over. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Distinct operation names kept as label values. Clients name their operations, so without a bound
 * a client could grow the metrics (and every Prometheus that scrapes them) without end; names past
 * it are counted as `(other)`.
 */
export const MAX_OPERATION_NAMES = 200;

/** The breaker states every vendor reports, one series each, so `== 1` finds the current one. */
const BREAKER_STATES = ['closed', 'half_open', 'open'] as const;

/** How a GraphQL request ended: no errors, data with errors, or errors without data. */
export type OperationOutcome = 'success' | 'partial' | 'error';

export interface OperationObservation {
  /** The operation's name, `(anonymous)` without one, `(unknown)` when none was resolved (a document that did not parse or validate). */
  name: string;
  /** `query`, `mutation`, `subscription`, or `unknown` before the operation was resolved. */
  type: string;
  outcome: OperationOutcome;
  seconds: number;
}

/** One attempt of a vendor call as the transport saw it end. */
export interface VendorCallObservation {
  source: string;
  route: string;
  /** How it ended: `ok`, or the error code it ended with (`VENDOR_TIMEOUT`, `VENDOR_UNAVAILABLE`, …). */
  outcome: string;
  latencyMs: number;
  /** Set when the attempt never reached the vendor, with the reason (`circuit-open`, `busy`, `no-connection`, …). */
  unsent?: string;
}

export interface VendorRetryObservation {
  source: string;
  route: string;
  reason: string;
}

/**
 * Why an operation was marked INTERRUPTED: found at startup from a process that died, given up at
 * shutdown, or taken over from another process whose lease on it expired.
 */
export type InterruptedWhen = 'startup' | 'shutdown' | 'lease';

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two gateways in one process, as tests start them, count apart), with prom-client's default
 * process metrics. Label values come from the data at run time (operation names, the vendors'
 * `source` values, route names), never from a list written here.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  private readonly operationSeconds: Histogram<'operation' | 'type' | 'outcome'>;
  private readonly vendorCalls: Counter<'vendor' | 'route' | 'outcome'>;
  private readonly vendorSeconds: Histogram<'vendor' | 'route' | 'outcome'>;
  private readonly vendorNotSent: Counter<'vendor' | 'route' | 'reason'>;
  private readonly retries: Counter<'vendor' | 'route' | 'reason'>;
  private readonly breaker: Gauge<'vendor' | 'state'>;
  private readonly queueDepth: Gauge<'vendor'>;
  private readonly activeCalls: Gauge<'vendor'>;
  private readonly credentialsRejected: Gauge<'vendor'>;
  private readonly interrupted: Counter<'mutation' | 'when'>;
  private readonly recovered: Counter<'mutation'>;
  private readonly takeoversHeldOff: Gauge;
  private readonly sharedState: Gauge<'state'>;
  private readonly operationNames = new Set<string>();

  constructor(options: { vendors: readonly string[] }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.operations = new Counter({
      name: 'usergraph_graphql_operations_total',
      help: 'GraphQL requests answered, by operation name, type and outcome (success, partial: data with errors, error: no data)',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.operationSeconds = new Histogram({
      name: 'usergraph_graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL request to its answer, by operation name, type and outcome',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.vendorCalls = new Counter({
      name: 'usergraph_vendor_calls_total',
      help: 'Vendor call attempts sent to the vendor (retries included), by vendor, route and outcome (ok, or the error code)',
      labelNames: ['vendor', 'route', 'outcome'],
      registers,
    });
    this.vendorSeconds = new Histogram({
      name: 'usergraph_vendor_call_duration_seconds',
      help: 'Duration of one vendor call attempt sent, waits for a slot included, by vendor, route and outcome',
      labelNames: ['vendor', 'route', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.vendorNotSent = new Counter({
      name: 'usergraph_vendor_calls_not_sent_total',
      help: 'Vendor call attempts that never reached the vendor, by vendor, route and reason (circuit-open, retry-after, busy, time-budget, call-budget, no-connection, credentials-rejected); busy is VENDOR_BUSY, real overload: the queue was full, or no connection came free within the vendor timeout',
      labelNames: ['vendor', 'route', 'reason'],
      registers,
    });
    this.retries = new Counter({
      name: 'usergraph_vendor_retries_total',
      help: 'Vendor calls retried, by vendor, route and the reason of the retry',
      labelNames: ['vendor', 'route', 'reason'],
      registers,
    });
    this.breaker = new Gauge({
      name: 'usergraph_vendor_breaker_state',
      help: 'Circuit breaker state per vendor: 1 for the current state (closed, half_open, open), 0 for the others',
      labelNames: ['vendor', 'state'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'usergraph_vendor_queue_depth',
      help: 'Vendor calls waiting for a free slot of the vendor, per vendor',
      labelNames: ['vendor'],
      registers,
    });
    this.activeCalls = new Gauge({
      name: 'usergraph_vendor_calls_active',
      help: 'Vendor calls holding a slot of the vendor (in flight), per vendor',
      labelNames: ['vendor'],
      registers,
    });
    this.credentialsRejected = new Gauge({
      name: 'usergraph_vendor_credentials_rejected',
      help: "1 while the vendor refuses the gateway's credentials (it answered 401 or 403, and no trial call has been accepted since): a configuration fault; its calls are refused without being sent",
      labelNames: ['vendor'],
      registers,
    });
    this.interrupted = new Counter({
      name: 'usergraph_journal_operations_interrupted_total',
      help: 'Mutations this process marked INTERRUPTED in the journal: found at startup (left by a process that died), given up at shutdown (SHUTDOWN_GRACE_MS ran out), or taken over from another replica whose lease on it expired (lease)',
      labelNames: ['mutation', 'when'],
      registers,
    });
    this.recovered = new Counter({
      name: 'usergraph_journal_operations_recovered_total',
      help: 'Interrupted mutations the gateway settled itself (nobody replayed them): uncertain creates looked up, then completed or rolled back',
      labelNames: ['mutation'],
      registers,
    });
    this.takeoversHeldOff = new Gauge({
      name: 'usergraph_journal_lease_takeovers_held_off',
      help: "1 while this replica holds off taking over other replicas' operations whose lease expired, because it lost the database: until one OPERATION_LEASE_TTL_S after its first lease renewal since, so that owners that are alive renew theirs first; 0 otherwise",
      registers,
    });
    this.takeoversHeldOff.set(0);
    this.sharedState = new Gauge({
      name: 'usergraph_shared_state_redis',
      help: "Where this replica keeps rate limits, vendor pauses and breakers: 1 for the current state (off: no REDIS_URL, each replica alone; shared: in Redis, across replicas; fallback: Redis away, this replica's own until it returns), 0 for the others",
      labelNames: ['state'],
      registers,
    });
    this.sharedStateChanged('off');
    for (const vendor of options.vendors) {
      this.breakerChanged(vendor, 'closed');
      this.queueChanged(vendor, 0, 0);
      this.credentialsChanged(vendor, false);
    }
  }

  /**
   * Says which database this replica keeps its state in (`usergraph_store_info{engine, replica}`,
   * always 1; `replica` is the journal's owner name for this process, as the `operations` query
   * shows it) and counts its statements (`usergraph_store_queries_total{engine}`), read from the
   * database's own counter when scraped.
   */
  observeStore(store: { engine: string; queryCount: number }, replica: string): void {
    const registers = [this.registry];
    const info = new Gauge({
      name: 'usergraph_store_info',
      help: 'The database this replica keeps its links, mirror and journal in (engine: sqlite or postgres), and its name in the journal (replica); always 1',
      labelNames: ['engine', 'replica'],
      registers,
    });
    info.set({ engine: store.engine, replica }, 1);
    new Counter({
      name: 'usergraph_store_queries_total',
      help: 'SQL statements this replica sent to its database (transaction control not counted), by engine',
      labelNames: ['engine'],
      registers,
      collect() {
        this.reset();
        this.inc({ engine: store.engine }, store.queryCount);
      },
    });
  }

  /** The Content-Type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus's text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  operationFinished(observation: OperationObservation): void {
    const labels = {
      operation: this.operationLabel(observation.name),
      type: observation.type,
      outcome: observation.outcome,
    };
    this.operations.inc(labels);
    this.operationSeconds.observe(labels, observation.seconds);
  }

  /** Counts one attempt: as a call when it reached the vendor, as one not sent otherwise. */
  vendorCallFinished(observation: VendorCallObservation): void {
    if (observation.unsent !== undefined) {
      this.vendorNotSent.inc({ vendor: observation.source, route: observation.route, reason: observation.unsent });
      return;
    }
    const labels = { vendor: observation.source, route: observation.route, outcome: observation.outcome };
    this.vendorCalls.inc(labels);
    this.vendorSeconds.observe(labels, Math.max(0, observation.latencyMs) / 1000);
  }

  vendorRetried(observation: VendorRetryObservation): void {
    this.retries.inc({ vendor: observation.source, route: observation.route, reason: observation.reason });
  }

  /** Sets the vendor's current breaker state to 1 and every other state to 0. */
  breakerChanged(vendor: string, state: string): void {
    for (const known of new Set<string>([...BREAKER_STATES, state]))
      this.breaker.set({ vendor, state: known }, known === state ? 1 : 0);
  }

  queueChanged(vendor: string, depth: number, active: number): void {
    this.queueDepth.set({ vendor }, depth);
    this.activeCalls.set({ vendor }, active);
  }

  credentialsChanged(vendor: string, rejected: boolean): void {
    this.credentialsRejected.set({ vendor }, rejected ? 1 : 0);
  }

  operationInterrupted(mutation: string, when: InterruptedWhen): void {
    this.interrupted.inc({ mutation, when });
  }

  operationRecovered(mutation: string): void {
    this.recovered.inc({ mutation });
  }

  /** Whether this replica holds off taking over expired operations of others (after losing the database). */
  leaseTakeoversHeldOff(holding: boolean): void {
    this.takeoversHeldOff.set(holding ? 1 : 0);
  }

  sharedStateChanged(current: SharedStateLabel): void {
    for (const state of SHARED_STATES) this.sharedState.set({ state }, state === current ? 1 : 0);
  }

  private operationLabel(name: string): string {
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return '(other)';
    this.operationNames.add(name);
    return name;
  }
}
