import { EnvReader } from '../../src/platform/env';
import { DEFAULT_INPUT_BOUNDS, inputBoundProblems, readInputBounds } from '../../src/services/writes/input-bounds';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * Input bounds, through GraphQL over HTTP against the simulators: an over-long password, id,
 * idempotency key or text field, and control characters in an email, a name or a user name, are
 * answered in `userErrors` with the field and a stable code before any vendor is called or
 * anything is journaled, and the answer never echoes the value.
 */
const FIELDS = 'user { id } results { source status } userErrors { field message code source } replayed';
const CREATE = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateUserInput!) { updateUser(input: $input) { ${FIELDS} } }`;
const PASSWORD = `mutation Password($input: ChangePasswordInput!) { changePassword(input: $input) { ${FIELDS} } }`;
const PERMISSIONS = `mutation Permissions($input: SetPermissionsInput!) { setPermissions(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation Delete($input: DeleteUserInput!) { deleteUser(input: $input) { ${FIELDS} } }`;

interface Payload {
  user: { id: string } | null;
  results: { source: string; status: string }[];
  userErrors: { field: string[] | null; message: string; code: string; source: string | null }[];
  replayed: boolean;
}

let counter = 0;
function person(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `bounded${counter}@example.org`,
    password: 'Bounded-Pass-1',
    firstName: 'Bo',
    lastName: `Unded${counter}`,
    country: 'India',
    accountId: '2',
    username: `bounded${counter}`,
    ...overrides,
  };
}

describe('input bounds', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ VENDOR_RETRIES: '0' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  const operations = async () => (await app.store.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM operations'))[0].n;

  /** Sends a mutation that must be refused by its bounds alone: no vendor call, no journal entry, no echo of `secret`. */
  async function refused(
    query: string,
    input: Record<string, unknown>,
    secret: string,
  ): Promise<Payload['userErrors']> {
    const before = await operations();
    const response = await graphql<Record<string, Payload>>(app, query, { input });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    const payload = Object.values(response.data!)[0];
    expect(payload.results).toEqual([]);
    expect(payload.replayed).toBe(false);
    expect(vendorCalls(app)).toEqual({});
    expect(await operations()).toBe(before);
    expect(JSON.stringify(response)).not.toContain(secret);
    return payload.userErrors;
  }

  it('refuses an over-long password on create and on change, sending it to no vendor', async () => {
    const huge = `Huge-${'p'.repeat(100_000)}`;
    expect(await refused(CREATE, person({ password: huge }), huge.slice(0, 64))).toEqual([
      {
        field: ['input', 'password'],
        code: 'INPUT_TOO_LONG',
        message: 'password must be at most 256 characters long',
        source: null,
      },
    ]);
    const justOver = `Over-${'q'.repeat(252)}`;
    expect(justOver).toHaveLength(257);
    expect(await refused(PASSWORD, { id: 'usr_any', password: justOver }, justOver)).toEqual([
      expect.objectContaining({ field: ['input', 'password'], code: 'INPUT_TOO_LONG' }),
    ]);
  });

  it('counts characters, not UTF-16 units: 256 astral characters are within the bound', () => {
    const astral = '😀'.repeat(256);
    expect(astral.length).toBe(512);
    expect(inputBoundProblems({ id: 'usr_1', password: astral })).toEqual([]);
    expect(inputBoundProblems({ id: 'usr_1', password: `${astral}x` })).toEqual([
      expect.objectContaining({ code: 'INPUT_TOO_LONG' }),
    ]);
  });

  it('refuses an over-long idempotency key, or one with characters outside its set, keeping nothing in the journal', async () => {
    const long = `key-${'k'.repeat(125)}`;
    expect(long).toHaveLength(129);
    expect(await refused(CREATE, person({ idempotencyKey: long }), long)).toEqual([
      {
        field: ['input', 'idempotencyKey'],
        code: 'INPUT_TOO_LONG',
        message: 'idempotencyKey must be at most 128 characters long',
        source: null,
      },
    ]);
    for (const key of ['has space', 'quote"d', 'new\nline', 'ünïcode', 'nul\u0000key']) {
      expect(await refused(DELETE, { id: 'usr_any', idempotencyKey: key }, key)).toEqual([
        expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'INVALID_CHARACTERS' }),
      ]);
    }
    const rows = await app.store.db.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM operations WHERE LENGTH(idempotency_key) > 128',
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses control characters and NUL in an email, a name and a user name, naming each field', async () => {
    const errors = await refused(
      CREATE,
      person({
        email: 'nul\u0000byte@example.org',
        firstName: 'Line\nBreak',
        lastName: 'Bell\u0007',
        username: 'tab\tbed',
        displayName: 'Sep\u2028arator',
      }),
      '\u0000',
    );
    expect(errors.map((error) => [error.field!.join('.'), error.code])).toEqual([
      ['input.email', 'INVALID_CHARACTERS'],
      ['input.username', 'INVALID_CHARACTERS'],
      ['input.displayName', 'INVALID_CHARACTERS'],
      ['input.firstName', 'INVALID_CHARACTERS'],
      ['input.lastName', 'INVALID_CHARACTERS'],
    ]);
    expect(errors.every((error) => error.message.endsWith('must not contain control characters'))).toBe(true);
  });

  it('bounds every string field of every mutation: email at 254, ids at 128, other text at 256', async () => {
    const email = `${'e'.repeat(243)}@example.org`;
    expect(email).toHaveLength(255);
    const long = 'x'.repeat(257);
    const id = `usr_${'9'.repeat(125)}`;
    expect(
      (await refused(UPDATE, { id: 'usr_any', email, displayName: long, accountId: id }, long)).map((error) => [
        error.field!.join('.'),
        error.code,
      ]),
    ).toEqual([
      ['input.email', 'INPUT_TOO_LONG'],
      ['input.displayName', 'INPUT_TOO_LONG'],
      ['input.accountId', 'INPUT_TOO_LONG'],
    ]);
    const errors = await refused(PERMISSIONS, { id, permissions: { mailClass: { name: long } } }, long);
    expect(errors.map((error) => [error.field!.join('.'), error.code])).toEqual([
      ['input.id', 'INPUT_TOO_LONG'],
      ['input.permissions.mailClass.name', 'INPUT_TOO_LONG'],
    ]);
    expect(
      (await refused(CREATE, person({ country: long, locale: long, phone: long }), long)).map((error) =>
        error.field!.join('.'),
      ),
    ).toEqual(['input.phone', 'input.country', 'input.locale']);
  });

  it("lets an input at its bounds through to the vendors' own rules", async () => {
    const response = await graphql<{ createUser: Payload }>(app, CREATE, {
      input: person({ idempotencyKey: `edge-${'k'.repeat(123)}`, lastName: 'L'.repeat(256) }),
    });
    expect(
      response.data!.createUser.userErrors.filter(
        (error) => error.code === 'INPUT_TOO_LONG' || error.code === 'INVALID_CHARACTERS',
      ),
    ).toEqual([]);
  });

  it('reads its bounds from the environment, validated like every setting', () => {
    expect(readInputBounds(new EnvReader({}))).toEqual(DEFAULT_INPUT_BOUNDS);
    const read = new EnvReader({
      INPUT_MAX_PASSWORD_LENGTH: '64',
      INPUT_MAX_IDEMPOTENCY_KEY_LENGTH: '40',
      INPUT_MAX_TEXT_LENGTH: '100',
    });
    const bounds = readInputBounds(read);
    expect(bounds).toEqual({ maxPasswordLength: 64, maxIdempotencyKeyLength: 40, maxTextLength: 100 });
    expect(inputBoundProblems({ id: 'usr_1', password: 'p'.repeat(65) }, bounds)).toEqual([
      expect.objectContaining({ code: 'INPUT_TOO_LONG', message: 'password must be at most 64 characters long' }),
    ]);
    const bad = new EnvReader({ INPUT_MAX_PASSWORD_LENGTH: '4' });
    readInputBounds(bad);
    expect(bad.problems).toEqual([expect.stringContaining('INPUT_MAX_PASSWORD_LENGTH')]);
  });
});
