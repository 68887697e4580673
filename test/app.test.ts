import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../src/config';
import { createLogger, type Logger } from '../src/platform/logger';
import { simulatorEnv } from '../src/simulators';
import { GreenArrowSimulator } from '../src/simulators/greenarrow';
import { EngagementClient } from '../src/vendors/engagement/client';
import { GreenArrowClient } from '../src/vendors/greenarrow/client';
import { RainMakerClient } from '../src/vendors/rainmaker/client';
import { UserManagementClient } from '../src/vendors/user-management/client';
import type { VendorPlacement } from '../src/vendors/kit/module';
import { StartupError } from '../src/platform/startup-error';
import { bootGateway, graphql, type BootedGateway } from './helpers/gateway';
import {
  TEST_API_KEY,
  TEST_AUTH_ENV,
  post,
  runToExit,
  spawnGateway,
  spawnSimulators,
  type GatewayProcess,
  type SimulatorsProcess,
} from './helpers/gateway-process';
import { SIMULATORS_ON_FREE_PORTS } from './helpers/vendor-fixture';

/** Every port free, nothing kept: what a test process gives the entries it runs. */
const EPHEMERAL = {
  PORT: '0',
  DATA_DIR: ':memory:',
  ...SIMULATORS_ON_FREE_PORTS,
};
const SOURCES_QUERY = '{ sources { source configured reachable } }';

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

/**
 * A vendor client per vendor of a configuration, built here rather than taken from the gateway (which
 * keeps them inside its adapters), for the calls these tests make at each vendor directly.
 */
function vendorClientsOf(vendors: Config['vendors'], logger: Logger) {
  const settings = <Tuning, Endpoint>(placement: VendorPlacement<Tuning, Endpoint>) => {
    if (placement.mode !== 'remote') throw new TypeError('vendorClientsOf: every vendor needs a base URL');
    return { ...placement.tuning, ...placement.endpoint };
  };
  const clients = {
    RAINMAKER: new RainMakerClient(settings(vendors.RAINMAKER), { logger }),
    ENGAGEMENT: new EngagementClient(settings(vendors.ENGAGEMENT), { logger }),
    GREENARROW: new GreenArrowClient(settings(vendors.GREENARROW), { logger }),
    USER_MANAGEMENT: new UserManagementClient(settings(vendors.USER_MANAGEMENT), { logger }),
  };
  return { ...clients, close: () => Promise.all(Object.values(clients).map((client) => client.close())) };
}

/** A server holding a port on 127.0.0.1, so that whatever is told to listen there finds it taken. */
async function occupyPort(): Promise<{ port: number; release(): Promise<void> }> {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  return { port, release: () => new Promise<void>((resolve) => blocker.close(() => resolve())) };
}

describe('the app npm start runs', () => {
  const lines: string[] = [];
  const logger = capturingLogger(lines);
  const env = { VENDOR_TIMEOUT_MS: '1500', SIM_FAULTS: '{"GREENARROW": {"getUser": {"status": 503}}}' };
  let app: BootedGateway;
  let clients: ReturnType<typeof vendorClientsOf>;

  beforeAll(async () => {
    app = await bootGateway(env, logger);
    clients = vendorClientsOf(loadConfig({ ...env, ...simulatorEnv(app.simulators) }).vendors, logger);
  });
  afterAll(async () => {
    await clients.close();
    await app.stop();
  });

  it('starts one simulator per vendor, each reachable with the endpoint the gateway is given', async () => {
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = clients;
    await expect(
      RAINMAKER.createUser({ userName: 'new.person@example.com', password: 'Str0ng-Passw0rd' }),
    ).resolves.toMatchObject({ message: expect.any(String) });
    await expect(RAINMAKER.deleteUser('new.person@example.com')).resolves.toMatchObject({
      message: expect.any(String),
    });
    expect((await ENGAGEMENT.listMembers({ start: 0, pageSize: 5 })).total).toBe(24);
    expect((await GREENARROW.listUsers({})).total).toBe(app.simulators.simulators.GREENARROW!.store.size);
    const acme = await USER_MANAGEMENT.usersByAccount('1');
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((user) => user.accountId === '1')).toBe(true);
  });

  it('seeds people who exist in several vendors under one email address', async () => {
    const greenArrowEmails = new Set<string>();
    for await (const user of clients.GREENARROW.users()) greenArrowEmails.add(user.email);
    const engagementEmails: string[] = [];
    for await (const member of clients.ENGAGEMENT.members()) engagementEmails.push(member.email);
    expect(engagementEmails.filter((email) => greenArrowEmails.has(email)).length).toBeGreaterThan(5);
  });

  it('applies the faults given in SIM_FAULTS', async () => {
    const [someone] = app.simulators.simulators.GREENARROW!.store.all();
    await expect(clients.GREENARROW.getUser(String(someone.id))).rejects.toMatchObject({
      code: 'VENDOR_UNAVAILABLE',
      status: 503,
    });
  });

  it('stops idempotently', async () => {
    const second = await bootGateway({}, logger);
    await Promise.all([second.stop(), second.stop()]);
    await expect(second.simulators.simulators.ENGAGEMENT!.openConnections()).resolves.toBe(0);
  });

  it('never puts a credential into an error message or a log line, on any error path', async () => {
    const { endpoints, simulators } = app.simulators;
    const wrong = {
      RAINMAKER_SECRET_ACCESS_KEY: 'WRONG-rainmaker-secret-0001',
      ENGAGEMENT_PASSWORD: 'WRONG-engagement-password-0002',
      GREENARROW_PASSWORD: 'WRONG-greenarrow-password-0003',
      USER_MANAGEMENT_API_KEY: 'WRONG-user-management-key-0004',
    };
    const impostors = vendorClientsOf(
      loadConfig({ ...env, ...simulatorEnv(app.simulators), ...wrong }).vendors,
      logger,
    );
    const errors: unknown[] = [];
    const failing = async (call: Promise<unknown>) =>
      errors.push(
        await call.then(
          () => new Error('unexpected success'),
          (error: unknown) => error,
        ),
      );
    try {
      // Refused credentials, at every vendor.
      await failing(impostors.RAINMAKER.createUser({ userName: 'x@example.com', password: 'Str0ng-Passw0rd' }));
      await failing(impostors.ENGAGEMENT.listMembers({}));
      await failing(impostors.GREENARROW.getUser('1'));
      await failing(impostors.USER_MANAGEMENT.getUser('1'));
      // Vendor-side rejections, conflicts and unknown records with the right credentials.
      const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = clients;
      const taken = simulators.ENGAGEMENT!.store.all()[0];
      await failing(ENGAGEMENT.createMember({ firstName: 'A', lastName: 'B', country: 'India', email: taken.email }));
      await failing(
        ENGAGEMENT.createMember({ firstName: 'A', lastName: 'B', country: 'USA', email: 'no-state@example.com' }),
      );
      await failing(RAINMAKER.updatePassword('nobody@example.com', 'Str0ng-Passw0rd'));
      await failing(
        GREENARROW.createUser({
          email: 'weak@example.com',
          password: '',
          permissions: { injection: 'ALL', api: 'FULL', ui: 'FULL' },
        }),
      );
      await failing(
        USER_MANAGEMENT.addUser({
          displayName: 'X',
          email: 'x@example.com',
          accountId: '999',
          username: 'x',
          password: 'Str0ng-Passw0rd',
        }),
      );
      // Transport failures: a hang, a malformed body, a server error.
      simulators.USER_MANAGEMENT!.setFault('usersByAccount', { hang: true });
      await failing(USER_MANAGEMENT.usersByAccount('1'));
      simulators.ENGAGEMENT!.setFault('listMembers', { malformed: 'json' });
      await failing(ENGAGEMENT.listMembers({}));
      simulators.RAINMAKER!.setFault('deleteUser', { status: 500 });
      await failing(RAINMAKER.deleteUser('someone@example.com'));
    } finally {
      for (const simulator of Object.values(simulators)) simulator.clearFaults();
      await impostors.close();
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
      ...Object.values(wrong),
      'Str0ng-Passw0rd',
    ];
    const errorText = errors
      .map((error) => `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`)
      .join('\n');
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

describe('which vendors the demo simulates', () => {
  const SOURCE_LIST = ['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'];

  it('only those without a base URL: a vendor given one is reached there, as the gateway would reach the real one', async () => {
    const outside = new GreenArrowSimulator({ username: 'outside-api', password: 'outside-greenarrow-secret' });
    const url = await outside.listen(0);
    const app = await bootGateway({
      GREENARROW_BASE_URL: url,
      GREENARROW_USERNAME: 'outside-api',
      GREENARROW_PASSWORD: 'outside-greenarrow-secret',
    });
    try {
      expect(Object.keys(app.simulators.simulators)).toEqual(['RAINMAKER', 'ENGAGEMENT', 'USER_MANAGEMENT']);
      const answer = await graphql<{ sources: { source: string; reachable: boolean }[] }>(
        app,
        '{ sources { source reachable } }',
      );
      expect(answer.data?.sources).toEqual(SOURCE_LIST.map((source) => ({ source, reachable: true })));
      expect(outside.calls()).not.toEqual({});
    } finally {
      await app.stop();
      await outside.close();
    }
  });

  it('none with SIMULATORS=none: a vendor without a base URL is then not configured', async () => {
    const app = await bootGateway({ SIMULATORS: 'none' });
    try {
      expect(app.simulators.simulators).toEqual({});
      const answer = await graphql<{ sources: { source: string; configured: boolean }[] }>(
        app,
        '{ sources { source configured } }',
      );
      expect(answer.data?.sources).toEqual(SOURCE_LIST.map((source) => ({ source, configured: false })));
    } finally {
      await app.stop();
    }
  });
});

describe('the tenant rules', () => {
  it("are configuration the simulators share with the gateway: Engagement's USA names, RainMaker's password length", async () => {
    const app = await bootGateway({ ENGAGEMENT_USA_COUNTRY_NAMES: 'U.S.A.,USA', RAINMAKER_MIN_PASSWORD_LENGTH: '12' });
    const logger = createLogger({ level: 'silent' });
    const config = loadConfig({
      ENGAGEMENT_USA_COUNTRY_NAMES: 'U.S.A.,USA',
      RAINMAKER_MIN_PASSWORD_LENGTH: '12',
      ...simulatorEnv(app.simulators),
    });
    const clients = vendorClientsOf(config.vendors, logger);
    try {
      expect(config.vendors.ENGAGEMENT.tuning.rules.usaCountryNames).toEqual(['U.S.A.', 'USA']);
      await expect(
        clients.ENGAGEMENT.createMember({
          firstName: 'A',
          lastName: 'B',
          country: 'u.s.a.',
          email: 'stateless@example.com',
        }),
      ).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
      });
      await expect(
        clients.RAINMAKER.createUser({ userName: 'short.password@example.com', password: 'Elev3n-char' }),
      ).rejects.toMatchObject({ code: 'VENDOR_REJECTED' });
      await expect(
        clients.RAINMAKER.createUser({ userName: 'long.password@example.com', password: 'Tw3lve-chars' }),
      ).resolves.toBeDefined();
    } finally {
      await clients.close();
      await app.stop();
    }
  });
});

describe('startup failures', () => {
  it('names a busy simulator port and the variable that moves it, leaving nothing listening', async () => {
    const busy = await occupyPort();
    try {
      const failure = bootGateway({ SIM_GREENARROW_PORT: String(busy.port) });
      await expect(failure).rejects.toThrow(StartupError);
      await expect(failure).rejects.toThrow(
        `The GREENARROW simulator could not listen on 127.0.0.1:${busy.port}: port ${busy.port} is in use (set SIM_GREENARROW_PORT)`,
      );
    } finally {
      await busy.release();
    }
  });

  it('refuses a fault on a route the simulator does not have, naming the routes it has', async () => {
    await expect(bootGateway({ SIM_FAULTS: '{"ENGAGEMENT": {"getMember": {"hang": true}}}' })).rejects.toThrow(
      'SIM_FAULTS: engagement: no route named "getMember" (routes: createMember, listMembers, deleteMember)',
    );
  });

  /** What a process that refused to start left: its exit code, its stderr, and whether it logged anything fatal. */
  async function refusedStart(entry: string, env: Record<string, string>) {
    const { code, stdout, stderr } = await runToExit(entry, [], { ...EPHEMERAL, LOG_LEVEL: 'info', ...env });
    return { code, stderr, fatal: stdout.split('\n').filter((line) => line.includes('"level":60')) };
  }

  // Three processes at once, each compiling the TypeScript it runs: a minute on a loaded machine.
  it('stops a process on a busy port with one plain sentence on stderr, not a fatal log line with a stack trace', async () => {
    const busy = await occupyPort();
    try {
      const gatewayPort = `The gateway could not listen on 127.0.0.1:${busy.port}: port ${busy.port} is in use (set PORT)\n`;
      const simulatorPort = `The USER_MANAGEMENT simulator could not listen on 127.0.0.1:${busy.port}: port ${busy.port} is in use (set SIM_USER_MANAGEMENT_PORT)\n`;
      const [production, demo, simulators] = await Promise.all([
        refusedStart('src/index.ts', { PORT: String(busy.port), ...TEST_AUTH_ENV }),
        refusedStart('src/demo.ts', { SIM_USER_MANAGEMENT_PORT: String(busy.port) }),
        refusedStart('src/cli/simulators.ts', { SIM_USER_MANAGEMENT_PORT: String(busy.port) }),
      ]);
      expect(production).toEqual({ code: 1, stderr: gatewayPort, fatal: [] });
      expect(demo).toEqual({ code: 1, stderr: simulatorPort, fatal: [] });
      expect(simulators).toEqual({ code: 1, stderr: simulatorPort, fatal: [] });
    } finally {
      await busy.release();
    }
  }, 60_000);

  it('stops a process on a bad variable with the configuration message and exit code 2', async () => {
    const { code, stderr, fatal } = await refusedStart('src/index.ts', {
      PORT: 'http',
      RAINMAKER_MIN_PASSWORD_LENGTH: '0',
    });
    expect({ code, fatal }).toEqual({ code: 2, fatal: [] });
    expect(stderr).toBe(
      'Invalid configuration:\n  - RAINMAKER_MIN_PASSWORD_LENGTH: expected an integer from 1 to 256, got "0"\n  - PORT: expected an integer from 0 to 65535, got "http"\n',
    );
  });
});

describe('the gateway process', () => {
  it('npm start (src/demo.ts) serves the seeded graph with its own simulators, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const gateway = await spawnGateway({ ...EPHEMERAL, LOG_LEVEL: 'info' });
    try {
      const answer = await post<{ user: { identities: { source: string }[] } | null }>(
        gateway,
        'query($email: String) { user(email: $email) { identities { source } } }',
        {
          email: 'ada.lovelace0@example.com',
        },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.user?.identities).toHaveLength(4);
      expect(
        gateway.logs
          .filter((entry) => String(entry['msg']).endsWith('simulator listening'))
          .map((entry) => entry['url']),
      ).toEqual([
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

  it('the production entry (src/index.ts) starts no simulator, whatever SIMULATORS says: a vendor without a base URL is not configured', async () => {
    const gateway = await spawnGateway(
      { ...EPHEMERAL, LOG_LEVEL: 'info', SIMULATORS: 'auto', ...TEST_AUTH_ENV },
      { entry: 'src/index.ts', token: TEST_API_KEY },
    );
    try {
      const answer = await post<{ sources: { source: string; configured: boolean }[] }>(gateway, SOURCES_QUERY, {});
      expect(answer.data?.sources.map(({ source, configured }) => [source, configured])).toEqual([
        ['RAINMAKER', false],
        ['ENGAGEMENT', false],
        ['GREENARROW', false],
        ['USER_MANAGEMENT', false],
      ]);
      expect(gateway.logs.filter((entry) => String(entry['msg']).includes('simulator'))).toEqual([]);
    } finally {
      gateway.process.kill('SIGINT');
    }
    expect(await gateway.exited).toBe(0);
  });
});

describe('the simulators alone (npm run simulators)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usergraph-simulators-'));
  const processes: (GatewayProcess | SimulatorsProcess)[] = [];
  afterAll(async () => {
    for (const child of processes) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const VARIABLES = [
    'RAINMAKER_BASE_URL',
    'RAINMAKER_ACCESS_KEY_ID',
    'RAINMAKER_SECRET_ACCESS_KEY',
    'ENGAGEMENT_BASE_URL',
    'ENGAGEMENT_USERNAME',
    'ENGAGEMENT_PASSWORD',
    'GREENARROW_BASE_URL',
    'GREENARROW_USERNAME',
    'GREENARROW_PASSWORD',
    'USER_MANAGEMENT_BASE_URL',
    'USER_MANAGEMENT_API_KEY',
  ];
  /** `NAME=value` lines as a map. */
  const parse = (text: string) =>
    Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

  it('prints the environment a gateway needs (base URLs and fresh credentials) and stops cleanly on Ctrl-C', async () => {
    const simulators = await spawnSimulators([], EPHEMERAL);
    processes.push(simulators);
    simulators.process.kill('SIGINT');
    expect(await simulators.exited).toBe(0);
    const env = parse(simulators.stdout());
    expect(Object.keys(env)).toEqual(VARIABLES);
    expect(env['GREENARROW_BASE_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(simulators.stderr().trim().split('\n').slice(-3)).toEqual([
      'The simulators are running; press Ctrl-C to stop them',
      'stopping',
      'stopped',
    ]);
  });

  // Three processes started one after the other, each compiling the TypeScript it runs: a minute on a loaded machine.
  it('writes it to --env-file, owner-only, and a gateway started from it with SIMULATORS=none reaches all four vendors', async () => {
    const file = join(dir, 'sim.env');
    const simulators = await spawnSimulators(['--env-file', file], EPHEMERAL);
    processes.push(simulators);
    expect(simulators.stdout()).toBe(`Wrote the simulators' base URLs and credentials to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const env = parse(readFileSync(file, 'utf8'));
    expect(Object.keys(env)).toEqual(VARIABLES);

    // As docs/operations.md has it: set -a; . ./sim.env; set +a; SIMULATORS=none npm start (and the production entry alike).
    for (const entry of ['src/demo.ts', 'src/index.ts'] as const) {
      // The production entry needs a way to authenticate; the demo makes its own tokens.
      const production = entry === 'src/index.ts';
      const gateway = await spawnGateway(
        {
          PORT: '0',
          DATA_DIR: ':memory:',
          LOG_LEVEL: 'info',
          SIMULATORS: 'none',
          ...(production ? TEST_AUTH_ENV : {}),
        },
        { entry, envFile: file, ...(production ? { token: TEST_API_KEY } : {}) },
      );
      processes.push(gateway);
      try {
        const answer = await post<{ sources: { source: string; configured: boolean; reachable: boolean }[] }>(
          gateway,
          SOURCES_QUERY,
          {},
        );
        expect([entry, answer.data?.sources]).toEqual([
          entry,
          ['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'].map((source) => ({
            source,
            configured: true,
            reachable: true,
          })),
        ]);
        expect(gateway.logs.filter((entry) => String(entry['msg']).endsWith('simulator listening'))).toEqual([]);
      } finally {
        gateway.process.kill('SIGINT');
      }
      expect(await gateway.exited).toBe(0);
      const logged = JSON.stringify(gateway.logs);
      for (const name of [
        'RAINMAKER_SECRET_ACCESS_KEY',
        'ENGAGEMENT_PASSWORD',
        'GREENARROW_PASSWORD',
        'USER_MANAGEMENT_API_KEY',
      ])
        expect(logged).not.toContain(env[name]);
    }
    simulators.process.kill('SIGTERM');
    expect(await simulators.exited).toBe(0);
  }, 60_000);

  it('warns when git would commit the env file it wrote, and not when an ignore rule covers it', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    execFileSync('git', ['init', '-q', tree]);
    writeFileSync(join(tree, '.gitignore'), '*.env\n');
    for (const [name, warned] of [
      ['credentials.txt', true],
      ['sim.env', false],
    ] as const) {
      const file = join(tree, name);
      const simulators = await spawnSimulators(['--env-file', file], EPHEMERAL);
      processes.push(simulators);
      simulators.process.kill('SIGINT');
      expect(await simulators.exited).toBe(0);
      expect([
        name,
        simulators.stderr().includes(`Warning: ${file} holds this run's credentials and git would commit it`),
      ]).toEqual([name, warned]);
    }
  }, 60_000);
});
