import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { createLogger } from '../../src/platform/logger';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * Every log line the gateway writes while it serves success, validation failures, vendor failures
 * (one echoing what it was sent), retries and rollbacks, through GraphQL over HTTP against the
 * simulators, captured at `trace`: no password, token, API key, Basic credential (nor its base64),
 * SigV4 secret or session token in any line, and no email address at warn level or above.
 * Authentication is configured here (a JWT secret and an API key), so the demo prints no token.
 */
const PASSWORDS = {
  create: 'Logged-Create-Secret-1',
  change: 'Logged-Change-Secret-2',
  invalid: 'Logged-Invalid-Secret-3',
  echoed: 'Logged-Echoed-Secret-4',
  rollback: 'Logged-Rollback-Secret-5',
  huge: `Logged-Huge-Secret-${'h'.repeat(300)}`,
};
const JWT_SECRET = randomBytes(32).toString('base64url');
const API_KEY = `ug_${randomBytes(24).toString('base64url')}`;
const EMAIL = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/;

const FIELDS =
  'user { id email permissions { api } } results { source status error { code message } } userErrors { field code message }';
const CREATE = `mutation C($input: CreateUserInput!) { createUser(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation U($input: UpdateUserInput!) { updateUser(input: $input) { ${FIELDS} } }`;
const PASSWORD = `mutation P($input: ChangePasswordInput!) { changePassword(input: $input) { ${FIELDS} } }`;
const PERMISSIONS = `mutation S($input: SetPermissionsInput!) { setPermissions(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation D($input: DeleteUserInput!) { deleteUser(input: $input) { ${FIELDS} } }`;

interface Payload {
  user: { id: string; email: string } | null;
  results: { source: string; status: string; error: { code: string } | null }[];
  userErrors: { field: string[] | null; code: string }[];
}

let counter = 0;
function person(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `logged${counter}@example.org`,
    password: PASSWORDS.create,
    firstName: 'Log',
    lastName: `Ged${counter}`,
    country: 'India',
    accountId: '2',
    username: `logged${counter}`,
    ...overrides,
  };
}

describe('what the log holds', () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  let app: BootedGateway;
  let token: string;

  beforeAll(async () => {
    app = await bootGateway(
      {
        VENDOR_RETRIES: '2',
        // Nothing here hangs; a short timeout only turns a busy CI machine into a failed pre-flight.
        VENDOR_TIMEOUT_MS: '10000',
        AUTH_JWT_SECRET: JWT_SECRET,
        AUTH_API_KEYS: `log-ops:admin:${createHash('sha256').update(API_KEY).digest('hex')}`,
      },
      logger,
    );
    token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('log-admin')
      .setAudience('usergraph')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JWT_SECRET));
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  const sims = () => app.simulators.simulators;

  async function send(query: string, input: Record<string, unknown>, as: string = token): Promise<Payload> {
    const response = await graphql<Record<string, Payload>>(app, query, { input }, { token: as });
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0];
  }

  it('drives success: the five mutations and reads, with a JWT and with an API key', async () => {
    const created = await send(CREATE, person({ idempotencyKey: 'log-create-1', permissions: { api: 'READ_ONLY' } }));
    expect(created.userErrors).toEqual([]);
    const id = created.user!.id;
    expect((await send(UPDATE, { id, displayName: 'Log Ged' }, API_KEY)).userErrors).toEqual([]);
    expect(
      (await send(PASSWORD, { id, password: PASSWORDS.change, idempotencyKey: 'log-change-1' })).userErrors,
    ).toEqual([]);
    expect((await send(PERMISSIONS, { id, permissions: { ui: 'NONE' } })).userErrors).toEqual([]);
    const read = await graphql(
      app,
      '{ users(first: 5) { nodes { email displayName permissions { api } } } sources { source reachable } }',
      {},
      { token: API_KEY },
    );
    expect(read.errors).toBeUndefined();
    expect((await send(DELETE, { id })).userErrors).toEqual([]);
  });

  it("drives validation failures: the vendors' rules and the input bounds", async () => {
    const invalid = await send(CREATE, { email: 'not-an-email', password: PASSWORDS.invalid, country: 'USA' });
    expect(invalid.userErrors.length).toBeGreaterThan(0);
    const huge = await send(CREATE, person({ password: PASSWORDS.huge, firstName: 'Bad\u0000Name' }));
    expect(huge.userErrors.map((error) => [error.field!.join('.'), error.code])).toEqual([
      ['input.firstName', 'INVALID_CHARACTERS'],
      ['input.password', 'INPUT_TOO_LONG'],
    ]);
    expect(
      (await graphql(app, CREATE, { input: person() }, { token: 'not-a-valid-token' })).errors?.[0]?.extensions?.[
        'code'
      ],
    ).toBe('UNAUTHENTICATED');
  });

  it('drives vendor failures, one of them echoing the password, and the rollback of the others', async () => {
    sims().GREENARROW!.setFault('createUser', { status: 422, echo: true });
    const echoed = await send(CREATE, person({ password: PASSWORDS.echoed }));
    expect(echoed.results.find((result) => result.source === 'GREENARROW')).toMatchObject({
      status: 'FAILED',
      error: { code: 'VENDOR_REJECTED' },
    });
    expect(echoed.results.filter((result) => result.status === 'ROLLED_BACK')).toHaveLength(3);
  });

  it('drives a rollback that fails, its vendor echoing what it was sent', async () => {
    sims().ENGAGEMENT!.setFault('createMember', { status: 500, echo: true });
    sims().RAINMAKER!.setFault('deleteUser', { status: 400, echo: true });
    const payload = await send(CREATE, person({ password: PASSWORDS.rollback }));
    expect(payload.results.find((result) => result.source === 'RAINMAKER')).toMatchObject({
      status: 'SUCCEEDED',
      error: { code: 'ROLLBACK_FAILED' },
    });
  });

  it('drives retries of a read that keeps failing', async () => {
    const someone = await send(CREATE, person({ sources: ['GREENARROW'] }));
    resetCounters(app);
    sims().GREENARROW!.setFault('getUser', { status: 503 });
    const response = await graphql<{ user: unknown }>(
      app,
      'query Q($id: ID) { user(id: $id) { email permissions { api } } }',
      { id: someone.user!.id },
      { token },
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', source: 'GREENARROW' });
    // The first attempt and two retries.
    expect(sims().GREENARROW!.calls('getUser')).toBe(3);
  });

  // Declared last, so it reads every line the paths above wrote.
  it('finds no secret in any line, and no email address at warn level or above', () => {
    const { endpoints } = app.simulators;
    const secrets = [
      ...Object.values(PASSWORDS),
      PASSWORDS.huge.slice(0, 40),
      token,
      API_KEY,
      JWT_SECRET,
      endpoints.RAINMAKER!.secretAccessKey,
      ...(endpoints.RAINMAKER!.sessionToken === undefined ? [] : [endpoints.RAINMAKER!.sessionToken]),
      endpoints.ENGAGEMENT!.password,
      endpoints.GREENARROW!.password,
      endpoints.USER_MANAGEMENT!.apiKey,
      Buffer.from(`${endpoints.ENGAGEMENT!.username}:${endpoints.ENGAGEMENT!.password}`).toString('base64'),
      Buffer.from(`${endpoints.GREENARROW!.username}:${endpoints.GREENARROW!.password}`).toString('base64'),
    ];
    const everything = lines.join('');
    expect(lines.length).toBeGreaterThan(50);
    for (const secret of secrets) expect(everything).not.toContain(secret);

    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg?: string });
    const loud = entries.filter((entry) => entry.level >= 40);
    // The paths above did log at warn: vendor failures, the refused rollback.
    expect(loud.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['vendor call failed', 'a vendor write failed']),
    );
    for (const line of lines.filter((_, index) => entries[index].level >= 40)) expect(line).not.toMatch(EMAIL);
    // The vendors' own words are there, redacted: an operator can still read what they said.
    const vendorWords = entries.filter(
      (entry) => entry.msg === 'vendor call failed' && JSON.stringify(entry).includes('Injected failure'),
    );
    expect(vendorWords.some((entry) => JSON.stringify(entry).includes('[redacted]'))).toBe(true);
    expect(vendorWords.some((entry) => entry.level >= 40)).toBe(true);
  });
});

describe('the logger itself', () => {
  function capture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    });
    return { logger, lines };
  }

  it('redacts secret keys at any depth down to four objects in, whatever the object', () => {
    const { logger, lines } = capture();
    logger.info({
      password: 'p-0',
      input: { password: 'p-1', nested: { deeper: { newPassword: 'p-2' } } },
      headers: {
        authorization: 'Basic dXNlcjpwYXNz',
        'x-api-key': 'k-1',
        'x-amz-security-token': 't-1',
        cookie: 'c-1',
      },
      err: { config: { secretAccessKey: 's-1', sessionToken: 't-2', apiKey: 'k-2' } },
      settings: { jwt: { secret: 's-2' }, token: 't-3' },
    });
    const [line] = lines;
    for (const secret of ['p-0', 'p-1', 'p-2', 'dXNlcjpwYXNz', 'k-1', 't-1', 'c-1', 's-1', 't-2', 'k-2', 's-2', 't-3'])
      expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });

  it('cuts Basic and Bearer credentials and SigV4 signatures out of any text', () => {
    const { logger, lines } = capture();
    logger.info(
      { note: 'sent Authorization: Basic dXNlcjpzZWNyZXQtcGFzcw==' },
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl; AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20300101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef; x-amz-security-token:FQoGZXIvYXdzEXAMPLE',
    );
    for (const secret of [
      'dXNlcjpzZWNyZXQtcGFzcw==',
      'eyJhbGciOiJIUzI1NiJ9',
      'AKIDEXAMPLE',
      '0123456789abcdef0123456789abcdef',
      'FQoGZXIvYXdzEXAMPLE',
    ])
      expect(lines[0]).not.toContain(secret);
    expect(() => JSON.parse(lines[0])).not.toThrow();
  });

  it('writes no email address at warn level or above, and keeps them below', () => {
    const { logger, lines } = capture();
    const fields = {
      written: [{ source: 'RAINMAKER', externalId: 'ada.lovelace@example.com' }],
      err: new Error('no user bob@example.org'),
    };
    logger.warn(fields, 'operation interrupted for carol@example.net');
    logger.error(fields, 'failed');
    logger.info(fields, 'moved carol@example.net');
    expect(lines[0]).not.toMatch(EMAIL);
    expect(lines[1]).not.toMatch(EMAIL);
    expect(lines[0]).toContain('[email]');
    expect(lines[2]).toContain('ada.lovelace@example.com');
    expect(lines.map((line) => JSON.parse(line) as { level: number }).map((entry) => entry.level)).toEqual([
      40, 50, 30,
    ]);
  });
});
