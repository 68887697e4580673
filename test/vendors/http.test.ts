import { Pool } from 'undici';
import { z } from 'zod';
import { silentLogger } from '../../src/platform/logger';
import { runInRequest, type RequestScope } from '../../src/platform/request-context';
import type { VendorError } from '../../src/vendors/transport/errors';
import { VendorHttp, type VendorHttpOptions } from '../../src/vendors/transport/http';
import { Simulator } from '../../src/simulators/kit/framework';
import { eventually } from '../helpers/eventually';

/** A vendor-less simulator: the transport's behaviour does not depend on any vendor. */
function echoSimulator(): Simulator {
  return new Simulator({ name: 'echo', errorResponse: (status, message) => ({ status, body: { error: message } }) })
    .route('read', 'GET', '/things/:id', (request) => ({
      status: 200,
      body: { id: request.params['id'], auth: request.headers['x-test-auth'] ?? null },
    }))
    .route('write', 'POST', '/things', (request) => ({ status: 201, body: { received: JSON.parse(request.rawBody) } }))
    .route('raw', 'GET', '/raw', (request) => ({ status: 200, raw: request.query.get('text') ?? '' }));
}

const thingSchema = z.object({ id: z.string(), auth: z.string().nullable() });

describe('VendorHttp over a real HTTP simulator', () => {
  const sim = echoSimulator();
  let pool: Pool;
  let http: VendorHttp;

  function transport(overrides: Partial<VendorHttpOptions> = {}): VendorHttp {
    return new VendorHttp({
      source: 'GREENARROW',
      baseUrl: sim.url,
      // Generous: a shared machine can stall a healthy request; only hang tests use a short deadline.
      timeoutMs: 5_000,
      retries: 2,
      connections: 4,
      authorize: (request) => ({ ...request, headers: { ...request.headers, 'x-test-auth': 'signed' } }),
      logger: silentLogger,
      dispatcher: pool,
      ...overrides,
    });
  }

  beforeAll(async () => {
    await sim.listen();
    pool = new Pool(new URL(sim.url).origin, { connections: 4 });
    http = transport();
  });
  afterAll(async () => {
    await pool.destroy();
    await sim.close();
  });
  beforeEach(() => {
    sim.resetCalls();
    sim.clearFaults();
  });

  it('sends through the authorizer and decodes a body against its schema', async () => {
    const response = await http.send({ route: 'read', method: 'GET', path: '/things/42' });
    expect(http.decode(response, thingSchema, 'read')).toEqual({ id: '42', auth: 'signed' });
    expect(sim.calls('read')).toBe(1);
    expect(http.health.lastLatencyMs).not.toBeNull();
  });

  it('serialises JSON bodies with their content type', async () => {
    const response = await http.send({ route: 'write', method: 'POST', path: '/things', json: { name: 'x' } });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.text)).toEqual({ received: { name: 'x' } });
  });

  it('retries an idempotent read on a 5xx, then fails with VENDOR_UNAVAILABLE', async () => {
    sim.setFault('read', { status: 503 });
    await expect(http.send({ route: 'read', method: 'GET', path: '/things/1' })).rejects.toMatchObject({
      code: 'VENDOR_UNAVAILABLE',
      source: 'GREENARROW',
      status: 503,
      retryable: true,
    });
    expect(sim.calls('read')).toBe(3);
    expect(http.health.lastError?.code).toBe('VENDOR_UNAVAILABLE');
  });

  it('never retries a write', async () => {
    sim.setFault('write', { status: 500 });
    await expect(http.send({ route: 'write', method: 'POST', path: '/things', json: {} })).rejects.toMatchObject({
      code: 'VENDOR_UNAVAILABLE',
    });
    expect(sim.calls('write')).toBe(1);
  });

  it('turns a hung vendor into VENDOR_TIMEOUT and leaves no socket or timer behind', async () => {
    // Its own simulator and pool, with no earlier traffic, so every timer and socket is this call's.
    const hung = echoSimulator();
    const url = await hung.listen();
    hung.setFault('write', { hang: true });
    const ownPool = new Pool(new URL(url).origin, { connections: 1 });
    const impatient = transport({ baseUrl: url, timeoutMs: 250, dispatcher: ownPool });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const timersBefore = timers();
    try {
      await expect(impatient.send({ route: 'write', method: 'POST', path: '/things', json: {} })).rejects.toMatchObject(
        {
          code: 'VENDOR_TIMEOUT',
          // On a busy machine the call may wait for its connection first: the deadline is what is left of 250 ms.
          message: expect.stringMatching(
            /^GREENARROW: write did not answer within \d+ ms(, what was left of its 250 ms timeout after \d+ ms waiting for a connection)?$/,
          ),
        },
      );
      // Nothing is left in flight (undici handles the abort on a later tick: wait a bounded number of turns).
      await eventually(
        () => ownPool.stats.running === 0 && ownPool.stats.pending === 0,
        'the pool to have nothing in flight',
      );
      // An idle keep-alive connection may remain, as after any call; closing the pool ends it and every timer.
      await ownPool.destroy();
      await eventually(async () => (await hung.openConnections()) === 0, 'every socket to close');
      // undici retires its shared timer on a tick of its own, up to a second later.
      await eventually(() => timers() <= timersBefore, "the call's timers to be gone");
    } finally {
      if (!ownPool.destroyed) await ownPool.destroy();
      await hung.close();
    }
  });

  it("does not retry a timed-out read (the deadline is the caller's budget)", async () => {
    sim.setFault('read', { hang: true });
    await expect(
      transport({ timeoutMs: 250 }).send({ route: 'read', method: 'GET', path: '/things/1' }),
    ).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT' });
    expect(sim.calls('read')).toBe(1);
  });

  it('answers VENDOR_BAD_RESPONSE for a body that is not JSON or does not fit the contract', async () => {
    sim.setFault('read', { malformed: 'json' });
    const notJson = await http.send({ route: 'read', method: 'GET', path: '/things/1' });
    expect(() => http.decode(notJson, thingSchema, 'read')).toThrow(
      expect.objectContaining({ code: 'VENDOR_BAD_RESPONSE' }),
    );
    sim.setFault('read', { malformed: 'shape' });
    const wrongShape = await http.send({ route: 'read', method: 'GET', path: '/things/1' });
    expect(() => http.decode(wrongShape, thingSchema, 'read')).toThrow(/does not match its contract at id/);
  });

  it('answers VENDOR_UNAVAILABLE when nothing listens', async () => {
    const closed = new Simulator({ name: 'closed', errorResponse: (status) => ({ status }) });
    const url = await closed.listen();
    await closed.close();
    const unreachable = new VendorHttp({
      source: 'ENGAGEMENT',
      baseUrl: url,
      timeoutMs: 1_000,
      retries: 0,
      connections: 1,
      authorize: (request) => request,
      logger: silentLogger,
    });
    try {
      await expect(unreachable.send({ route: 'read', method: 'GET', path: '/things/1' })).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        message: 'ENGAGEMENT: read could not be reached (ECONNREFUSED)',
      });
    } finally {
      await unreachable.close();
    }
  });

  it('keeps the base URL path prefix and encodes query values', async () => {
    const prefixed = new Simulator({ name: 'prefixed', errorResponse: (status) => ({ status }) }).route(
      'q',
      'GET',
      '/api/pub/q',
      (request) => ({
        status: 200,
        body: Object.fromEntries(request.query),
      }),
    );
    const url = await prefixed.listen();
    const client = new VendorHttp({
      source: 'USER_MANAGEMENT',
      baseUrl: `${url}/api`,
      timeoutMs: 1_000,
      retries: 0,
      connections: 1,
      authorize: (r) => r,
      logger: silentLogger,
    });
    try {
      const response = await client.send({
        route: 'q',
        method: 'GET',
        path: '/pub/q',
        query: { name: 'a b&c', page: 2, skip: undefined },
      });
      expect(JSON.parse(response.text)).toEqual({ name: 'a b&c', page: '2' });
    } finally {
      await client.close();
      await prefixed.close();
    }
  });

  it("cuts secrets it sent, its credentials, the request's values and email addresses from a 5xx body it keeps for the log", async () => {
    const password = 'Sent-Pass-"quoted"-1';
    const scope: RequestScope = {
      requestId: 'req-1',
      actor: null,
      clientAddress: null,
      carried: new Set(['carried-value-123']),
      vendorCallsLeft: null,
    };
    sim.setFault('write', { status: 500, echo: true });
    const withCredentials = transport({ credentials: ['api-key-value-42', undefined] });
    const error = await runInRequest(scope, () =>
      withCredentials.send({
        route: 'write',
        method: 'POST',
        path: '/things',
        json: {
          user: { new_password: password },
          note: 'carried-value-123 api-key-value-42',
          email: 'someone@example.org',
        },
      }),
    ).then(
      () => Promise.reject(new Error('the write should have failed')),
      (failure: unknown) => failure as VendorError,
    );
    expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', message: 'GREENARROW: write answered HTTP 500' });
    expect(error.vendorMessage).toContain('Injected failure');
    for (const secret of [
      password,
      JSON.stringify(password).slice(1, -1),
      'carried-value-123',
      'api-key-value-42',
      'someone@example.org',
    ]) {
      expect(error.vendorMessage).not.toContain(secret);
    }
    expect(error.vendorMessage).toContain('[email]');
    // Logged as an `err`, an error carries no vendor words at all.
    expect(JSON.stringify(error)).not.toContain('Injected failure');
  });

  describe("the request's vendor-call budget", () => {
    const scope = (vendorCallsLeft: number | null): RequestScope => ({
      requestId: 'req-budget',
      actor: null,
      clientAddress: null,
      carried: new Set(),
      vendorCallsLeft,
    });

    it('takes one call per attempt, retries included, and refuses the call that would overdraw it without sending it', async () => {
      sim.setFault('read', { status: 503 });
      const budget = scope(2);
      await expect(
        runInRequest(budget, () => http.send({ route: 'read', method: 'GET', path: '/things/1' })),
      ).rejects.toMatchObject({
        code: 'VENDOR_CALL_BUDGET_EXCEEDED',
        source: 'GREENARROW',
        retryable: false,
      });
      expect(sim.calls('read')).toBe(2);
      expect(budget.vendorCallsLeft).toBe(0);
      sim.clearFaults();
      await expect(
        runInRequest(budget, () => http.send({ route: 'read', method: 'GET', path: '/things/2' })),
      ).rejects.toMatchObject({ code: 'VENDOR_CALL_BUDGET_EXCEEDED' });
      await expect(runInRequest(budget, () => http.probe())).rejects.toMatchObject({
        code: 'VENDOR_CALL_BUDGET_EXCEEDED',
      });
      expect(sim.calls()).toEqual({ read: 2 });
      // A refused budget says nothing about the vendor's health.
      expect(http.health.lastError?.code).not.toBe('VENDOR_CALL_BUDGET_EXCEEDED');
    });

    it('counts probes, and sets no limit outside a request or with a null budget', async () => {
      const budget = scope(1);
      await expect(runInRequest(budget, () => http.probe())).resolves.toBe(true);
      expect(budget.vendorCallsLeft).toBe(0);
      await expect(http.send({ route: 'read', method: 'GET', path: '/things/3' })).resolves.toMatchObject({
        status: 200,
      });
      await expect(
        runInRequest(scope(null), () => http.send({ route: 'read', method: 'GET', path: '/things/4' })),
      ).resolves.toMatchObject({ status: 200 });
      expect(sim.calls('read')).toBe(2);
    });
  });

  it('validates its options when constructed', () => {
    expect(() => transport({ timeoutMs: 0 })).toThrow(
      'VendorHttp(GREENARROW): timeoutMs must be a positive integer, got 0',
    );
  });
});

describe('Simulator framework', () => {
  const sim = echoSimulator();
  beforeAll(() => sim.listen());
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.resetCalls();
    sim.clearFaults();
  });

  it('logs overlapping calls with their start and end times', async () => {
    // Long enough that the second request starts before the first ends, even on a loaded machine.
    sim.setFault('read', { latencyMs: 500 });
    const base = sim.url;
    await Promise.all(
      [fetch(`${base}/things/1`), fetch(`${base}/things/2`)].map(async (pending) => (await pending).text()),
    );
    const [first, second] = sim.callLog('read');
    expect(first.endedAt).not.toBeNull();
    expect(second.startedAt).toBeLessThan(first.endedAt!);
    expect(first.startedAt).toBeLessThan(second.endedAt!);
  });

  it('counts unmatched paths and answers them with the vendor error shape', async () => {
    const response = await fetch(`${sim.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'No route for GET /nowhere' });
    expect(sim.calls()).toEqual({ '(unmatched)': 1 });
  });

  it('applies an injected status with its probability', async () => {
    const coin = new Simulator({
      name: 'coin',
      errorResponse: (status) => ({ status, body: {} }),
      random: () => 0.5,
    }).route('r', 'GET', '/r', () => ({ status: 200, body: {} }));
    const url = await coin.listen();
    try {
      coin.setFault('r', { status: 500, probability: 0.4 });
      expect((await fetch(`${url}/r`)).status).toBe(200);
      coin.setFault('r', { status: 500, probability: 0.6 });
      expect((await fetch(`${url}/r`)).status).toBe(500);
    } finally {
      await coin.close();
    }
  });

  it('refuses a second route for the same method and path', () => {
    expect(() => echoSimulator().route('again', 'GET', '/things/:id', () => ({ status: 200 }))).toThrow(
      'echo: route GET /things/:id is registered twice',
    );
  });

  it('refuses faults on routes it does not have, naming the ones it has', () => {
    expect(() => sim.setFault('delete', { hang: true })).toThrow(
      'echo: no route named "delete" (routes: read, write, raw)',
    );
    expect(() => sim.setFault('read', { latency: 5 } as never)).toThrow();
  });

  it('answers 413 for a body over its limit instead of buffering it', async () => {
    const small = new Simulator({
      name: 'small',
      maxBodyBytes: 10,
      errorResponse: (status, message) => ({ status, body: { message } }),
    }).route('w', 'POST', '/w', () => ({ status: 200 }));
    const url = await small.listen();
    try {
      const response = await fetch(`${url}/w`, { method: 'POST', body: 'x'.repeat(100) });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('drops hung connections when it closes', async () => {
    const hanging = echoSimulator();
    const url = await hanging.listen();
    hanging.setFault('read', { hang: true });
    const pending = fetch(`${url}/things/1`).then(
      () => 'answered',
      () => 'dropped',
    );
    await eventually(() => hanging.calls('read') === 1, 'the read to reach the simulator');
    await hanging.close();
    await expect(pending).resolves.toBe('dropped');
  });
});
