import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/platform/logger';
import { withoutSubmittedValues } from '../../src/graphql/errors/format-error';
import { eventually } from '../helpers/eventually';
import { bearer, bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { errorCodes, rawRequest } from '../helpers/raw-http';

/**
 * What reaches a client when something goes wrong: never a value it submitted (a password in a
 * coercion error), never an internal message (an unknown error is INTERNAL_SERVER_ERROR with the
 * request id, its detail only in the log under that id); a client that goes away is a note in the
 * log, not an error; and outside the demo, the schema is not described to strangers.
 */

/** A logger whose every line is kept, parsed. */
function capturing(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  });
  return { logger, lines };
}

const PASSWORD = 'Sup3r-Secret-Passw0rd!';
const CREATE = 'mutation($input: CreateUserInput!) { createUser(input: $input) { replayed } }';

describe('errors at the edge', () => {
  const { logger, lines } = capturing();
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({}, logger);
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  it.each([
    [
      'an unknown field',
      { email: 'grace@example.com', password: PASSWORD, favouriteColour: 'blue' },
      'Variable "$input" has an invalid value: Field "favouriteColour" is not defined by type "CreateUserInput".',
    ],
    [
      'a wrong enum value',
      { email: 'grace@example.com', password: PASSWORD, permissions: { api: 'EVERYTHING' } },
      'Variable "$input" has an invalid value at "input.permissions.api": expected type "AccessLevel".',
    ],
    [
      'a wrong scalar',
      { email: 'grace@example.com', password: PASSWORD, accountId: { id: PASSWORD } },
      'Variable "$input" has an invalid value at "input.accountId": expected type "ID".',
    ],
    [
      'a password of the wrong type',
      { email: 'grace@example.com', password: [PASSWORD] },
      'Variable "$input" has an invalid value at "input.password": expected type "String".',
    ],
  ])(
    'answers a coercion error (%s) with the path and the type expected, never the values: 400 BAD_USER_INPUT',
    async (_, input, message) => {
      const answer = await graphql(app, CREATE, { input });
      expect(answer.status).toBe(400);
      expect(answer.errors).toEqual([
        expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      ]);
      expect(JSON.stringify(answer)).not.toContain(PASSWORD);
      expect(JSON.stringify(answer)).not.toContain('grace@example.com');
      expect(vendorCalls(app)).toEqual({});
    },
  );

  it('keeps the messages that hold no submitted value', async () => {
    const missing = await graphql(app, CREATE, {});
    expect(missing.errors?.[0]?.message).toBe(
      'Variable "$input" of required type "CreateUserInput!" was not provided.',
    );
    expect(withoutSubmittedValues('Cannot query field "x" on type "Query".', undefined)).toBe(
      'Cannot query field "x" on type "Query".',
    );
    expect(withoutSubmittedValues(`Expected value of type "Int", found "${PASSWORD}".`, undefined)).toBe(
      'Expected value of type "Int"; the value given does not fit it',
    );
  });

  it('answers an unknown error with INTERNAL_SERVER_ERROR and the request id, and logs the error under that id', async () => {
    const broken = await bootGateway({}, logger);
    try {
      // A database that went away under the gateway: an error nobody planned for.
      await broken.store.close();
      const answer = await rawRequest(broken.url, {
        headers: { 'content-type': 'application/json', ...bearer(broken.tokens!.admin) },
        body: JSON.stringify({ query: '{ user(email: "ada.lovelace0@example.com") { id } }' }),
      });
      const requestId = answer.headers['x-request-id'];
      expect(errorCodes(answer)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(answer.json?.errors).toEqual([
        expect.objectContaining({
          message: 'Internal server error',
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        }),
      ]);
      expect(answer.text).not.toMatch(/database|sqlite|close/i);
      const logged = lines.filter((line) => line['requestId'] === requestId && line['level'] === 50);
      expect(logged).toEqual([
        expect.objectContaining({
          msg: 'unexpected error while resolving',
          err: expect.objectContaining({ message: expect.any(String), stack: expect.any(String) }),
        }),
      ]);
    } finally {
      await broken.stop();
    }
  });

  it('writes the request id on every line logged while serving the request', async () => {
    app.simulators.simulators.GREENARROW!.setFault('getUser', { status: 500 });
    const answer = await rawRequest(app.url, {
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-vendor-500', ...bearer(app.tokens!.admin) },
      body: JSON.stringify({ query: '{ user(email: "ada.lovelace0@example.com") { permissions { api } } }' }),
    });
    expect(errorCodes(answer)).toContain('VENDOR_UNAVAILABLE');
    const ofRequest = lines.filter((line) => line['requestId'] === 'trace-vendor-500');
    expect(ofRequest.length).toBeGreaterThan(1);
    expect(ofRequest.map((line) => line['msg'])).toContain('request answered');
  });

  it('logs a client that goes away mid-request as such, at info, without an error or a stack', async () => {
    app.simulators.simulators.USER_MANAGEMENT!.setFault('usersByAccount', { latencyMs: 400 });
    const controller = new AbortController();
    const pending = fetch(app.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'client-walks-away',
        ...bearer(app.tokens!.admin),
      },
      body: JSON.stringify({ query: '{ account(id: "1") { users(first: 1) { totalCount } } }' }),
    }).catch((error: unknown) => error);
    await eventually(
      () => app.simulators.simulators.USER_MANAGEMENT!.calls('usersByAccount') > 0,
      'the vendor call to start',
    );
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await eventually(
      () => lines.some((line) => line['requestId'] === 'client-walks-away' && line['clientAborted'] === true),
      'the abort to be logged',
    );
    const ofRequest = lines.filter((line) => line['requestId'] === 'client-walks-away');
    expect(ofRequest.filter((line) => line['clientAborted'] === true)).toEqual([
      expect.objectContaining({ level: 30, msg: 'the connection closed before the answer was complete' }),
    ]);
    expect(ofRequest.filter((line) => Number(line['level']) >= 50 || 'err' in line)).toEqual([]);
  });
});

describe('what the schema tells strangers', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';
  const TYPO = '{ user(email: "ada.lovelace0@example.com") { emial } }';

  /** A production gateway (no simulators, as src/index.ts starts it) with an admin API key. */
  async function production(env: Record<string, string>): Promise<App & { tokens: { admin: string } }> {
    const key = 'errors-test-admin-key-0001';
    const hash = createHash('sha256').update(key).digest('hex');
    const app = await startApp(
      loadConfig({ PORT: '0', DATA_DIR: ':memory:', AUTH_API_KEYS: `tests:admin:${hash}`, ...env }),
      createLogger({ level: 'silent' }),
    );
    return Object.assign(app, { tokens: { admin: key } });
  }

  it('outside the demo: no introspection and no "Did you mean", by default', async () => {
    const app = await production({});
    try {
      const introspection = await graphql(app, INTROSPECTION);
      expect(introspection.status).toBe(400);
      expect(introspection.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await graphql(app, TYPO);
      expect(typo.status).toBe(400);
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "emial" on type "User".');
    } finally {
      await app.stop();
    }
  });

  it('each switched on by GRAPHQL_INTROSPECTION and GRAPHQL_SUGGESTIONS', async () => {
    const app = await production({ GRAPHQL_INTROSPECTION: 'true', GRAPHQL_SUGGESTIONS: 'true' });
    try {
      expect((await graphql(app, INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await graphql(app, TYPO)).errors?.[0]?.message).toMatch(/Did you mean "email"\?/);
    } finally {
      await app.stop();
    }
  });

  it('in the demo: both on, for the playground', async () => {
    const app = await bootGateway({ SIMULATORS: 'none' });
    try {
      expect((await graphql(app, INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await graphql(app, TYPO)).errors?.[0]?.message).toMatch(/Did you mean "email"\?/);
    } finally {
      await app.stop();
    }
  });
});
