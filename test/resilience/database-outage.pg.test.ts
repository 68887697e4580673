import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { openStore, parseDatabaseUrl, StoreUnavailableError, type PostgresSettings } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres';

/**
 * The gateway on a PostgreSQL server that goes away and comes back: a cluster of this test's own
 * (the shared server is never stopped), stopped, then started again, then frozen (SIGSTOP: it keeps
 * its connections and answers nothing) and thawed. While it is gone /readyz fails, every request
 * that needs the database answers STORE_UNAVAILABLE instead of hanging, no vendor is written, and
 * the gateway recovers by itself. The URL's password appears in no log line and no answer.
 */

const PASSWORD = 'outage-test-password-5b1e9c';
const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { user { id email } results { source status } userErrors { code message } }
}`;
const USER = 'query User($id: ID!) { user(id: $id) { id email identities { source } } }';

let sequence = 0;
function person() {
  sequence += 1;
  return {
    email: `outage${sequence}@example.org`,
    password: 'Outage-Pass-1',
    firstName: 'Out',
    lastName: `Age${sequence}`,
    country: 'India',
    accountId: '2',
    username: `outage${sequence}`,
    locale: 'EN_GB',
    subscriptions: { email: true, sms: false, voice: true },
    permissions: { injection: 'SMTP_ONLY', api: 'READ_ONLY', ui: 'STATS_ONLY' },
  };
}

describe('the gateway on PostgreSQL that goes down and comes back', () => {
  let server: ThrowawayPostgres;
  let app: BootedGateway;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startThrowawayPostgres(PASSWORD);
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    app = await bootGateway(
      {
        DATABASE_URL: server.url,
        // Not the run's schema: this cluster has only its own.
        DATABASE_SCHEMA: '',
        JOURNAL_KEY: 'outage-test-journal-key-0123456789',
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        MIRROR_REFRESH_INTERVAL_S: '0',
      },
      logger,
    );
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await server?.destroy();
  });

  const origin = () => new URL(app.url).origin;
  const readiness = async () => {
    const response = await fetch(`${origin()}/readyz`);
    const body = (await response.json()) as { checks: { check: string; ok: boolean; detail: string }[] };
    return { status: response.status, database: body.checks.find((check) => check.check === 'database')! };
  };
  const create = async () => {
    const answer = await graphql<{ createUser: { user: { id: string } | null; results: unknown[] } | null }>(
      app,
      CREATE,
      { input: person() },
    );
    expect(answer.status).toBe(200);
    return answer;
  };
  const read = (id: string) => graphql<{ user: { id: string } | null }>(app, USER, { id });
  const createCalls = () =>
    Object.fromEntries(
      Object.entries(vendorCalls(app))
        .map(([source, calls]) => [source, Object.keys(calls).filter((route) => /^(create|add)/i.test(route)).length])
        .filter(([, count]) => count !== 0),
    );
  const codes = (answer: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
    (answer.errors ?? []).map((error) => error.extensions?.['code']);

  it('is ready and serves while the server runs', async () => {
    expect(await readiness()).toEqual({ status: 200, database: { check: 'database', ok: true, detail: 'answering' } });
    const answer = await create();
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.createUser).toMatchObject({ userErrors: [] });
    expect((await read(answer.data!.createUser!.user!.id)).data!.user).not.toBeNull();
  });

  it('stopped: not ready, STORE_UNAVAILABLE for reads and writes, no vendor written; started: recovers by itself', async () => {
    const before = await create();
    const id = before.data!.createUser!.user!.id;
    await server.stop();
    resetCounters(app);

    expect(await readiness()).toMatchObject({ status: 503, database: { ok: false } });
    const reading = await read(id);
    expect(codes(reading)).toEqual(['STORE_UNAVAILABLE']);
    expect(reading.errors![0]).toMatchObject({
      message: "The gateway's database is unavailable; try again shortly",
      extensions: { code: 'STORE_UNAVAILABLE', retryable: true },
    });
    const writing = await create();
    expect(codes(writing)).toEqual(['STORE_UNAVAILABLE']);
    expect(writing.data?.createUser ?? null).toBeNull();
    // The journal could not be written, so no vendor was: not one create anywhere.
    expect(createCalls()).toEqual({});

    await server.start();
    await eventually(async () => (await readiness()).status === 200, 'readiness after the server came back');
    expect((await read(id)).data!.user).toMatchObject({ id });
    const after = await create();
    expect(after.errors).toBeUndefined();
    expect(after.data!.createUser!.user).not.toBeNull();
  });

  it('frozen: requests answer STORE_UNAVAILABLE within the timeouts instead of hanging; thawed: recovers', async () => {
    const before = await create();
    const id = before.data!.createUser!.user!.id;
    await server.pause();
    try {
      resetCounters(app);
      const [reading, writing, ready] = await Promise.all([read(id), create(), readiness()]);
      expect(codes(reading)).toEqual(['STORE_UNAVAILABLE']);
      expect(codes(writing)).toEqual(['STORE_UNAVAILABLE']);
      expect(ready.status).toBe(503);
      expect(createCalls()).toEqual({});
    } finally {
      await server.resume();
    }
    await eventually(async () => (await readiness()).status === 200, 'readiness after the server thawed');
    expect((await read(id)).data!.user).toMatchObject({ id });
    expect((await create()).errors).toBeUndefined();
  });

  it('said each outage once at warn and each recovery at info, and never wrote the password', () => {
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; database?: string });
    const outages = entries.filter((entry) => entry.msg.startsWith('the database is unavailable'));
    const recoveries = entries.filter((entry) => entry.msg === 'the database answers again');
    expect(outages.length).toBeGreaterThanOrEqual(2);
    expect(outages.every((entry) => entry.level === 40)).toBe(true);
    expect(recoveries.length).toBe(outages.length);
    expect(outages[0].database).toBe(`127.0.0.1:${server.port}/postgres as postgres`);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(lines.join('')).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('refuses a wrong password with STORE_UNAVAILABLE, saying so without repeating either password', async () => {
    const wrong = 'not-the-password-93c1';
    const url = parseDatabaseUrl(server.url.replace(encodeURIComponent(PASSWORD), wrong)) as Omit<
      PostgresSettings,
      'ca' | 'schema' | 'poolSize' | 'statementTimeoutMs' | 'connectTimeoutMs'
    >;
    const opening = openStore({
      postgres: { ...url, ca: null, schema: null, poolSize: 1, statementTimeoutMs: 1000, connectTimeoutMs: 1000 },
    });
    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    const error = (await opening.catch((caught: unknown) => caught)) as StoreUnavailableError;
    expect(error.reason).toBe('the server refused the credentials');
    const shown = `${error.message}\n${error.stack}\n${String((error.cause as Error | undefined)?.message)}`;
    expect(shown).not.toContain(wrong);
    expect(shown).not.toContain(PASSWORD);
  });
});
