import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../helpers/eventually';
import { TEST_API_KEY, TEST_AUTH_ENV, spawnGateway, type GatewayProcess } from '../helpers/gateway-process';
import { openSocket } from '../helpers/raw-http';
import { startTestVendors, type TestVendors } from '../helpers/vendor-fixture';

/**
 * A request arriving on a kept-alive connection after SIGTERM: the
 * production gateway, with a create in flight so that its stop takes a while, is sent SIGTERM; a
 * client then sends a createUser on the connection it kept alive from an earlier request. It is
 * answered 503 SHUTTING_DOWN on that same connection, which then closes; no vendor is called on
 * its behalf and no vendor holds its person. (The listener used to close at the signal, and with it
 * every idle kept-alive connection, so such a request met a closed port: ECONNREFUSED.)
 */
const CREATE =
  'mutation Create($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code message } } }';

function rawPost(host: string, requestId: string, email: string): string {
  const body = JSON.stringify({
    query: CREATE,
    variables: {
      input: {
        email,
        password: 'Kept-Alive-Pass-1',
        firstName: 'Ke',
        lastName: 'Pt',
        country: 'India',
        accountId: '2',
        username: email.split('@')[0],
      },
    },
  });
  return (
    `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
    `X-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** The answers that came over `socket` so far, as raw HTTP text, and whether the server closed it. */
function watch(socket: Socket): { text: () => string; closed: Promise<void> } {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.once('error', () => undefined);
  return { text: () => received, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

describe('SIGTERM and a kept-alive connection', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-kept-alive-'));
  let vendors: TestVendors;
  let gateway: GatewayProcess | undefined;
  const sockets: Socket[] = [];

  afterAll(async () => {
    if (gateway && gateway.process.exitCode === null && gateway.process.signalCode === null)
      gateway.process.kill('SIGKILL');
    await gateway?.exited;
    for (const socket of sockets) socket.destroy();
    await vendors?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a request sent on a kept-alive connection after the signal with 503 SHUTTING_DOWN, calling no vendor', async () => {
    vendors = await startTestVendors();
    // The create in flight at the signal takes this long at GreenArrow, so the stop is still draining when the late request comes.
    vendors.simulators.GREENARROW.setFault('createUser', { latencyMs: 3_000 });
    gateway = await spawnGateway(
      {
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: join(dataDir, 'data'),
        LOG_LEVEL: 'debug',
        MIRROR_REFRESH_INTERVAL_S: '0',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000',
        ...TEST_AUTH_ENV,
        ...vendors.env,
      },
      { entry: 'src/index.ts', token: TEST_API_KEY },
    );
    const running = gateway;
    const host = new URL(running.url).host;

    // A client's kept-alive connection: one request answered, then idle.
    const keptAlive = await openSocket(running.url);
    sockets.push(keptAlive);
    const kept = watch(keptAlive);
    keptAlive.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    await eventually(() => kept.text().includes('"status":"ok"'), 'the first answer on the kept-alive connection');

    // A create in flight on another connection when the signal comes.
    const busy = await openSocket(running.url);
    sockets.push(busy);
    const inFlight = watch(busy);
    busy.write(rawPost(host, 'kept-alive-in-flight', 'in.flight@example.org'));
    await eventually(() => vendors.simulators.GREENARROW.calls('createUser') === 1, 'the create to reach GreenArrow');

    running.process.kill('SIGTERM');
    await eventually(() => running.logs.some((line) => line['msg'] === 'stopping'), 'the gateway to begin stopping');
    for (const simulator of Object.values(vendors.simulators)) simulator.resetCalls();

    keptAlive.write(rawPost(host, 'kept-alive-late', 'late@example.org'));
    await kept.closed;
    const answers = kept.text().split('HTTP/1.1 ').slice(1);
    expect(answers).toHaveLength(2);
    const late = answers[1];
    expect(late.slice(0, 3)).toBe('503');
    expect(late).toMatch(/\r\nconnection: close\r\n/i);
    expect(late).toMatch(/\r\nretry-after: 1\r\n/i);
    // The body is sent chunked: its one chunk is the JSON.
    expect(JSON.parse(late.slice(late.indexOf('{'), late.lastIndexOf('}') + 1))).toEqual({
      errors: [
        {
          message: expect.stringContaining('nothing was done'),
          extensions: { code: 'SHUTTING_DOWN', requestId: 'kept-alive-late' },
        },
      ],
    });

    // The request in flight was answered with its outcome, and the process stopped cleanly.
    await inFlight.closed;
    expect(inFlight.text().slice(0, 12)).toBe('HTTP/1.1 200');
    expect(await running.exited).toBe(0);
    // Nothing of the late request ran: no vendor call carries its id, no vendor holds its person.
    expect(
      running.logs.filter((line) => line['msg'] === 'vendor call' && line['requestId'] === 'kept-alive-late'),
    ).toEqual([]);
    expect(Object.values(vendors.simulators).map((simulator) => simulator.calls())).toEqual([{}, {}, {}, {}]);
    expect(vendors.simulators.RAINMAKER.store.has('late@example.org')).toBe(false);
  }, 90_000);
});
