import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Source } from '../../src/domain/types';
import { createLogger } from '../../src/platform/logger';
import { journalKeyFor } from '../../src/store/journal-key';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * A vendor that echoes what it was sent, the submitted password included, in its error text:
 * through GraphQL over HTTP against the simulators (their `echo` fault), the password reaches
 * neither the client's answer nor any byte of the database files nor any log line. The vendor's
 * words are logged, redacted; the client and the journal get a stable code and the gateway's words.
 */
const CREATE_PASSWORD = 'Echoed-Create-Secret-1';
const CHANGE_PASSWORD = 'Echoed-Change-Secret-2';
const ROLLBACK_PASSWORD = 'Echoed-Rollback-Secret-3';
const KEYED_PASSWORD = 'Keyed-Fingerprinted-Secret-4';
const OTHER_KEYED_PASSWORD = 'Keyed-Other-Secret-5';
const PASSWORDS = [CREATE_PASSWORD, CHANGE_PASSWORD, ROLLBACK_PASSWORD, KEYED_PASSWORD, OTHER_KEYED_PASSWORD];
/** The simulators' wording of an injected failure: vendor text that must stay in the log. */
const VENDOR_WORDS = 'Injected failure';

const FIELDS =
  'user { id email } results { source status externalId retryable error { code message source } } userErrors { field message code source } replayed';
const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { ${FIELDS} } }`;
const PASSWORD = `mutation Password($input: ChangePasswordInput!) { changePassword(input: $input) { ${FIELDS} } }`;

interface Payload {
  user: { id: string; email: string } | null;
  results: {
    source: Source;
    status: string;
    retryable: boolean;
    error: { code: string; message: string; source: Source | null } | null;
  }[];
  userErrors: { field: string[] | null; message: string; code: string; source: Source | null }[];
  replayed: boolean;
}

let counter = 0;
function person(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `echo${counter}@example.org`,
    password: CREATE_PASSWORD,
    firstName: 'Echo',
    lastName: `Person${counter}`,
    country: 'India',
    accountId: '2',
    username: `echo${counter}`,
    locale: 'EN_GB',
    ...overrides,
  };
}

describe('a vendor that echoes the password', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-secrets-'));
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  /** Every answer the client got, as it got it. */
  const answers: string[] = [];
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ DATA_DIR: dataDir, VENDOR_RETRIES: '0', VENDOR_TIMEOUT_MS: '1500' }, logger);
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => resetCounters(app));

  const sims = () => app.simulators.simulators;

  async function send(query: string, input: Record<string, unknown>): Promise<Payload> {
    const response = await graphql<Record<string, Payload>>(app, query, { input });
    answers.push(JSON.stringify(response));
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0];
  }

  it("answers a create refused with the password echoed with a code and the gateway's words", async () => {
    sims().GREENARROW!.setFault('createUser', { status: 422, echo: true });
    const payload = await send(CREATE, person());
    const greenArrow = payload.results.find((result) => result.source === 'GREENARROW')!;
    expect(greenArrow).toMatchObject({
      status: 'FAILED',
      retryable: false,
      error: { code: 'VENDOR_REJECTED', source: 'GREENARROW' },
    });
    expect(greenArrow.error!.message).toBe('GreenArrow refused to create the user: the input does not meet its rules');
    expect(
      payload.results
        .filter((result) => result.source !== 'GREENARROW')
        .every((result) => result.status === 'ROLLED_BACK'),
    ).toBe(true);
    // The simulator did echo it: the vendor's words, redacted, are in the log.
    const logged = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find(
        (entry) =>
          entry['msg'] === 'vendor call failed' && entry['source'] === 'GREENARROW' && entry['route'] === 'createUser',
      );
    expect(logged).toMatchObject({ code: 'VENDOR_REJECTED', status: 422 });
    expect(logged!['vendorMessage']).toContain(VENDOR_WORDS);
    expect(logged!['vendorMessage']).toContain('[redacted]');
  });

  it("answers a password change refused with the password echoed, at every vendor, in the gateway's words", async () => {
    const created = await send(CREATE, person({ email: `echo.change${counter}@example.org` }));
    expect(created.userErrors).toEqual([]);
    resetCounters(app);
    sims().RAINMAKER!.setFault('updatePassword', { status: 400, echo: true });
    sims().GREENARROW!.setFault('updateUser', { status: 422, echo: true });
    sims().USER_MANAGEMENT!.setFault('modifyUser', { status: 400, echo: true });
    const payload = await send(PASSWORD, {
      id: created.user!.id,
      password: CHANGE_PASSWORD,
      idempotencyKey: 'echo-change-1',
    });
    expect(payload.results.map((result) => [result.source, result.status, result.error?.code])).toEqual([
      ['RAINMAKER', 'FAILED', 'VENDOR_REJECTED'],
      ['GREENARROW', 'FAILED', 'VENDOR_REJECTED'],
      ['USER_MANAGEMENT', 'FAILED', 'VENDOR_REJECTED'],
    ]);
    // A replay answers what the journal recorded: the same words, still without the vendor's.
    const replay = await send(PASSWORD, {
      id: created.user!.id,
      password: CHANGE_PASSWORD,
      idempotencyKey: 'echo-change-1',
    });
    expect(replay).toEqual({ ...payload, replayed: true });
  });

  it("reports a rollback refused with the password echoed as ROLLBACK_FAILED, in the gateway's words", async () => {
    sims().ENGAGEMENT!.setFault('createMember', { status: 400, echo: true });
    sims().RAINMAKER!.setFault('deleteUser', { status: 400, echo: true });
    const payload = await send(CREATE, person({ password: ROLLBACK_PASSWORD }));
    const rainMaker = payload.results.find((result) => result.source === 'RAINMAKER')!;
    expect(rainMaker).toMatchObject({ status: 'SUCCEEDED', retryable: true, error: { code: 'ROLLBACK_FAILED' } });
    expect(rainMaker.error!.message).not.toContain(VENDOR_WORDS);
  });

  it("answers a read that fails with the vendor's code, not its words", async () => {
    sims().USER_MANAGEMENT!.setFault('getUser', { status: 400, echo: true });
    const response = await graphql<{ users: unknown }>(
      app,
      '{ users(first: 3, filter: { source: USER_MANAGEMENT }) { nodes { email username } } }',
    );
    answers.push(JSON.stringify(response));
    expect(response.errors?.length).toBeGreaterThan(0);
    for (const error of response.errors!) {
      expect(error.extensions).toMatchObject({ code: 'VENDOR_REJECTED', source: 'USER_MANAGEMENT' });
      expect(error.message).toBe('USER_MANAGEMENT: getUser answered HTTP 400');
    }
  });

  it('catches a key reused with another password, though the journal keeps no fast hash of either', async () => {
    const created = await send(CREATE, person({ email: `echo.keyed${counter}@example.org` }));
    const input = { id: created.user!.id, idempotencyKey: 'keyed-password-1' };
    expect((await send(PASSWORD, { ...input, password: KEYED_PASSWORD })).userErrors).toEqual([]);
    const reused = await send(PASSWORD, { ...input, password: OTHER_KEYED_PASSWORD });
    expect(reused.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }),
    ]);
    expect(reused.results).toEqual([]);
    expect((await send(PASSWORD, { ...input, password: KEYED_PASSWORD })).replayed).toBe(true);
    const [row] = await app.store.db.query<{ input_hash: string; secret_fingerprint: string }>(
      'SELECT input_hash, secret_fingerprint FROM operations WHERE idempotency_key = $1',
      ['keyed-password-1'],
    );
    expect(row.secret_fingerprint).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
  });

  // Declared last, so it runs after every mutation above has answered, logged and journaled.
  it("leaves the password in no answer, no database file and no log line, and the vendor's words only in the log", () => {
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('simulators'))
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    expect(files.join('').length).toBeGreaterThan(10_000);
    for (const password of PASSWORDS) {
      expect(answers.join('\n')).not.toContain(password);
      expect(files.join('\n')).not.toContain(password);
      expect(logLines.join('')).not.toContain(password);
    }
    expect(answers.join('\n')).not.toContain(VENDOR_WORDS);
    expect(files.join('\n')).not.toContain(VENDOR_WORDS);
    // Nor a fast hash of it that a guess could be tested against, with or without the journal key beside the database.
    const key = journalKeyFor({ dataDir });
    for (const password of PASSWORDS) {
      const digests = [
        createHash('sha256').update(password).digest(),
        createHash('sha1').update(password).digest(),
        createHmac('sha256', key).update(password).digest(),
      ];
      for (const digest of digests)
        for (const encoding of ['hex', 'base64', 'base64url'] as const)
          expect(files.join('\n')).not.toContain(digest.toString(encoding));
    }
  });
});
