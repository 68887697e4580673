import { bearer, bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';
import { rawRequest } from '../helpers/raw-http';

/**
 * /metrics after a fault run, which must tell an operator what the vendors saw: GreenArrow answers
 * 500 to everything until its breaker opens; the vendor call counters then say, by vendor, route
 * and outcome, exactly what the simulators counted, the calls refused by the open breaker are
 * counted apart (never sent), the retries are counted, the breaker gauge says open, and /readyz
 * answers 503 naming the vendor (200 with READINESS_REQUIRES_VENDORS=false, which still lists it).
 */

const PERMISSIONS = '{ account(id: "1") { users(first: 3) { nodes { email permissions { api } } } } }';

/** Every sample of a metric, by its labels, from Prometheus's text format. */
function samples(text: string, metric: string): { labels: Record<string, string>; value: number }[] {
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== metric) continue;
    const labels = Object.fromEntries(
      [...match[2].matchAll(/([a-z_]+)="([^"]*)"/g)].map((label) => [label[1], label[2]]),
    );
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** The sum of a metric's samples whose labels include `where`, by the value of label `by`. */
function sumBy(text: string, metric: string, where: Record<string, string>, by: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const { labels, value } of samples(text, metric)) {
    if (!Object.entries(where).every(([name, wanted]) => labels[name] === wanted)) continue;
    sums[labels[by]] = (sums[labels[by]] ?? 0) + value;
  }
  return sums;
}

/** What grew between two scrapes, dropping what did not. */
function growth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([key, value]) =>
      value - (before[key] ?? 0) > 0 ? [[key, value - (before[key] ?? 0)]] : [],
    ),
  );
}

describe('/metrics after a fault run', () => {
  let app: BootedGateway;
  let origin: string;

  beforeAll(async () => {
    // A breaker that opens after 3 failures in a row and stays open for the whole test.
    app = await bootGateway({
      GREENARROW_BREAKER_THRESHOLD: '3',
      GREENARROW_BREAKER_HALF_OPEN_MS: '600000',
      MIRROR_REFRESH_INTERVAL_S: '0',
    });
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());

  const scrape = async () => {
    const answer = await rawRequest(`${origin}/metrics`, { method: 'GET', headers: bearer(app.tokens!.viewer) });
    expect(answer.status).toBe(200);
    return answer.text;
  };

  it('counts the calls each vendor saw, by route and outcome, the ones the open breaker kept back, and the breaker state', async () => {
    const greenarrow = app.simulators.simulators.GREENARROW!;
    resetCounters(app);
    const before = await scrape();
    expect(
      samples(before, 'usergraph_vendor_breaker_state').filter(
        (sample) => sample.labels['vendor'] === 'GREENARROW' && sample.value === 1,
      ),
    ).toEqual([{ labels: { vendor: 'GREENARROW', state: 'closed' }, value: 1 }]);

    greenarrow.setFault('*', { status: 500 });
    for (let request = 0; request < 4; request += 1) {
      const answer = await graphql(app, PERMISSIONS);
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(new Set(answer.errors!.map((error) => error.extensions?.['source']))).toEqual(new Set(['GREENARROW']));
    }
    const after = await scrape();

    // Sent calls, by route: what GreenArrow counted. Every one failed with VENDOR_UNAVAILABLE.
    const sentByRoute = growth(
      sumBy(before, 'usergraph_vendor_calls_total', { vendor: 'GREENARROW' }, 'route'),
      sumBy(after, 'usergraph_vendor_calls_total', { vendor: 'GREENARROW' }, 'route'),
    );
    expect(sentByRoute).toEqual(greenarrow.calls());
    expect(Object.keys(sentByRoute).length).toBeGreaterThan(0);
    const sentByOutcome = growth(
      sumBy(before, 'usergraph_vendor_calls_total', { vendor: 'GREENARROW' }, 'outcome'),
      sumBy(after, 'usergraph_vendor_calls_total', { vendor: 'GREENARROW' }, 'outcome'),
    );
    expect(Object.keys(sentByOutcome)).toEqual(['VENDOR_UNAVAILABLE']);
    // The other vendors' counters grew by exactly what they saw too.
    for (const [source, simulator] of Object.entries(app.simulators.simulators)) {
      const grown = growth(
        sumBy(before, 'usergraph_vendor_calls_total', { vendor: source }, 'route'),
        sumBy(after, 'usergraph_vendor_calls_total', { vendor: source }, 'route'),
      );
      expect([source, grown]).toEqual([source, simulator.calls()]);
    }
    // The durations were observed once per call sent.
    const observed = growth(
      sumBy(before, 'usergraph_vendor_call_duration_seconds_count', { vendor: 'GREENARROW' }, 'route'),
      sumBy(after, 'usergraph_vendor_call_duration_seconds_count', { vendor: 'GREENARROW' }, 'route'),
    );
    expect(observed).toEqual(greenarrow.calls());

    // Once open, the breaker kept calls back: counted as not sent, never as calls.
    const notSent = growth(
      sumBy(before, 'usergraph_vendor_calls_not_sent_total', { vendor: 'GREENARROW' }, 'reason'),
      sumBy(after, 'usergraph_vendor_calls_not_sent_total', { vendor: 'GREENARROW' }, 'reason'),
    );
    expect(notSent['circuit-open']).toBeGreaterThan(0);
    expect(
      Object.values(
        growth(
          sumBy(before, 'usergraph_vendor_retries_total', { vendor: 'GREENARROW' }, 'reason'),
          sumBy(after, 'usergraph_vendor_retries_total', { vendor: 'GREENARROW' }, 'reason'),
        ),
      ).reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0);
    expect(
      samples(after, 'usergraph_vendor_breaker_state').filter((sample) => sample.labels['vendor'] === 'GREENARROW'),
    ).toEqual([
      { labels: { vendor: 'GREENARROW', state: 'closed' }, value: 0 },
      { labels: { vendor: 'GREENARROW', state: 'half_open' }, value: 0 },
      { labels: { vendor: 'GREENARROW', state: 'open' }, value: 1 },
    ]);
    for (const vendor of ['RAINMAKER', 'ENGAGEMENT', 'USER_MANAGEMENT']) {
      expect(
        samples(after, 'usergraph_vendor_breaker_state').filter(
          (sample) => sample.labels['vendor'] === vendor && sample.value === 1,
        ),
      ).toEqual([{ labels: { vendor, state: 'closed' }, value: 1 }]);
    }
    // GraphQL saw partial answers: data, with GreenArrow's fields in error.
    expect(
      growth(
        sumBy(before, 'usergraph_graphql_operations_total', { type: 'query' }, 'outcome'),
        sumBy(after, 'usergraph_graphql_operations_total', { type: 'query' }, 'outcome'),
      ),
    ).toEqual({ partial: 4 });
  });

  it('makes /readyz answer 503 naming the vendor whose breaker is open', async () => {
    const ready = await rawRequest(`${origin}/readyz`, { method: 'GET' });
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({
      status: 'not ready',
      checks: expect.arrayContaining([
        { check: 'vendor', source: 'GREENARROW', ok: false, detail: 'breaker open' },
        { check: 'vendor', source: 'ENGAGEMENT', ok: true, detail: 'breaker closed' },
        { check: 'database', ok: true, detail: 'answering' },
        { check: 'shutdown', ok: true, detail: 'running' },
      ]),
    });
  });

  it('with READINESS_REQUIRES_VENDORS=false, stays ready and still lists the open breaker', async () => {
    const tolerant = await bootGateway({
      GREENARROW_BREAKER_THRESHOLD: '1',
      GREENARROW_BREAKER_HALF_OPEN_MS: '600000',
      READINESS_REQUIRES_VENDORS: 'false',
      MIRROR_REFRESH_INTERVAL_S: '0',
    });
    try {
      tolerant.simulators.simulators.GREENARROW!.setFault('*', { status: 503 });
      await graphql(tolerant, PERMISSIONS);
      const ready = await rawRequest(`${new URL(tolerant.url).origin}/readyz`, { method: 'GET' });
      expect(ready.status).toBe(200);
      expect(ready.json).toMatchObject({
        status: 'ready',
        checks: expect.arrayContaining([{ check: 'vendor', source: 'GREENARROW', ok: true, detail: 'breaker open' }]),
      });
    } finally {
      await tolerant.stop();
    }
  });
});
