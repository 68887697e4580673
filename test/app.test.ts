import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { startApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { createSources, closeSources } from '../src/sources';
import { post, spawnGateway } from './helpers/gateway-process';

/** Boots exactly what `npm start` boots, on free ports, with every log line captured. */
const EPHEMERAL = { PORT: '0', DATA_DIR: ':memory:', SIM_RAINMAKER_PORT: '0', SIM_ENGAGEMENT_PORT: '0', SIM_GREENARROW_PORT: '0', SIM_USER_MANAGEMENT_PORT: '0' };

function capturingLogger(lines: string[]) {
  return createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
}

describe('the app npm start runs', () => {
  const lines: string[] = [];
  const logger = capturingLogger(lines);
  const config = loadConfig({ ...EPHEMERAL, VENDOR_TIMEOUT_MS: '1500', SIM_FAULTS: '{"GREENARROW": {"getUser": {"status": 503}}}' });
  let app: App;

  beforeAll(async () => {
    app = await startApp(config, logger);
  });
  afterAll(() => app.stop());

  it('starts one simulator per vendor and a datasource that reaches each of them', async () => {
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = app.sources;
    await expect(RAINMAKER!.createUser({ userName: 'new.person@example.com', password: 'Str0ng-Passw0rd' })).resolves.toMatchObject({ message: expect.any(String) });
    await expect(RAINMAKER!.deleteUser('new.person@example.com')).resolves.toMatchObject({ message: expect.any(String) });
    expect((await ENGAGEMENT!.listMembers({ start: 0, pageSize: 5 })).total).toBe(24);
    expect((await GREENARROW!.listUsers({})).total).toBe(app.simulators.simulators.GREENARROW!.store.size);
    const acme = await USER_MANAGEMENT!.usersByAccount('1');
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((user) => user.accountId === '1')).toBe(true);
  });

  it('seeds people who exist in several vendors under one email address', async () => {
    const greenArrowEmails = new Set<string>();
    for await (const user of app.sources.GREENARROW!.users()) greenArrowEmails.add(user.email);
    const engagementEmails: string[] = [];
    for await (const member of app.sources.ENGAGEMENT!.members()) engagementEmails.push(member.email);
    expect(engagementEmails.filter((email) => greenArrowEmails.has(email)).length).toBeGreaterThan(5);
  });

  it('applies the faults given in SIM_FAULTS', async () => {
    const [someone] = app.simulators.simulators.GREENARROW!.store.all();
    await expect(app.sources.GREENARROW!.getUser(String(someone!.id))).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', status: 503 });
  });

  it('stops idempotently', async () => {
    const second = await startApp(loadConfig(EPHEMERAL), logger);
    await Promise.all([second.stop(), second.stop()]);
    await expect(second.simulators.simulators.ENGAGEMENT!.openConnections()).resolves.toBe(0);
  });

  it('never puts a credential into an error message or a log line, on any error path', async () => {
    const { endpoints, simulators } = app.simulators;
    const wrong = {
      RAINMAKER: { ...endpoints.RAINMAKER!, secretAccessKey: 'WRONG-rainmaker-secret-0001' },
      ENGAGEMENT: { ...endpoints.ENGAGEMENT!, password: 'WRONG-engagement-password-0002' },
      GREENARROW: { ...endpoints.GREENARROW!, password: 'WRONG-greenarrow-password-0003' },
      USER_MANAGEMENT: { ...endpoints.USER_MANAGEMENT!, apiKey: 'WRONG-user-management-key-0004' },
    };
    const impostors = createSources(config.vendors, wrong, { logger });
    const errors: unknown[] = [];
    const failing = async (call: Promise<unknown>) => errors.push(await call.then(() => new Error('unexpected success'), (error: unknown) => error));
    try {
      // Refused credentials, at every vendor.
      await failing(impostors.RAINMAKER!.createUser({ userName: 'x@example.com', password: 'Str0ng-Passw0rd' }));
      await failing(impostors.ENGAGEMENT!.listMembers({}));
      await failing(impostors.GREENARROW!.getUser('1'));
      await failing(impostors.USER_MANAGEMENT!.getUser('1'));
      // Vendor-side rejections, conflicts and unknown records with the right credentials.
      const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = app.sources;
      const taken = simulators.ENGAGEMENT!.store.all()[0]!;
      await failing(ENGAGEMENT!.createMember({ firstName: 'A', lastName: 'B', country: 'India', email: taken.email }));
      await failing(ENGAGEMENT!.createMember({ firstName: 'A', lastName: 'B', country: 'USA', email: 'no-state@example.com' }));
      await failing(RAINMAKER!.updatePassword('nobody@example.com', 'Str0ng-Passw0rd'));
      await failing(GREENARROW!.createUser({ email: 'weak@example.com', password: '', permissions: { injection: 'ALL', api: 'FULL', ui: 'FULL' } }));
      await failing(USER_MANAGEMENT!.addUser({ displayName: 'X', email: 'x@example.com', accountId: '999', username: 'x', password: 'Str0ng-Passw0rd' }));
      // Transport failures: a hang, a malformed body, a server error.
      simulators.USER_MANAGEMENT!.setFault('usersByAccount', { hang: true });
      await failing(USER_MANAGEMENT!.usersByAccount('1'));
      simulators.ENGAGEMENT!.setFault('listMembers', { malformed: 'json' });
      await failing(ENGAGEMENT!.listMembers({}));
      simulators.RAINMAKER!.setFault('deleteUser', { status: 500 });
      await failing(RAINMAKER!.deleteUser('someone@example.com'));
    } finally {
      for (const simulator of Object.values(simulators)) simulator.clearFaults();
      await closeSources(impostors);
    }

    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      'VENDOR_UNAUTHORIZED',
      'VENDOR_UNAUTHORIZED',
      'VENDOR_UNAUTHORIZED',
      'VENDOR_UNAUTHORIZED',
      'VENDOR_CONFLICT',
      'VENDOR_REJECTED',
      'VENDOR_NOT_FOUND',
      'VENDOR_REJECTED',
      'VENDOR_REJECTED',
      'VENDOR_TIMEOUT',
      'VENDOR_BAD_RESPONSE',
      'VENDOR_UNAVAILABLE',
    ]);
    const credentials = [
      endpoints.RAINMAKER!.secretAccessKey,
      endpoints.ENGAGEMENT!.password,
      endpoints.GREENARROW!.password,
      endpoints.USER_MANAGEMENT!.apiKey,
      ...Object.values(wrong).map((endpoint) => Object.values(endpoint).find((value) => String(value).startsWith('WRONG-'))!),
      'Str0ng-Passw0rd',
    ];
    const errorText = errors.map((error) => `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).join('\n');
    const everything = `${errorText}\n${lines.join('')}`;
    expect(lines.length).toBeGreaterThan(10);
    for (const credential of credentials) expect(everything).not.toContain(credential);
    // Basic auth travels base64-encoded: the encoded forms must not leak either.
    for (const [user, password] of [
      [endpoints.ENGAGEMENT!.username, endpoints.ENGAGEMENT!.password],
      [endpoints.GREENARROW!.username, endpoints.GREENARROW!.password],
    ]) {
      expect(everything).not.toContain(Buffer.from(`${user}:${password}`).toString('base64'));
    }
  });
});

describe('startup failures', () => {
  it('names the busy port and the variable that moves it, leaving nothing listening', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const config = loadConfig({ ...EPHEMERAL, SIM_GREENARROW_PORT: String(port) });
      await expect(startApp(config, createLogger({ level: 'silent' }))).rejects.toThrow(
        `The GREENARROW simulator could not start: port ${port} is in use (set SIM_GREENARROW_PORT)`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses a fault on a route the simulator does not have, naming the routes it has', async () => {
    const config = loadConfig({ ...EPHEMERAL, SIM_FAULTS: '{"ENGAGEMENT": {"getMember": {"hang": true}}}' });
    await expect(startApp(config, createLogger({ level: 'silent' }))).rejects.toThrow(
      'SIM_FAULTS: engagement: no route named "getMember" (routes: createMember, listMembers, deleteMember)',
    );
  });
});

describe('the gateway process', () => {
  it('serves the seeded graph with its own simulators, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const gateway = await spawnGateway({ ...EPHEMERAL, LOG_LEVEL: 'info' });
    try {
      const answer = await post<{ user: { identities: { source: string }[] } | null }>(gateway.url, 'query($email: String) { user(email: $email) { identities { source } } }', {
        email: 'ada.lovelace0@example.com',
      });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.user?.identities).toHaveLength(4);
      expect(gateway.logs.filter((entry) => String(entry['msg']).endsWith('simulator listening')).map((entry) => entry['url'])).toEqual([
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      ]);
    } finally {
      gateway.process.kill('SIGINT');
    }
    expect(await gateway.exited).toBe(0);
    expect(gateway.logs.map((entry) => entry['msg']).slice(-2)).toEqual(['stopping', 'stopped']);
  });
});
