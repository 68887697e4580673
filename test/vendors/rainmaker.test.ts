import { Writable } from 'node:stream';
import { MockAgent, request } from 'undici';
import type { RainMakerSettings } from '../../src/vendors/rainmaker/settings';
import { createLogger, silentLogger } from '../../src/platform/logger';
import { seedPeople } from '../../src/simulators/kit/seed';
import { RainMakerSimulator, rainMakerSeedUsers } from '../../src/simulators/rainmaker';
import { RainMakerClient, type RainMakerDeps } from '../../src/vendors/rainmaker/client';
import { messages } from '../../src/vendors/rainmaker/contract';
import { SigV4Signer } from '../../src/vendors/rainmaker/sigv4';
import type { HttpMethod, OutgoingRequest } from '../../src/vendors/transport/http';

const CREDENTIALS = { accessKeyId: 'AKIDRAINMAKERTEST', secretAccessKey: 'rm-secret/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION_TOKEN = 'FQoGZXIvYXdzEXAMPLESESSIONTOKEN//+token';
const SCOPE = { region: 'eu-west-1', service: 'execute-api' };
const PASSWORD = 'Correct-Horse-9';

/** Every secret a test uses; none may appear in an error or a log line. */
const SECRETS = [
  CREDENTIALS.secretAccessKey,
  SESSION_TOKEN,
  'wrong-secret-value-1234',
  'FQoGZXIvWRONGTOKEN',
  PASSWORD,
  'N3w-Passw0rd!',
];

/** The people the seed puts into RainMaker under their email address, and under their phone. */
const people = seedPeople();
const seededEmail = people.find((person, index) => person.in.rainmaker && index % 8 !== 5)!.email;
const seededPhone = people[5].phone;

describe('RainMaker client against its simulator', () => {
  const sim = new RainMakerSimulator({ credentials: CREDENTIALS, ...SCOPE });
  const tokenSim = new RainMakerSimulator({
    credentials: { ...CREDENTIALS, sessionToken: SESSION_TOKEN },
    ...SCOPE,
    seed: false,
  });
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
  const errors: unknown[] = [];
  const clients: RainMakerClient[] = [];
  let rainMaker: RainMakerClient;

  function settings(overrides: Partial<RainMakerSettings> = {}): RainMakerSettings {
    return {
      baseUrl: sim.url,
      ...CREDENTIALS,
      ...SCOPE,
      apiVersion: 'v1',
      timeoutMs: 2_000,
      retries: 2,
      connections: 4,
      resilience: { breakerThreshold: 1_000 },
      ...overrides,
    };
  }

  function client(overrides: Partial<RainMakerSettings> = {}, deps: Partial<RainMakerDeps> = {}): RainMakerClient {
    const created = new RainMakerClient(settings(overrides), { logger, ...deps });
    clients.push(created);
    return created;
  }

  /** Awaits a call that must fail, and keeps the error for the final no-secrets check. */
  async function failureOf(call: Promise<unknown>): Promise<unknown> {
    const error = await call.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (caught: unknown) => caught,
    );
    errors.push(error);
    return error;
  }

  /** Sends a request the client never would, signed (or not) as given, straight to a simulator. */
  async function raw(
    options: {
      method?: HttpMethod;
      path?: string;
      body?: string;
      sign?: boolean;
      signingDate?: Date;
      target?: RainMakerSimulator;
      sessionToken?: string;
      secretAccessKey?: string;
    } = {},
  ): Promise<{ status: number; body: { status: string; description: string } }> {
    const url = new URL(options.path ?? '/v1/admin/user2', (options.target ?? sim).url);
    let outgoing: OutgoingRequest = {
      method: options.method ?? 'POST',
      url,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: options.body,
    };
    if (options.sign ?? true) {
      const secretAccessKey = options.secretAccessKey ?? CREDENTIALS.secretAccessKey;
      const signer = new SigV4Signer({ ...CREDENTIALS, secretAccessKey, sessionToken: options.sessionToken }, SCOPE);
      outgoing = await signer.signOutgoing(outgoing, options.signingDate);
    }
    const response = await request(url, { method: outgoing.method, headers: outgoing.headers, body: outgoing.body });
    return {
      status: response.statusCode,
      body: (await response.body.json()) as { status: string; description: string },
    };
  }

  beforeAll(async () => {
    await sim.listen();
    await tokenSim.listen();
    rainMaker = client();
  });
  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await sim.close();
    await tokenSim.close();
  });
  beforeEach(() => {
    for (const each of [sim, tokenSim]) {
      each.resetCalls();
      each.clearFaults();
      each.reset();
    }
  });

  it('seeds the RainMaker people, by email and some by phone number', () => {
    expect(sim.store.size).toBe(people.filter((person) => person.in.rainmaker).length);
    expect(sim.store.get(seededEmail.toUpperCase())).toEqual({ userName: seededEmail, locale: 'no_locale' });
    expect(sim.store.get(seededPhone)).toEqual({ userName: seededPhone, locale: 'no_locale' });
    expect(rainMakerSeedUsers().filter((user) => user.userName.startsWith('+'))).toHaveLength(4);
  });

  it('takes hundreds of users straight into its store, which the client then sees', async () => {
    const before = sim.store.size;
    sim.store.insertMany(
      Array.from({ length: 250 }, (_, index) => ({ userName: `bulk${index}@example.com`, locale: 'DE' })),
    );
    expect(sim.store.size).toBe(before + 250);
    expect(sim.store.get('bulk249@example.com')).toEqual({ userName: 'bulk249@example.com', locale: 'de' });
    expect(() => sim.store.insert({ userName: 'BULK0@example.com' })).toThrow('already exists');
    expect(() => sim.store.insert({ userName: 'not a user name' })).toThrow(TypeError);
    await expect(rainMaker.deleteUser('bulk7@example.com')).resolves.toEqual({ message: messages.deleted });
    expect(sim.store.has('bulk7@example.com')).toBe(false);
    expect(sim.calls()).toEqual({ deleteUser: 1 });
  });

  it('creates a user with a correctly signed request, storing the email lower-cased and only a hash', async () => {
    await expect(rainMaker.createUser({ userName: 'New.Person@Example.com', password: PASSWORD })).resolves.toEqual({
      message: messages.created,
    });
    expect(sim.calls('createUser')).toBe(1);
    expect(sim.store.get('new.person@example.com')).toEqual({
      userName: 'new.person@example.com',
      locale: 'no_locale',
    });
    expect(sim.store.verifyPassword('NEW.PERSON@example.com', PASSWORD)).toBe(true);
    expect(JSON.stringify(sim.store.all())).not.toContain(PASSWORD);
  });

  it('sends the locale lower-cased and the simulator stores it so; an empty locale means the default', async () => {
    await rainMaker.createUser({ userName: 'locale@example.com', password: PASSWORD, locale: 'EN_US' });
    await rainMaker.createUser({ userName: 'nolocale@example.com', password: PASSWORD, locale: '' });
    expect(sim.store.get('locale@example.com')?.locale).toBe('en_us');
    expect(sim.store.get('nolocale@example.com')?.locale).toBe('no_locale');
    const upper = await raw({
      path: '/v1/admin/user2?locale=FR_fr',
      body: JSON.stringify({ user_name: 'raw@example.com', password: PASSWORD }),
    });
    expect(upper.status).toBe(200);
    expect(sim.store.get('raw@example.com')?.locale).toBe('fr_fr');
    expect(sim.calls('createUser')).toBe(3);
  });

  it('rejects the reserved locale rm_non_branded in any case', async () => {
    const error = await failureOf(
      rainMaker.createUser({ userName: 'reserved@example.com', password: PASSWORD, locale: 'RM_Non_Branded' }),
    );
    expect(error).toMatchObject({
      code: 'VENDOR_REJECTED',
      source: 'RAINMAKER',
      status: 400,
      vendorMessage: messages.invalidLocale,
    });
    expect(sim.store.has('reserved@example.com')).toBe(false);
    expect(sim.calls('createUser')).toBe(1);
  });

  it('works with an E.164 phone number as user name: create, update, delete', async () => {
    const phone = '+919876543210';
    await expect(rainMaker.createUser({ userName: phone, password: PASSWORD })).resolves.toEqual({
      message: messages.created,
    });
    await expect(rainMaker.updatePassword(phone, 'N3w-Passw0rd!')).resolves.toEqual({
      message: messages.passwordUpdated,
    });
    expect(sim.store.verifyPassword(phone, 'N3w-Passw0rd!')).toBe(true);
    await expect(rainMaker.deleteUser(phone)).resolves.toEqual({ message: messages.deleted });
    expect(sim.store.has(phone)).toBe(false);
    expect(sim.calls()).toEqual({ createUser: 1, updatePassword: 1, deleteUser: 1 });
  });

  it('rejects a user name that is neither an email address nor an E.164 number', async () => {
    for (const userName of ['not-an-email', '+0123456789', '+1234567', '0049301234567']) {
      const error = await failureOf(rainMaker.createUser({ userName, password: PASSWORD }));
      expect(error).toMatchObject({ code: 'VENDOR_REJECTED', source: 'RAINMAKER', status: 400 });
      expect((error as { vendorMessage?: string }).vendorMessage).toContain(
        'user_name must be a valid email address or an E.164 phone number',
      );
    }
    expect(sim.calls('createUser')).toBe(4);
  });

  it('rejects a password shorter than the minimum without echoing it', async () => {
    const error = await failureOf(rainMaker.createUser({ userName: 'short@example.com', password: 'abc' }));
    expect(error).toMatchObject({
      code: 'VENDOR_REJECTED',
      vendorMessage: 'Invalid request: password must be at least 8 characters long',
    });
  });

  it('answers a duplicate create, in another letter case, as a conflict naming the existing user', async () => {
    const error = await failureOf(rainMaker.createUser({ userName: seededEmail.toUpperCase(), password: PASSWORD }));
    expect(error).toMatchObject({
      code: 'VENDOR_CONFLICT',
      source: 'RAINMAKER',
      status: 400,
      vendorMessage: messages.userExists,
      existingId: seededEmail,
    });
    const phone = await failureOf(rainMaker.createUser({ userName: seededPhone, password: PASSWORD }));
    expect(phone).toMatchObject({ code: 'VENDOR_CONFLICT', existingId: seededPhone });
    expect(sim.calls('createUser')).toBe(2);
  });

  it('updates the password of an existing user', async () => {
    await expect(rainMaker.updatePassword(seededEmail, 'N3w-Passw0rd!')).resolves.toEqual({
      message: messages.passwordUpdated,
    });
    expect(sim.store.verifyPassword(seededEmail, 'N3w-Passw0rd!')).toBe(true);
    expect(sim.calls('updatePassword')).toBe(1);
  });

  it('deletes an existing user, matching the email case-insensitively', async () => {
    const before = sim.store.size;
    await expect(rainMaker.deleteUser(seededEmail.toUpperCase())).resolves.toEqual({ message: messages.deleted });
    expect(sim.store.size).toBe(before - 1);
    expect(sim.store.has(seededEmail)).toBe(false);
    expect(sim.calls('deleteUser')).toBe(1);
  });

  it('answers an unknown user on update and on delete as not found', async () => {
    const update = await failureOf(rainMaker.updatePassword('nobody@example.com', 'N3w-Passw0rd!'));
    expect(update).toMatchObject({
      code: 'VENDOR_NOT_FOUND',
      source: 'RAINMAKER',
      status: 404,
      vendorMessage: messages.userNotFound,
    });
    const remove = await failureOf(rainMaker.deleteUser('nobody@example.com'));
    expect(remove).toMatchObject({
      code: 'VENDOR_NOT_FOUND',
      source: 'RAINMAKER',
      status: 404,
      vendorMessage: messages.userNotFound,
    });
    expect(sim.calls()).toEqual({ updatePassword: 1, deleteUser: 1 });
  });

  it('rejects any API version other than v1', async () => {
    const v2 = client({ apiVersion: 'v2' });
    const error = await failureOf(v2.createUser({ userName: 'v2@example.com', password: PASSWORD }));
    expect(error).toMatchObject({
      code: 'VENDOR_REJECTED',
      source: 'RAINMAKER',
      status: 400,
      vendorMessage: messages.invalidApiVersion,
    });
    expect(sim.store.has('v2@example.com')).toBe(false);
    expect(sim.calls('createUser')).toBe(1);
  });

  it('is refused with a wrong secret key or an unknown access key', async () => {
    const wrongSecret = client({ secretAccessKey: 'wrong-secret-value-1234' });
    const error = await failureOf(wrongSecret.createUser({ userName: 'wrong@example.com', password: PASSWORD }));
    expect(error).toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
      source: 'RAINMAKER',
      status: 403,
      vendorMessage: 'The request signature we calculated does not match the signature you provided.',
    });
    const unknownKey = client({ accessKeyId: 'AKIDUNKNOWN' });
    await expect(failureOf(unknownKey.deleteUser(seededEmail))).resolves.toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
      status: 403,
    });
    expect(sim.store.has('wrong@example.com')).toBe(false);
    expect(sim.store.has(seededEmail)).toBe(true);
    expect(sim.calls()).toEqual({ createUser: 1, deleteUser: 1 });
  });

  it('answers a request without an Authorization header with 403', async () => {
    const response = await raw({
      sign: false,
      body: JSON.stringify({ user_name: 'unsigned@example.com', password: PASSWORD }),
    });
    expect(response).toEqual({ status: 403, body: { status: 'failure', description: 'Missing Authentication Token' } });
    expect(sim.store.has('unsigned@example.com')).toBe(false);
  });

  it('checks the signature before any injected fault, as the other vendors check credentials first', async () => {
    sim.setFault('createUser', { status: 500 });
    const response = await raw({
      sign: false,
      body: JSON.stringify({ user_name: 'unsigned@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(403);
    await expect(
      failureOf(rainMaker.createUser({ userName: 'signed@example.com', password: PASSWORD })),
    ).resolves.toMatchObject({
      code: 'VENDOR_UNAVAILABLE',
      status: 500,
    });
  });

  it('answers a request signed 16 minutes ago with 403, sent raw or by a client with a slow clock', async () => {
    const sixteenMinutesAgo = () => new Date(Date.now() - 16 * 60_000);
    const response = await raw({
      signingDate: sixteenMinutesAgo(),
      body: JSON.stringify({ user_name: 'old@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({
      status: 'failure',
      description: expect.stringMatching(/^Signature expired/),
    });
    const slow = client({}, { now: sixteenMinutesAgo });
    await expect(
      failureOf(slow.createUser({ userName: 'old@example.com', password: PASSWORD })),
    ).resolves.toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
      vendorMessage: expect.stringMatching(
        /^Signature expired: \d{8}T\d{6}Z is outside the allowed 15 minutes of [^\n]*\.$/,
      ),
    });
    const fourteenMinutesAgo = client({}, { now: () => new Date(Date.now() - 14 * 60_000) });
    await expect(fourteenMinutesAgo.createUser({ userName: 'old@example.com', password: PASSWORD })).resolves.toEqual({
      message: messages.created,
    });
  });

  it('signs the session token and accepts it; refuses a missing or wrong token', async () => {
    const withToken = client({ baseUrl: tokenSim.url, sessionToken: SESSION_TOKEN });
    await expect(withToken.createUser({ userName: 'token@example.com', password: PASSWORD })).resolves.toEqual({
      message: messages.created,
    });
    expect(tokenSim.store.has('token@example.com')).toBe(true);
    const withoutToken = client({ baseUrl: tokenSim.url });
    await expect(failureOf(withoutToken.deleteUser('token@example.com'))).resolves.toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
    });
    const wrongToken = client({ baseUrl: tokenSim.url, sessionToken: 'FQoGZXIvWRONGTOKEN' });
    await expect(failureOf(wrongToken.deleteUser('token@example.com'))).resolves.toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
    });
    const tokenOnPermanentKeys = client({ sessionToken: SESSION_TOKEN });
    await expect(failureOf(tokenOnPermanentKeys.deleteUser(seededEmail))).resolves.toMatchObject({
      code: 'VENDOR_UNAUTHORIZED',
    });
    expect(tokenSim.store.has('token@example.com')).toBe(true);
    expect(tokenSim.calls()).toEqual({ createUser: 1, deleteUser: 2 });
  });

  it('keeps only the first sentence of a signature mismatch, whose canonical request carries the token', async () => {
    const mismatch = await raw({
      target: tokenSim,
      sessionToken: SESSION_TOKEN,
      secretAccessKey: 'wrong-secret-value-1234',
      body: '{}',
    });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.description).toContain(`x-amz-security-token:${SESSION_TOKEN}`);
    const badSecret = client({
      baseUrl: tokenSim.url,
      sessionToken: SESSION_TOKEN,
      secretAccessKey: 'wrong-secret-value-1234',
    });
    const error = await failureOf(badSecret.createUser({ userName: 'leak@example.com', password: PASSWORD }));
    expect(error).toMatchObject({ code: 'VENDOR_UNAUTHORIZED', status: 403 });
    expect((error as Error).message).toBe('RAINMAKER: createUser answered HTTP 403');
    expect((error as { vendorMessage?: string }).vendorMessage).toBe(
      'The request signature we calculated does not match the signature you provided.',
    );
  });

  it('answers bad JSON, an empty body, wrong types, missing and unknown fields with 400 failures', async () => {
    const cases: [HttpMethod, string | undefined, string][] = [
      ['POST', '{"user_name": ', messages.invalidJson],
      ['POST', undefined, messages.bodyRequired],
      ['POST', '["a@example.com"]', 'Invalid request: Request body must be a JSON object'],
      ['POST', JSON.stringify({ user_name: 42, password: PASSWORD }), 'Invalid request: user_name must be a string'],
      ['POST', JSON.stringify({ user_name: 'a@example.com' }), 'Invalid request: password is required'],
      [
        'POST',
        JSON.stringify({ user_name: 'a@example.com', password: PASSWORD, role: 'admin' }),
        'Invalid request: Unknown field "role"',
      ],
      ['PUT', JSON.stringify({ user_name: seededEmail }), 'Invalid request: password is required'],
      ['PUT', JSON.stringify({ user_name: seededEmail, password: null }), 'Invalid request: password must be a string'],
      [
        'DELETE',
        JSON.stringify({ user_name: seededEmail, password: PASSWORD }),
        'Invalid request: Unknown field "password"',
      ],
      ['DELETE', JSON.stringify({}), 'Invalid request: user_name is required'],
    ];
    for (const [method, body, description] of cases) {
      await expect(raw({ method, body })).resolves.toEqual({ status: 400, body: { status: 'failure', description } });
    }
    expect(sim.store.has('a@example.com')).toBe(false);
    expect(sim.store.has(seededEmail)).toBe(true);
    expect(sim.calls()).toEqual({ createUser: 6, updatePassword: 2, deleteUser: 2 });
  });

  it('answers an unknown route with its own failure envelope', async () => {
    await expect(raw({ method: 'GET' })).resolves.toEqual({
      status: 404,
      body: { status: 'failure', description: 'No route for GET /v1/admin/user2' },
    });
  });

  it('reports an injected 500 as VENDOR_UNAVAILABLE without retrying the write', async () => {
    sim.setFault('createUser', { status: 500 });
    const error = await failureOf(rainMaker.createUser({ userName: 'fault@example.com', password: PASSWORD }));
    expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', source: 'RAINMAKER', status: 500, retryable: true });
    expect(sim.calls('createUser')).toBe(1);
    sim.setFault('*', { status: 503 });
    await expect(failureOf(rainMaker.deleteUser(seededEmail))).resolves.toMatchObject({
      code: 'VENDOR_UNAVAILABLE',
      status: 503,
    });
    expect(sim.calls('deleteUser')).toBe(1);
    expect(sim.store.has(seededEmail)).toBe(true);
  });

  it('reports a vendor that does not answer in time as VENDOR_TIMEOUT', async () => {
    sim.setFault('updatePassword', { hang: true });
    const impatient = client({ timeoutMs: 200 });
    const error = await failureOf(impatient.updatePassword(seededEmail, 'N3w-Passw0rd!'));
    expect(error).toMatchObject({ code: 'VENDOR_TIMEOUT', source: 'RAINMAKER', retryable: true });
    expect(sim.calls('updatePassword')).toBe(1);
  });

  it('reports a body that is not JSON, or not the envelope, as VENDOR_BAD_RESPONSE', async () => {
    sim.setFault('createUser', { malformed: 'json' });
    await expect(
      failureOf(rainMaker.createUser({ userName: 'json@example.com', password: PASSWORD })),
    ).resolves.toMatchObject({
      code: 'VENDOR_BAD_RESPONSE',
      source: 'RAINMAKER',
      status: 200,
    });
    sim.setFault('createUser', { malformed: 'shape' });
    await expect(
      failureOf(rainMaker.createUser({ userName: 'shape@example.com', password: PASSWORD })),
    ).resolves.toMatchObject({
      code: 'VENDOR_BAD_RESPONSE',
      source: 'RAINMAKER',
    });
    expect(sim.calls('createUser')).toBe(2);
    expect(rainMaker.http.health.lastError).toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
  });

  it('treats a 2xx envelope whose status is "failure" as VENDOR_REJECTED', async () => {
    // The simulator never answers so; a mock dispatcher plays the vendor for this one case.
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://rainmaker.test')
      .intercept({ path: '/v1/admin/user2', method: 'DELETE' })
      .reply(200, { status: 'failure', description: 'User could not be deleted' });
    const mocked = new RainMakerClient(settings({ baseUrl: 'http://rainmaker.test' }), {
      logger: silentLogger,
      dispatcher: agent,
    });
    try {
      const error = await failureOf(mocked.deleteUser('someone@example.com'));
      expect(error).toMatchObject({
        code: 'VENDOR_REJECTED',
        source: 'RAINMAKER',
        status: 200,
        vendorMessage: 'User could not be deleted',
      });
      agent.assertNoPendingInterceptors();
    } finally {
      await mocked.close();
      await agent.close();
    }
  });

  it('validates its settings when constructed', () => {
    expect(() => new RainMakerClient(settings({ secretAccessKey: '' }), { logger: silentLogger })).toThrow(
      'secretAccessKey must be a non-empty string',
    );
    expect(() => new RainMakerClient(settings({ apiVersion: 'v1/../x' }), { logger: silentLogger })).toThrow(
      'apiVersion must be one path segment',
    );
  });

  it('never puts a secret key, session token or password into an error or a log line', () => {
    expect(errors.length).toBeGreaterThan(20);
    const seen = [
      ...errors.map((error) => `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`),
      ...logLines,
    ].join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
  });
});
