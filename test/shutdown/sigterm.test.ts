import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { openStore, type Operation, type OperationStep, type Store } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { TEST_API_KEY, TEST_AUTH_ENV, spawnGateway, type GatewayProcess } from '../helpers/gateway-process';
import { startTestVendors, type TestVendors } from '../helpers/vendor-fixture';
import { openSocket } from '../helpers/raw-http';

/**
 * SIGTERM during a burst of createUser: a stop must lose nothing. A gateway process (the production
 * entry) writes to four simulators in this process, each of which takes a while to create, so
 * mutations are in flight when the signal comes. Requests arrive after the signal too: queued on
 * kept-alive connections of a client pool, on idle kept-alive connections, pipelined behind a
 * request in flight, and completing a request begun before the signal. Every request must end
 * either answered with its true outcome or refused before any vendor call (no vendor call carries
 * its request id, no vendor holds its person); afterwards the journal, read from the database file,
 * and the simulators agree record by record, and the process has exited 0.
 */

const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id email }
    results { source status externalId error { code } }
    userErrors { code message }
  }
}`;

/** A vendor create takes this long, so the burst is in flight when the signal comes. */
const CREATE_LATENCY_MS = 700;

interface Payload {
  user: { id: string; email: string } | null;
  results: { source: string; status: string; externalId: string | null; error: { code: string } | null }[];
  userErrors: { code: string }[];
}

/** How one request ended, as its client saw it. */
type Ending =
  | { kind: 'answered'; status: number; payload: Payload | null; code: string | null }
  | { kind: 'refused'; status: number; code: string | null }
  | { kind: 'no answer'; error: string };

interface Sent {
  email: string;
  requestId: string;
  /** How it was sent: before or after the signal, over which kind of connection. */
  how: string;
  ending: Promise<Ending>;
}

function input(email: string) {
  const local = email.split('@')[0];
  return {
    email,
    password: 'Sigterm-Pass-9',
    firstName: 'Sig',
    lastName: local,
    country: 'India',
    accountId: '2',
    username: local,
  };
}

function body(email: string): string {
  return JSON.stringify({ query: CREATE, variables: { input: input(email) } });
}

/** What a GraphQL answer says, as an Ending. */
function ending(status: number, text: string): Ending {
  let json: { data?: { createUser: Payload } | null; errors?: { extensions?: { code?: string } }[] } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  const code = json?.errors?.[0]?.extensions?.code ?? null;
  if (status === 503 && code === 'SHUTTING_DOWN') return { kind: 'refused', status, code };
  return { kind: 'answered', status, payload: json?.data?.createUser ?? null, code };
}

/** Every HTTP/1.1 answer that came over a raw socket until the server closed it (Content-Length or chunked bodies). */
function answersOn(socket: Socket): Promise<{ status: number; text: string }[]> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.once('error', () => undefined);
    socket.once('close', () => {
      const answers: { status: number; text: string }[] = [];
      let rest = received.toString('latin1');
      while (rest.startsWith('HTTP/1.1 ')) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = rest.slice(0, end);
        let after = rest.slice(end + 4);
        const status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        let text = '';
        if (length) {
          text = after.slice(0, Number(length[1]));
          after = after.slice(Number(length[1]));
        } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
          for (;;) {
            const line = after.indexOf('\r\n');
            const size = parseInt(after.slice(0, line), 16);
            after = after.slice(line + 2);
            if (!(size > 0)) {
              after = after.slice(2);
              break;
            }
            text += after.slice(0, size);
            after = after.slice(size + 2);
          }
        }
        answers.push({ status, text: Buffer.from(text, 'latin1').toString('utf8') });
        rest = after;
      }
      resolve(answers);
    });
  });
}

/** A createUser as raw HTTP/1.1 bytes (keep-alive, as HTTP/1.1 is by default). */
function rawCreate(host: string, email: string, requestId: string): string {
  const text = body(email);
  return (
    `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
    `X-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
  );
}

describe('SIGTERM during a burst of createUser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-sigterm-'));
  let vendors: TestVendors;
  let gateway: GatewayProcess | undefined;
  let store: Store | undefined;
  const pools: Pool[] = [];
  const sockets: Socket[] = [];

  afterAll(async () => {
    if (gateway && gateway.process.exitCode === null && gateway.process.signalCode === null)
      gateway.process.kill('SIGKILL');
    await gateway?.exited;
    for (const socket of sockets) socket.destroy();
    await Promise.all(pools.map((pool) => pool.destroy()));
    await store?.close();
    await vendors?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Who holds a record for `email`, by vendor, with its id. */
  function holders(email: string): Record<string, string[]> {
    const found: Record<string, string[]> = {
      RAINMAKER: vendors.simulators.RAINMAKER.store
        .all()
        .filter((user) => user.userName === email)
        .map((user) => user.userName),
      ENGAGEMENT: vendors.simulators.ENGAGEMENT.store
        .all()
        .filter((member) => member.email === email)
        .map((member) => String(member.id)),
      GREENARROW: vendors.simulators.GREENARROW.store
        .all()
        .filter((user) => user.email === email)
        .map((user) => String(user.id)),
      USER_MANAGEMENT: vendors.simulators.USER_MANAGEMENT.store
        .all()
        .filter((user) => user.emailAddress === email)
        .map((user) => String(user.id)),
    };
    return Object.fromEntries(Object.entries(found).filter(([, ids]) => ids.length > 0));
  }

  it('answers every request with its true outcome or refuses it before any vendor call, and the journal and the vendors agree', async () => {
    vendors = await startTestVendors();
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = vendors.simulators;
    for (const [simulator, route] of [
      [RAINMAKER, 'createUser'],
      [ENGAGEMENT, 'createMember'],
      [GREENARROW, 'createUser'],
      [USER_MANAGEMENT, 'addUser'],
    ] as const) {
      simulator.setFault(route, { latencyMs: CREATE_LATENCY_MS });
    }
    gateway = await spawnGateway(
      {
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: join(dataDir, 'data'),
        // Every vendor call is logged with the request id of the request that made it.
        LOG_LEVEL: 'debug',
        MIRROR_REFRESH_INTERVAL_S: '0',
        ...TEST_AUTH_ENV,
        ...vendors.env,
      },
      { entry: 'src/index.ts', token: TEST_API_KEY },
    );
    const running = gateway;
    const origin = new URL(running.url).origin;
    const host = new URL(origin).host;
    store = await openStore({ file: join(dataDir, 'data', 'usergraph.db') });
    const opened = store;

    const sent: Sent[] = [];
    let counter = 0;
    const next = (how: string) => {
      counter += 1;
      return { email: `sigterm.${counter}@example.org`, requestId: `sigterm-${counter}`, how };
    };
    const viaPool = (pool: Pool, how: string) => {
      const request = next(how);
      const answer = pool
        .request({
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${TEST_API_KEY}`,
            'x-request-id': request.requestId,
          },
          body: body(request.email),
        })
        .then(
          async (response): Promise<Ending> => ending(response.statusCode, await response.body.text()),
          (error: Error): Ending => ({
            kind: 'no answer',
            error: `${error.name}: ${(error as { code?: string }).code ?? error.message}`,
          }),
        );
      sent.push({ ...request, ending: answer });
    };

    // Kept-alive connections: four busy with the burst (more queued behind them), two idle at the signal.
    const busy = new Pool(origin, { connections: 4, pipelining: 1 });
    const idle = new Pool(origin, { connections: 2, pipelining: 1 });
    pools.push(busy, idle);
    await Promise.all(
      [0, 1].map(() => idle.request({ path: '/healthz', method: 'GET' }).then((response) => response.body.text())),
    );
    for (let burst = 0; burst < 8; burst += 1) viaPool(busy, 'burst before the signal, kept-alive pool');

    // Two raw kept-alive connections, each with a createUser in flight; a second one is pipelined after the signal.
    const pipelined = await Promise.all([0, 1].map(() => openSocket(origin)));
    const pipelinedAnswers = pipelined.map(answersOn);
    sockets.push(...pipelined);
    const pipelinedFirst = pipelined.map((socket) => {
      const request = next('before the signal, raw kept-alive connection');
      socket.write(rawCreate(host, request.email, request.requestId));
      return request;
    });
    // A connection whose request has begun (headers incomplete) when the signal comes, and ends after it.
    const partial = await openSocket(origin);
    sockets.push(partial);
    const partialAnswers = answersOn(partial);
    partial.write(`POST /graphql HTTP/1.1\r\nHost: ${host}\r\n`);

    // The raw connections' requests are being served (a vendor was asked on their behalf), and creates are in flight.
    const logged = (requestId: string) =>
      running.logs.some((line) => line['msg'] === 'vendor call' && line['requestId'] === requestId);
    await eventually(async () => {
      const rows = await opened.db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM operation_steps WHERE state = 'STARTED' AND action = 'create'`,
      );
      return rows[0].n >= 8 && pipelinedFirst.every((request) => logged(request.requestId));
    }, 'several creates to be in flight');

    running.process.kill('SIGTERM');
    await eventually(() => running.logs.some((line) => line['msg'] === 'stopping'), 'the gateway to begin stopping');

    // After the signal: more on the busy pool and on the idle pool's kept-alive connections, one
    // pipelined behind each raw request in flight, and the begun request completed.
    for (let late = 0; late < 2; late += 1) viaPool(busy, 'after the signal, kept-alive pool with busy connections');
    for (let late = 0; late < 2; late += 1) viaPool(idle, 'after the signal, kept-alive pool with idle connections');
    const pipelinedSecond = pipelined.map((socket) => {
      const request = next('after the signal, pipelined on a raw kept-alive connection');
      socket.write(rawCreate(host, request.email, request.requestId));
      return request;
    });
    const partialRequest = next('begun before the signal, completed after it');
    const partialBody = body(partialRequest.email);
    partial.write(
      `Content-Type: application/json\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nX-Request-Id: ${partialRequest.requestId}\r\n` +
        `Content-Length: ${Buffer.byteLength(partialBody)}\r\n\r\n${partialBody}`,
    );

    for (const [index, socket] of pipelined.entries()) {
      const answers = pipelinedAnswers[index];
      const byOrder = answers.then((all) => all.map((answer) => ending(answer.status, answer.text)));
      const first = byOrder.then((all): Ending => all[0] ?? { kind: 'no answer', error: 'connection closed' });
      const second = byOrder.then(
        (all): Ending => all[1] ?? { kind: 'no answer', error: 'connection closed after the first answer' },
      );
      sent.push({ ...pipelinedFirst[index], ending: first }, { ...pipelinedSecond[index], ending: second });
      void socket;
    }
    sent.push({
      ...partialRequest,
      ending: partialAnswers.then((all): Ending =>
        all[0] ? ending(all[0].status, all[0].text) : { kind: 'no answer', error: 'connection closed' },
      ),
    });

    expect(await running.exited).toBe(0);
    const endings = await Promise.all(sent.map(async (request) => ({ ...request, ending: await request.ending })));

    // The vendor calls each request made, by the request id on the gateway's log line of each call.
    const callsOf = (requestId: string) =>
      running.logs.filter((line) => line['msg'] === 'vendor call' && line['requestId'] === requestId).length;
    const operations = await opened.db.query<{ id: string }>('SELECT id FROM operations ORDER BY id');
    const journal = await Promise.all(
      operations.map(async ({ id }) => ({
        operation: (await opened.journal.operation(id)) as Operation,
        steps: await opened.journal.steps(id),
      })),
    );
    // RainMaker's id is the email: it names the person of every operation that got that far.
    const journalOf = (email: string) =>
      journal.filter(({ steps }) => steps.some((step) => step.source === 'RAINMAKER' && step.externalId === email));

    const summary: Record<string, Record<string, number>> = {};
    for (const request of endings) {
      const { ending: end, email, requestId, how } = request;
      const kind = end.kind === 'answered' ? `answered ${end.status}` : end.kind;
      summary[how] = { ...summary[how], [kind]: (summary[how]?.[kind] ?? 0) + 1 };
      if (end.kind === 'answered') {
        // Its true outcome: every vendor created the person, as the journal says and the vendors hold.
        expect([requestId, end.status, end.code]).toEqual([requestId, 200, null]);
        const payload = end.payload!;
        expect(payload.userErrors).toEqual([]);
        expect(payload.results.map((result) => [result.source, result.status])).toEqual([
          ['RAINMAKER', 'SUCCEEDED'],
          ['ENGAGEMENT', 'SUCCEEDED'],
          ['GREENARROW', 'SUCCEEDED'],
          ['USER_MANAGEMENT', 'SUCCEEDED'],
        ]);
        const recorded = journalOf(email);
        expect(recorded.map(({ operation }) => operation.state)).toEqual(['COMPLETED']);
        expect((recorded[0].operation.payload as Payload & { userId: string }).userId).toBe(payload.user!.id);
        expect(Object.fromEntries(payload.results.map((result) => [result.source, [result.externalId]]))).toEqual(
          holders(email),
        );
      } else {
        // Refused, or never read: nothing of it ran.
        expect([requestId, how, callsOf(requestId), holders(email), journalOf(email).length]).toEqual([
          requestId,
          how,
          0,
          {},
          0,
        ]);
        if (end.kind === 'refused') expect(end.status).toBe(503);
      }
    }
    // The requests in flight at the signal were answered; none sent after it ran. (The one begun
    // before the signal is refused with 503 when the gateway had read its first bytes, and its
    // connection closed as idle when not; test/observability/endpoints.test.ts has the 503 for certain.)
    expect(summary['burst before the signal, kept-alive pool']?.['answered 200']).toBeGreaterThanOrEqual(4);
    expect(summary['before the signal, raw kept-alive connection']).toEqual({ 'answered 200': 2 });
    expect(['refused', 'no answer']).toContain(Object.keys(summary['begun before the signal, completed after it'])[0]);
    for (const how of [
      'after the signal, kept-alive pool with busy connections',
      'after the signal, kept-alive pool with idle connections',
      'after the signal, pipelined on a raw kept-alive connection',
    ]) {
      expect([how, summary[how]?.['answered 200']]).toEqual([how, undefined]);
    }

    // Record by record: every operation finished; each step that says a record exists is one a
    // vendor holds, each rolled back or failed one is not; and nothing a vendor holds is unaccounted for.
    expect(
      journal
        .filter(({ operation }) => operation.state !== 'COMPLETED' && operation.state !== 'FAILED')
        .map(({ operation }) => operation.state),
    ).toEqual([]);
    for (const { operation, steps } of journal) {
      expect([operation.id, steps.filter((step: OperationStep) => step.state === 'STARTED')]).toEqual([
        operation.id,
        [],
      ]);
      const email = steps.find((step) => step.source === 'RAINMAKER')!.externalId!;
      const held = holders(email);
      for (const step of steps.filter((candidate) => candidate.action === 'create')) {
        const undone = steps.some(
          (other) => other.source === step.source && other.action === 'compensate' && other.state === 'COMPENSATED',
        );
        const expected = step.state === 'SUCCEEDED' && !undone ? [step.externalId] : undefined;
        expect([operation.id, step.source, held[step.source]]).toEqual([operation.id, step.source, expected]);
      }
    }
    const emails = endings.map((request) => request.email);
    const heldAnywhere = emails.filter((email) => Object.keys(holders(email)).length > 0);
    expect(heldAnywhere.sort()).toEqual(emails.filter((email) => journalOf(email).length > 0).sort());
    expect(running.logs.at(-1)?.['msg']).toBe('stopped');
    expect(running.logs.filter((line) => line['level'] === 50 || line['level'] === 60)).toEqual([]);
  }, 120_000);
});
