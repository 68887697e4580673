import { Pool } from 'undici';
import { z } from 'zod';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/platform/logger';
import { runInRequest, type RequestScope } from '../../src/platform/request-context';
import { VendorUnavailableError, type VendorError } from '../../src/vendors/transport/errors';
import { VendorHttp, type VendorHttpOptions } from '../../src/vendors/transport/http';
import {
  NO_OBSERVER,
  type AttemptOutcome,
  type CircuitState,
  type RetryInfo,
  type VendorObserver,
} from '../../src/vendors/transport/observer';
import { OutboundRateLimit } from '../../src/vendors/transport/rate-limit';
import { retryAfterMs, type RetryAfterPause } from '../../src/vendors/transport/retry-after';
import { VendorRetry } from '../../src/vendors/transport/retry';
import { Simulator } from '../../src/simulators/kit/framework';
import { eventually } from '../helpers/eventually';

/**
 * The vendor transport's policies, one at a time, against a vendor-less simulator over real HTTP:
 * what is retried and how often, the Retry-After pause, the breaker, the bulkhead, the rate limit,
 * the request's time budget and the cap on an answer's size. Counts are the simulator's; the
 * observer's events say what the transport did without sending.
 */
function thingSimulator(): Simulator {
  return new Simulator({ name: 'things', errorResponse: (status, message) => ({ status, body: { error: message } }) })
    .route('read', 'GET', '/things/:id', (request) => ({ status: 200, body: { id: request.params['id'] } }))
    .route('write', 'POST', '/things', () => ({ status: 201, body: { id: 'new' } }));
}

const READ = { route: 'read', method: 'GET', path: '/things/1' } as const;
const WRITE = { route: 'write', method: 'POST', path: '/things', json: { name: 'x' } } as const;

/** Rejects with the VendorError a call failed with, or fails the test when it succeeded. */
async function failure(call: Promise<unknown>): Promise<VendorError> {
  return call.then(
    () => Promise.reject(new Error('the call should have failed')),
    (error: unknown) => error as VendorError,
  );
}

function scope(deadlineAt: number | null): RequestScope {
  return {
    requestId: 'transport-test',
    actor: null,
    clientAddress: null,
    carried: new Set(),
    vendorCallsLeft: null,
    deadlineAt,
  };
}

describe("the vendor transport's resilience policies", () => {
  const sim = thingSimulator();
  const transports: VendorHttp[] = [];
  const finished: AttemptOutcome[] = [];
  const retried: RetryInfo[] = [];
  const breaker: CircuitState[] = [];
  const credentials: boolean[] = [];

  /** A transport of its own (a pool, a breaker, a pause), watched by the arrays above. */
  function transport(overrides: Partial<VendorHttpOptions> = {}): VendorHttp {
    const http = new VendorHttp({
      source: 'GREENARROW',
      baseUrl: sim.url,
      timeoutMs: 5_000,
      retries: 2,
      connections: 4,
      authorize: (request) => request,
      logger: silentLogger,
      observer: {
        finished: (event) => finished.push(event),
        retried: (event) => retried.push(event),
        breakerChanged: (event) => breaker.push(event.state),
        credentialsChanged: (event) => credentials.push(event.rejected),
      },
      ...overrides,
      resilience: { retryBaseDelayMs: 10, retryMaxDelayMs: 50, ...overrides.resilience },
    });
    transports.push(http);
    return http;
  }

  beforeAll(() => sim.listen());
  afterAll(async () => {
    await Promise.all(transports.map((http) => http.close()));
    await sim.close();
  });
  beforeEach(() => {
    sim.resetCalls();
    sim.clearFaults();
    finished.length = 0;
    retried.length = 0;
    breaker.length = 0;
    credentials.length = 0;
  });

  describe('retries', () => {
    it('retries a read whose connection was reset, and succeeds once the vendor answers', async () => {
      sim.setFault('read', { reset: true, times: 1 });
      const response = await transport().send(READ);
      expect(response.status).toBe(200);
      expect(sim.calls('read')).toBe(2);
      expect(retried).toEqual([expect.objectContaining({ route: 'read', attempt: 1, reason: 'VENDOR_UNAVAILABLE' })]);
    });

    it('gives up on a read after its retries, and says the connection was lost', async () => {
      sim.setFault('read', { reset: true });
      const error = await failure(transport().send(READ));
      expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
      expect(error.message).toMatch(/^GREENARROW: read lost its connection \(/);
      expect(error.unsent).toBeUndefined();
      expect(sim.calls('read')).toBe(3);
    });

    it('never resends a write that may have reached the vendor (a reset, a 5xx)', async () => {
      sim.setFault('write', { reset: true });
      await expect(transport().send(WRITE)).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      sim.setFault('write', { status: 502 });
      await expect(transport().send(WRITE)).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', status: 502 });
      expect(sim.calls('write')).toBe(2);
      expect(retried).toEqual([]);
    });

    it('retries a write whose connection could not even be made: nothing was sent', async () => {
      const nobody = thingSimulator();
      const url = await nobody.listen();
      await nobody.close();
      const error = await failure(transport({ baseUrl: url }).send(WRITE));
      expect(error).toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        unsent: 'no-connection',
        message: 'GREENARROW: write could not be reached (ECONNREFUSED)',
      });
      expect(finished.map((event) => [event.attempt, event.outcome, event.unsent])).toEqual([
        [1, 'VENDOR_UNAVAILABLE', 'no-connection'],
        [2, 'VENDOR_UNAVAILABLE', 'no-connection'],
        [3, 'VENDOR_UNAVAILABLE', 'no-connection'],
      ]);
    });

    it('retries a write a client marks idempotent like a read', async () => {
      sim.setFault('write', { status: 503, times: 1 });
      await expect(transport().send({ ...WRITE, idempotent: true })).resolves.toMatchObject({ status: 201 });
      expect(sim.calls('write')).toBe(2);
    });

    it('does not retry past its retry window', async () => {
      sim.setFault('read', { status: 500 });
      // The first backoff (at least 10 ms) does not fit in a 1 ms window: one attempt only.
      await expect(transport({ resilience: { retryWindowMs: 1 } }).send(READ)).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        status: 500,
      });
      expect(sim.calls('read')).toBe(1);
    });
  });

  describe('Retry-After', () => {
    it('pauses every call to the vendor for the window a 429 asks for, sending none of them', async () => {
      const http = transport();
      sim.setFault('read', { status: 429, retryAfter: 60 });
      // A minute does not fit in the retry window: the call that met the 429 gives up at once.
      await expect(http.send(READ)).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', status: 429 });
      sim.clearFaults();
      const others = await Promise.all(Array.from({ length: 30 }, () => failure(http.send(READ))));
      for (const error of others)
        expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', unsent: 'retry-after', retryable: true });
      expect(others[0].message).toMatch(
        /^GREENARROW: read was not sent: the vendor asked for no calls for another \d+ ms \(Retry-After\)$/,
      );
      await expect(http.probe()).resolves.toBe(false);
      expect(sim.calls()).toEqual({ read: 1 });
      // A 429 is throttling, not an outage: the breaker did not count it.
      expect(http.circuit).toBe('CLOSED');
    });

    it('waits out a short Retry-After before its own retry, when it fits', async () => {
      sim.setFault('read', { status: 503, retryAfter: 1, times: 1 });
      await expect(transport({ resilience: { retryWindowMs: 10_000 } }).send(READ)).resolves.toMatchObject({
        status: 200,
      });
      const [first, second] = sim.callLog('read');
      expect(retried).toEqual([expect.objectContaining({ attempt: 1, reason: 'VENDOR_UNAVAILABLE', status: 503 })]);
      // The wait is the vendor's one second, not the 10-50 ms backoff.
      expect(retried[0].delayMs).toBeGreaterThan(500);
      process.stdout.write(
        `Retry-After: 1 honoured: the retry began ${Math.round(second.startedAt - first.endedAt!)} ms after the 503\n`,
      );
    });

    it('lets a retry that wakes a moment before the pause it waited for ends wait the rest, not be refused', async () => {
      // Timers count whole milliseconds of a monotonic clock and the pause ends at a Date.now()
      // millisecond, so a retry's timer can fire a millisecond before the pause it waited out ends.
      // Here the pause ends 3 ms after the retry's timer, as such a wake-up sees it.
      let pausedUntil = 0;
      const pause = { leftMs: (now: number) => pausedUntil - now } as unknown as RetryAfterPause;
      const observer: VendorObserver = {
        ...NO_OBSERVER,
        retried: () => {
          pausedUntil += 3;
        },
      };
      const retry = new VendorRetry(
        'GREENARROW',
        { retries: 1, baseDelayMs: 1, maxDelayMs: 1, windowMs: 10_000 },
        pause,
        observer,
      );
      const attempts: number[] = [];
      const answer = await retry.execute({ route: 'read', method: 'GET', retrySafe: true }, async (number) => {
        attempts.push(pausedUntil - Date.now());
        if (number === 1) {
          pausedUntil = Date.now() + 30;
          throw new VendorUnavailableError('GREENARROW', 'read answered HTTP 503', { status: 503 });
        }
        return 'answered';
      });
      expect(answer).toBe('answered');
      expect(attempts).toHaveLength(2);
      expect(attempts[1]).toBeLessThanOrEqual(0);
    });

    it('reads delay-seconds and HTTP dates', () => {
      const now = Date.parse('2025-01-01T00:00:00Z');
      expect(retryAfterMs('5', now)).toBe(5_000);
      expect(retryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
      expect(retryAfterMs('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
      expect(retryAfterMs('soon', now)).toBeNull();
      expect(retryAfterMs(undefined, now)).toBeNull();
    });
  });

  describe('the circuit breaker', () => {
    it('opens after the threshold, refuses without sending, and closes after a successful half-open trial', async () => {
      const http = transport({ retries: 0, resilience: { breakerThreshold: 3, breakerHalfOpenMs: 50 } });
      sim.setFault('read', { status: 500 });
      for (let index = 0; index < 3; index += 1) await expect(http.send(READ)).rejects.toMatchObject({ status: 500 });
      expect(http.circuit).toBe('OPEN');
      const refused = await failure(http.send(READ));
      expect(refused).toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        unsent: 'circuit-open',
        message: 'GREENARROW: read was not sent: the circuit breaker is open after 3 failures in a row',
      });
      await expect(http.probe()).resolves.toBe(false);
      expect(sim.calls()).toEqual({ read: 3 });
      // The refusals are not the vendor's failures: its last error is still the 500.
      expect(http.health.lastError).toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        message: 'GREENARROW: read answered HTTP 500',
      });

      sim.clearFaults();
      await eventually(
        async () =>
          await http.send(READ).then(
            () => true,
            () => false,
          ),
        'the half-open trial to go through',
      );
      expect(sim.calls('read')).toBe(4);
      expect(http.circuit).toBe('CLOSED');
      expect(breaker).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
    });

    it('lets one trial through while half-open and refuses the rest until it ends', async () => {
      const http = transport({
        retries: 0,
        timeoutMs: 2_000,
        resilience: { breakerThreshold: 1, breakerHalfOpenMs: 1 },
      });
      sim.setFault('read', { status: 500, times: 1 });
      await expect(http.send(READ)).rejects.toMatchObject({ status: 500 });
      sim.setFault('read', { latencyMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const trial = http.send(READ);
      await eventually(() => sim.calls('read') === 2, 'the trial to reach the vendor');
      expect(http.circuit).toBe('HALF_OPEN');
      const during = await Promise.all(Array.from({ length: 5 }, () => failure(http.send(READ))));
      for (const error of during) expect(error.unsent).toBe('circuit-open');
      await expect(trial).resolves.toMatchObject({ status: 200 });
      expect(sim.calls('read')).toBe(2);
      expect(http.circuit).toBe('CLOSED');
    });

    it('counts neither 4xx answers nor answers it cannot read', async () => {
      const http = transport({ retries: 0, resilience: { breakerThreshold: 2, maxResponseBytes: 1_024 } });
      sim.setFault('read', { status: 404 });
      for (let index = 0; index < 3; index += 1) await http.send(READ);
      sim.setFault('read', { oversizedBytes: 10_000 });
      for (let index = 0; index < 3; index += 1)
        await expect(http.send(READ)).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
      expect(http.circuit).toBe('CLOSED');
    });
  });

  describe('the bulkhead and the rate limit', () => {
    it('queues what its connections cannot take, and refuses with VENDOR_BUSY past the queue, sending nothing', async () => {
      const http = transport({ connections: 1, resilience: { queue: 1 } });
      sim.setFault('read', { latencyMs: 200 });
      const outcomes = await Promise.all(
        [http.send(READ), http.send(READ), http.send(READ)].map((call) =>
          call.then(
            () => 'ok',
            (error: VendorError) => error.code,
          ),
        ),
      );
      expect(outcomes.sort()).toEqual(['VENDOR_BUSY', 'ok', 'ok']);
      expect(sim.calls('read')).toBe(2);
      const busy = finished.find((event) => event.outcome === 'VENDOR_BUSY');
      expect(busy).toMatchObject({ unsent: 'busy' });
    });

    it("sends, counts and logs a retry that waited for a connection as its own request's, not as the request whose call freed it", async () => {
      // One connection. Request A's read is reset and its retry waits for the connection, which
      // request B's slow write holds. The retry used to start from B's call as it ended, and so ran
      // as B: it took a call from B's budget, B's time budget bounded it, and its log line named B,
      // which then seemed to have retried once more than its policy allows.
      const lines: { msg?: string; requestId?: string }[] = [];
      const logger = createLogger({
        level: 'debug',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
            done();
          },
        }),
      });
      const a = { ...scope(Date.now() + 10_000), requestId: 'request-a', vendorCallsLeft: 10 };
      const b = { ...scope(Date.now() + 10_000), requestId: 'request-b', vendorCallsLeft: 10 };
      sim.setFault('read', { reset: true, times: 1 });
      sim.setFault('write', { latencyMs: 200 });
      let slowWrite: Promise<unknown> | undefined;
      const http = transport({
        connections: 1,
        logger,
        observer: {
          // As soon as A's first attempt has failed, B takes the connection before A's retry.
          finished: (event) => {
            if (event.route === 'read' && event.attempt === 1)
              slowWrite = runInRequest(b, () => http.send({ ...WRITE, idempotent: true }));
          },
        },
      });
      await expect(runInRequest(a, () => http.send(READ))).resolves.toMatchObject({ status: 200 });
      await slowWrite;
      expect(sim.callLog().map((call) => call.route)).toEqual(['read', 'write', 'read']);
      expect([a.vendorCallsLeft, b.vendorCallsLeft]).toEqual([8, 9]);
      const calls = lines.filter((line) => line.msg === 'vendor call').map((line) => line.requestId);
      expect(calls.sort()).toEqual(['request-a', 'request-b']);
    });

    it('serves waiting requests in turn: a page of single reads does not hold up a request that came after it', async () => {
      const http = transport({ connections: 1 });
      sim.setFault('read', { latencyMs: 30 });
      const page = runInRequest(scope(null), () =>
        Promise.all(Array.from({ length: 6 }, (_, index) => http.send({ ...READ, path: `/things/page-${index}` }))),
      );
      await eventually(() => sim.calls('read') === 1, 'the page to take the connection');
      await runInRequest(scope(null), () => http.send({ ...READ, path: '/things/other' }));
      await page;
      const order = sim.callLog('read').map((call) => call.path);
      // Its one read came second: the page's five waiting reads did not all go first.
      expect(order.indexOf('/things/other')).toBe(1);
    });

    it('counts the wait for a connection against the vendor timeout: wait and attempt together end within it', async () => {
      const http = transport({ connections: 1, timeoutMs: 400 });
      sim.setFault('read', { latencyMs: 150, times: 1 });
      const first = http.send(READ);
      await eventually(() => sim.calls('read') === 1, 'the first read to hold the connection');
      sim.setFault('read', { hang: true });
      const error = await failure(http.send(READ));
      await first;
      expect(error.code).toBe('VENDOR_TIMEOUT');
      const [, deadline, waited] = /within (\d+) ms, what was left of its 400 ms timeout after (\d+) ms waiting/
        .exec(error.message)!
        .map(Number);
      expect(deadline + waited).toBeGreaterThanOrEqual(399);
      expect(deadline + waited).toBeLessThanOrEqual(401);
      // A call that waits all it may for a connection (here, what is left of its request's budget)
      // is refused with VENDOR_BUSY, unsent.
      const held = http.send(READ).catch((caught: VendorError) => caught);
      const refused = await failure(runInRequest(scope(Date.now() + 150), () => http.send(READ)));
      expect(refused).toMatchObject({ code: 'VENDOR_BUSY', unsent: 'busy' });
      expect(refused.message).toMatch(/^GREENARROW: read was not sent: no connection came free within 1[0-5]\d ms$/);
      await held;
      expect(sim.calls('read')).toBe(3);
    });

    it('refuses a call whose rate-limit turn would come after the request must be answered', async () => {
      const http = transport({ resilience: { rateLimitPerSecond: 1 } });
      const request = scope(Date.now() + 10_000);
      // One call a second, bursts of one: the first goes at once, the second would wait about a second.
      await runInRequest(request, () => http.send(READ));
      request.deadlineAt = Date.now() + 300;
      await expect(runInRequest(request, () => http.send(READ))).rejects.toMatchObject({
        code: 'VENDOR_BUSY',
        unsent: 'busy',
        retryable: true,
      });
      expect(sim.calls('read')).toBe(1);
    });

    it('spaces calls by the limit and allows a burst of as many as a second holds', () => {
      const limit = new OutboundRateLimit(4);
      const waits = Array.from({ length: 6 }, () => limit.reserve(1_000, Infinity));
      expect(waits).toEqual([0, 0, 0, 0, 250, 500]);
      expect(limit.reserve(1_000, 100)).toBeNull();
    });
  });

  describe("the vendor's verdict on the gateway's credentials", () => {
    it('stops calling a vendor that refuses the credentials until a trial call is accepted, saying so once', async () => {
      const lines: { level?: number; msg?: string }[] = [];
      const logger = createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
            done();
          },
        }),
      });
      const http = transport({ logger, resilience: { breakerHalfOpenMs: 200 } });
      sim.setFault('read', { status: 401 });
      await expect(http.send(READ)).resolves.toMatchObject({ status: 401 });
      expect([http.credentialsRejected, credentials]).toEqual([true, [true]]);
      // Refused without being sent, like an open breaker; the breaker itself is not involved.
      const refused = await Promise.all(Array.from({ length: 5 }, () => failure(http.send(READ))));
      for (const error of refused)
        expect(error).toMatchObject({ code: 'VENDOR_UNAUTHORIZED', unsent: 'credentials-rejected' });
      expect(sim.calls('read')).toBe(1);
      expect(http.circuit).toBe('CLOSED');
      // After the hold one trial goes through; still refused, it starts another hold, with no new line.
      await eventually(
        async () =>
          (await http.send(READ).then(
            () => true,
            () => false,
          )) && sim.calls('read') === 2,
        'a trial',
      );
      expect(http.credentialsRejected).toBe(true);
      // Restored: the next trial is accepted and calls flow again.
      sim.clearFaults();
      await eventually(async () => {
        await http.send(READ).catch(() => undefined);
        return !http.credentialsRejected;
      }, 'the credentials to be accepted again');
      await expect(http.send(READ)).resolves.toMatchObject({ status: 200 });
      expect(credentials).toEqual([true, false]);
      expect(lines.filter((line) => (line.level ?? 0) >= 50).map((line) => line.msg)).toEqual([
        "the vendor refused the gateway's credentials: calls to it stop until a trial call is accepted; check this vendor's credentials settings",
      ]);
    });
  });

  describe("the request's time budget", () => {
    it('cuts an attempt at the deadline and sends nothing once it has passed', async () => {
      const http = transport();
      sim.setFault('read', { hang: true });
      const error = await failure(runInRequest(scope(Date.now() + 200), () => http.send(READ)));
      expect(error.code).toBe('VENDOR_TIMEOUT');
      expect(error.message).toMatch(
        /^GREENARROW: read did not answer within \d+ ms, what was left of the request's time budget$/,
      );
      const late = await failure(runInRequest(scope(Date.now() - 1), () => http.send(WRITE)));
      expect(late).toMatchObject({
        code: 'VENDOR_TIMEOUT',
        unsent: 'time-budget',
        message: "GREENARROW: write was not sent: the request's time budget is spent",
      });
      expect(sim.calls()).toEqual({ read: 1 });
    });

    it('does not wait for a retry that would end past the deadline', async () => {
      sim.setFault('read', { status: 503, retryAfter: 5 });
      await expect(
        runInRequest(scope(Date.now() + 2_000), () => transport({ resilience: { retryWindowMs: 60_000 } }).send(READ)),
      ).rejects.toMatchObject({ status: 503 });
      expect(sim.calls('read')).toBe(1);
    });
  });

  describe('answers', () => {
    it('cuts off a streamed answer once it is over its size limit, and reads nothing more', async () => {
      const http = transport({ resilience: { maxResponseBytes: 64 * 1_024 } });
      sim.setFault('read', { oversizedBytes: 8 * 1_024 * 1_024 });
      const error = await failure(http.send(READ));
      expect(error).toMatchObject({
        code: 'VENDOR_BAD_RESPONSE',
        message: 'GREENARROW: read answered more than 65536 bytes; the rest was not read',
      });
      expect(sim.calls('read')).toBe(1);
      // The simulator stops writing (and ends the call) once the connection is gone, long before 8 MiB.
      await eventually(() => sim.callLog('read')[0].endedAt !== null, 'the simulator to stop writing');
    });

    it('refuses an answer whose content type is not JSON', async () => {
      const http = transport();
      sim.setFault('read', { contentType: 'text/html; charset=utf-8' });
      const response = await http.send(READ);
      expect(() => http.decode(response, z.unknown(), 'read')).toThrow(
        expect.objectContaining({
          code: 'VENDOR_BAD_RESPONSE',
          message: 'GREENARROW: read answered HTTP 200 with content type text/html, not JSON',
        }),
      );
    });

    it('treats a very slow body as a timeout and does not retry it', async () => {
      sim.setFault('read', { slowBodyMs: 100 });
      await expect(transport({ timeoutMs: 300 }).send(READ)).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT' });
      sim.setFault('read', { slowBodyMs: 1_000 });
      const error = await failure(transport({ resilience: { bodyTimeoutMs: 100 } }).send(READ));
      expect(error).toMatchObject({
        code: 'VENDOR_TIMEOUT',
        message: 'GREENARROW: read paused its body for over 100 ms',
      });
      expect(sim.calls('read')).toBe(2);
    });
  });

  it('validates its policy when constructed', () => {
    expect(() => transport({ resilience: { breakerThreshold: 0 } })).toThrow(
      'VendorHttp(GREENARROW): resilience.breakerThreshold must be an integer from 1 to 1000000, got 0',
    );
    expect(() => transport({ connections: 0 })).toThrow(
      'VendorHttp(GREENARROW): connections must be a positive integer, got 0',
    );
  });

  it('leaves no socket behind once closed', async () => {
    const own = thingSimulator();
    const url = await own.listen();
    try {
      const pool = new Pool(new URL(url).origin, { connections: 2 });
      const http = transport({ baseUrl: url, dispatcher: pool });
      await Promise.all([http.send(READ), http.send(READ)]);
      await pool.destroy();
      await eventually(async () => (await own.openConnections()) === 0, 'every socket to close');
    } finally {
      await own.close();
    }
  });
});
