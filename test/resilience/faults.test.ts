import type { GraphQLFormattedError } from 'graphql';
import type { Source } from '../../src/domain/types';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * The fault suite: every fault, driven through a simulator and a GraphQL
 * request over real HTTP, against a gateway with the default policy (two retries of a read, no
 * retry of a write) and a one-second vendor timeout. For each: the failing vendor's fields carry the
 * code, the other vendors' fields resolve, the failing vendor got exactly the calls the policy
 * allows (the simulators count them per route), and `createUser` never sends a create twice.
 *
 * Each case boots its own gateway (a third of a second), so no breaker, pause or fault outlives it.
 */
const ENV = { VENDOR_TIMEOUT_MS: '1000' };

/** Ada is at all four vendors: user-management answers username and displayName, GreenArrow permissions, Engagement (from the mirror) firstName and subscriptions. */
const USER_QUERY =
  '{ user(email: "ada.lovelace0@example.com") { email username displayName firstName subscriptions { email } permissions { api } } }';
const FIELDS: Record<'USER_MANAGEMENT' | 'GREENARROW', string[]> = {
  USER_MANAGEMENT: ['username', 'displayName'],
  GREENARROW: ['permissions'],
};
const OTHERS: Record<'USER_MANAGEMENT' | 'GREENARROW', string[]> = {
  USER_MANAGEMENT: ['permissions', 'firstName', 'subscriptions'],
  GREENARROW: ['username', 'displayName', 'firstName', 'subscriptions'],
};

type UserAnswer = { user: Record<string, unknown> | null };

/** What the answer's calls to the vendors were, printed once per case so the suite's report shows them. */
const report: string[] = [];
afterAll(() => process.stdout.write(`fault suite, calls per case:\n${report.map((line) => `  ${line}`).join('\n')}\n`));

async function withGateway(
  run: (app: BootedGateway) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const app = await bootGateway({ ...ENV, ...env });
  try {
    for (const simulator of Object.values(app.simulators.simulators)) simulator.resetCalls();
    await run(app);
  } finally {
    await app.stop();
  }
}

/** The user query's answer: the failing vendor's fields null with `code` (or all fields whole when `code` is null), the others whole. */
async function expectUserAnswer(
  app: BootedGateway,
  failing: 'USER_MANAGEMENT' | 'GREENARROW',
  code: string | null,
): Promise<void> {
  const result = await graphql<UserAnswer>(app, USER_QUERY);
  expect(result.status).toBe(200);
  const user = result.data!.user!;
  expect(user['email']).toBe('ada.lovelace0@example.com');
  for (const field of OTHERS[failing]) expect(user[field]).not.toBeNull();
  if (code === null) {
    expect(result.errors).toBeUndefined();
    for (const field of FIELDS[failing]) expect(user[field]).not.toBeNull();
    return;
  }
  for (const field of FIELDS[failing]) expect(user[field]).toBeNull();
  expect((result.errors ?? []).map((error: GraphQLFormattedError) => error.path!.join('.')).sort()).toEqual(
    FIELDS[failing].map((field) => `user.${field}`).sort(),
  );
  for (const error of result.errors!) expect(error.extensions).toMatchObject({ code, source: failing });
}

describe('each fault through GraphQL: codes, the other vendors, and calls by the retry policy', () => {
  it.each([
    // vendor, route, fault, code of the first request, calls it made, then (for a fault that passes) calls of the next request
    ['hung', 'GREENARROW', 'getUser', { hang: true }, 'VENDOR_TIMEOUT', 1, null],
    [
      '500 three times, then recovering',
      'GREENARROW',
      'getUser',
      { status: 500, times: 3 },
      'VENDOR_UNAVAILABLE',
      3,
      1,
    ],
    ['502 twice, then recovering (within one request)', 'GREENARROW', 'getUser', { status: 502, times: 2 }, null, 3, 1],
    [
      '503 three times, then recovering',
      'USER_MANAGEMENT',
      'getUser',
      { status: 503, times: 3 },
      'VENDOR_UNAVAILABLE',
      3,
      1,
    ],
    ['connection reset once (a read is retried)', 'GREENARROW', 'getUser', { reset: true, times: 1 }, null, 2, 1],
    ['connection reset on every call', 'USER_MANAGEMENT', 'getUser', { reset: true }, 'VENDOR_UNAVAILABLE', 3, null],
    ['malformed JSON', 'GREENARROW', 'getUser', { malformed: 'json' }, 'VENDOR_BAD_RESPONSE', 1, null],
    ['a very slow body', 'USER_MANAGEMENT', 'getUser', { slowBodyMs: 200 }, 'VENDOR_TIMEOUT', 1, null],
    [
      'a wrong content type',
      'GREENARROW',
      'getUser',
      { contentType: 'text/html; charset=utf-8' },
      'VENDOR_BAD_RESPONSE',
      1,
      null,
    ],
    [
      'an oversized answer',
      'USER_MANAGEMENT',
      'getUser',
      { oversizedBytes: 4 * 1024 * 1024 },
      'VENDOR_BAD_RESPONSE',
      1,
      null,
    ],
  ] as const)('%s (%s %s)', async (_name, vendor, route, fault, code, calls, callsAfter) => {
    await withGateway(
      async (app) => {
        const simulator = app.simulators.simulators[vendor]!;
        simulator.setFault(route, fault);
        await expectUserAnswer(app, vendor, code);
        expect(simulator.calls(route)).toBe(calls);
        const first = vendorCalls(app);
        let line = `${_name}: ${vendor} ${route} ${JSON.stringify(fault)} -> ${code ?? 'resolved'}, ${calls} call(s)`;
        if (callsAfter !== null) {
          await expectUserAnswer(app, vendor, null);
          expect(simulator.calls(route)).toBe(calls + callsAfter);
          line += `; the next request resolved with ${callsAfter}`;
        }
        // The other vendor read by the query answered once per request, whatever happened here.
        const other = vendor === 'GREENARROW' ? 'USER_MANAGEMENT' : 'GREENARROW';
        expect(first[other]).toEqual({ getUser: 1 });
        report.push(line);
      },
      // An 8 MiB cap would let a 4 MiB answer through: the oversized case caps user-management at 1 MiB.
      vendor === 'USER_MANAGEMENT' ? { USER_MANAGEMENT_MAX_RESPONSE_BYTES: String(1024 * 1024) } : {},
    );
  });
});

describe('429 and 503 with Retry-After', () => {
  it('pauses every request to that vendor for the window: one call, whatever the traffic', async () => {
    await withGateway(async (app) => {
      const greenArrow = app.simulators.simulators.GREENARROW!;
      greenArrow.setFault('getUser', { status: 429, retryAfter: 30 });
      // Thirty seconds do not fit the retry window (3 s): the first request gives up after one call.
      await expectUserAnswer(app, 'GREENARROW', 'VENDOR_UNAVAILABLE');
      greenArrow.clearFaults();
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => expectUserAnswer(app, 'GREENARROW', 'VENDOR_UNAVAILABLE')),
      );
      expect(answers).toHaveLength(30);
      // `sources` sends no probe either, and says so.
      const sources = await graphql<{ sources: { source: Source; reachable: boolean; circuit: string | null }[] }>(
        app,
        '{ sources { source reachable circuit } }',
      );
      expect(sources.data!.sources.find((status) => status.source === 'GREENARROW')).toEqual({
        source: 'GREENARROW',
        reachable: false,
        circuit: 'CLOSED',
      });
      expect(greenArrow.calls()).toEqual({ getUser: 1 });
      report.push('429 Retry-After: 30 -> 31 requests and a probe, 1 call to GREENARROW');
    });
  });

  it('waits out a short Retry-After for the request that met it, and refuses the others meanwhile', async () => {
    await withGateway(
      async (app) => {
        const greenArrow = app.simulators.simulators.GREENARROW!;
        greenArrow.setFault('getUser', { status: 503, retryAfter: 3, times: 1 });
        const waiting = expectUserAnswer(app, 'GREENARROW', null);
        await eventually(() => greenArrow.calls('getUser') === 1, 'the 503 to be answered');
        // Sent while the first request waits out its three seconds: refused at once, no call.
        await expectUserAnswer(app, 'GREENARROW', 'VENDOR_UNAVAILABLE');
        expect(greenArrow.calls('getUser')).toBe(1);
        await waiting;
        expect(greenArrow.calls('getUser')).toBe(2);
        const [first, second] = greenArrow.callLog('getUser');
        const gap = Math.round(second.startedAt - first.endedAt!);
        report.push(
          `503 Retry-After: 3 -> the request retried once after ${gap} ms and resolved; a request inside the window made no call`,
        );
      },
      { VENDOR_RETRY_WINDOW_MS: '10000' },
    );
  });
});

describe('createUser under each fault: a create is never sent twice', () => {
  let counter = 0;
  function person(): Record<string, unknown> {
    counter += 1;
    return {
      email: `faulty${counter}@example.org`,
      password: 'Fault-Suite-Pass-1',
      firstName: 'Fau',
      lastName: `Lty${counter}`,
      country: 'India',
      accountId: '2',
      username: `faulty${counter}`,
      permissions: { api: 'READ_ONLY' },
    };
  }
  const CREATE =
    'mutation Create($input: CreateUserInput!) { createUser(input: $input) { results { source status error { code } } userErrors { code source } } }';
  const CREATE_ROUTES: Record<Source, string> = {
    RAINMAKER: 'createUser',
    ENGAGEMENT: 'createMember',
    GREENARROW: 'createUser',
    USER_MANAGEMENT: 'addUser',
  };

  it.each([
    ['500', 'GREENARROW', { status: 500 }, 'FAILED', 'VENDOR_UNAVAILABLE'],
    ['503 with Retry-After', 'USER_MANAGEMENT', { status: 503, retryAfter: 1 }, 'FAILED', 'VENDOR_UNAVAILABLE'],
    ['429 with Retry-After', 'GREENARROW', { status: 429, retryAfter: 1 }, 'FAILED', 'VENDOR_UNAVAILABLE'],
    ['hung', 'ENGAGEMENT', { hang: true }, 'FAILED', 'VENDOR_TIMEOUT'],
    ['hung after doing the work (found and adopted)', 'GREENARROW', { hang: 'afterWork' }, 'SUCCEEDED', null],
    ['reset before the work', 'USER_MANAGEMENT', { reset: true }, 'FAILED', 'VENDOR_UNAVAILABLE'],
    ['reset after the work (found and adopted)', 'USER_MANAGEMENT', { reset: 'afterWork' }, 'SUCCEEDED', null],
    ['malformed JSON (found and adopted)', 'ENGAGEMENT', { malformed: 'json' }, 'SUCCEEDED', null],
    ['a very slow body (found and adopted)', 'GREENARROW', { slowBodyMs: 100 }, 'SUCCEEDED', null],
    ['a wrong content type (found and adopted)', 'USER_MANAGEMENT', { contentType: 'text/html' }, 'SUCCEEDED', null],
    ['an oversized answer (found and adopted)', 'GREENARROW', { oversizedBytes: 16 * 1024 * 1024 }, 'SUCCEEDED', null],
    ['500 at RainMaker', 'RAINMAKER', { status: 500 }, 'FAILED', 'VENDOR_UNAVAILABLE'],
  ] as const)('%s at %s', async (_name, vendor, fault, status, code) => {
    await withGateway(async (app) => {
      app.simulators.simulators[vendor]!.setFault(CREATE_ROUTES[vendor], fault);
      const result = await graphql<{
        createUser: { results: { source: Source; status: string; error: { code: string } | null }[] };
      }>(app, CREATE, { input: person() });
      expect(result.errors).toBeUndefined();
      const results = Object.fromEntries(result.data!.createUser.results.map((entry) => [entry.source, entry]));
      expect(results[vendor]).toMatchObject({ status, error: code === null ? null : { code } });
      // The others succeeded, and were rolled back when this one failed.
      for (const other of (Object.keys(CREATE_ROUTES) as Source[]).filter((source) => source !== vendor)) {
        expect(results[other].status).toBe(status === 'FAILED' ? 'ROLLED_BACK' : 'SUCCEEDED');
      }
      const creates = Object.fromEntries(
        (Object.keys(CREATE_ROUTES) as Source[]).map((source) => [
          source,
          app.simulators.simulators[source]!.calls(CREATE_ROUTES[source]),
        ]),
      );
      expect(creates).toEqual({ RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 });
      report.push(
        `createUser, ${_name} at ${vendor}: ${vendor} ${status}${code ? ` ${code}` : ''}, creates per vendor ${JSON.stringify(creates)}`,
      );
    });
  });

  it('RainMaker, which cannot be read, finds a create whose answer was lost by setting the password it sent, never by sending the create again', async () => {
    await withGateway(async (app) => {
      const rainMaker = app.simulators.simulators.RAINMAKER!;
      rainMaker.setFault('createUser', { reset: 'afterWork', times: 1 });
      const input = person();
      const result = await graphql<{ createUser: { results: { source: Source; status: string }[] } }>(app, CREATE, {
        input,
      });
      expect(result.data!.createUser.results.map((entry) => entry.status)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
      expect(rainMaker.calls('createUser')).toBe(1);
      expect(rainMaker.callLog('updatePassword').map((call) => call.status)).toEqual([200]);
      expect(rainMaker.store.has(input['email'] as string)).toBe(true);
      report.push(
        'createUser, reset after the work at RAINMAKER: one create; the adapter finds the record by setting the password it sent (RainMaker has no read), and adopts it',
      );
    });
  });

  it('RainMaker: a create lost before it landed is found missing (unknown user) and everything is rolled back', async () => {
    await withGateway(async (app) => {
      const rainMaker = app.simulators.simulators.RAINMAKER!;
      rainMaker.setFault('createUser', { reset: true, times: 1 });
      const input = person();
      const result = await graphql<{ createUser: { results: { source: Source; status: string }[] } }>(app, CREATE, {
        input,
      });
      const statuses = Object.fromEntries(result.data!.createUser.results.map((entry) => [entry.source, entry.status]));
      expect(statuses).toEqual({
        RAINMAKER: 'FAILED',
        ENGAGEMENT: 'ROLLED_BACK',
        GREENARROW: 'ROLLED_BACK',
        USER_MANAGEMENT: 'ROLLED_BACK',
      });
      expect(rainMaker.calls('createUser')).toBe(1);
      expect(rainMaker.callLog('updatePassword').map((call) => call.status)).toEqual([404]);
      expect(rainMaker.store.has(input['email'] as string)).toBe(false);
    });
  });
});
