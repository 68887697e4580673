import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Source } from '../../src/domain/types';
import { silentLogger } from '../../src/platform/logger';
import { simulatorStateFile } from '../../src/simulators';
import { EngagementSimulator } from '../../src/simulators/engagement';
import type { Simulator } from '../../src/simulators/kit/framework';
import { GreenArrowSimulator } from '../../src/simulators/greenarrow';
import { RainMakerSimulator } from '../../src/simulators/rainmaker';
import { seedPeople } from '../../src/simulators/kit/seed';
import { StateFileError } from '../../src/simulators/kit/state-file';
import { UserManagementSimulator } from '../../src/simulators/user-management';
import { EngagementClient } from '../../src/vendors/engagement/client';
import { GreenArrowClient } from '../../src/vendors/greenarrow/client';
import { RainMakerClient } from '../../src/vendors/rainmaker/client';
import { UserManagementClient } from '../../src/vendors/user-management/client';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, type BootedGateway } from '../helpers/gateway';
import { post, spawnGateway, type GatewayProcess } from '../helpers/gateway-process';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * The simulators keep their records in a state file: a simulator started on the file of an earlier
 * one holds exactly what that one held (records, password hashes, id counters), whether the earlier
 * one was closed or its process killed, and a file that is not a state gives an error naming it.
 * Records are written over real HTTP through the vendor clients, as the gateway writes them.
 */

const RAINMAKER_CREDENTIALS = { accessKeyId: 'AKIDPERSISTTEST', secretAccessKey: 'persist-test-rainmaker-secret' };
const BASIC = { username: 'persist-admin', password: 'persist-test-basic-secret' };
const API_KEY = 'persist-test-user-management-key';
/** Every plain password a test sends; none may appear in a state file. */
const PASSWORDS = { first: 'Persist-Pass-First-1', changed: 'Persist-Pass-Changed-2', second: 'Persist-Pass-Second-3' };
const TRANSPORT = { timeoutMs: 5_000, retries: 0, connections: 2 };

const root = mkdtempSync(join(tmpdir(), 'usergraph-persistence-'));
let directories = 0;
/** A fresh, empty directory under the suite's temporary root, removed with it. */
function freshDir(): string {
  directories += 1;
  const dir = join(root, `case-${directories}`);
  mkdirSync(dir);
  return dir;
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The state file's envelope and the store's state, as JSON. */
function readState(file: string): { simulator: string; version: number; state: Record<string, unknown> } {
  return JSON.parse(readFileSync(file, 'utf8')) as {
    simulator: string;
    version: number;
    state: Record<string, unknown>;
  };
}

/** Checks what every state file must be after writes: no plain password, owner-only, nothing half-written beside it. */
function expectSafeStateFile(file: string): void {
  const text = readFileSync(file, 'utf8');
  for (const password of Object.values(PASSWORDS)) expect(text).not.toContain(password);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

/** Vendor client settings for each simulator: no retries, so every write reaches the simulator exactly once. */
function rainMakerSettings(sim: RainMakerSimulator) {
  return {
    baseUrl: sim.url,
    ...RAINMAKER_CREDENTIALS,
    region: 'us-east-1',
    service: 'execute-api',
    apiVersion: 'v1',
    ...TRANSPORT,
  };
}
function engagementSettings(sim: EngagementSimulator) {
  return { baseUrl: sim.url, ...BASIC, pageSize: 100, ...TRANSPORT };
}
function greenArrowSettings(sim: GreenArrowSimulator) {
  return { baseUrl: sim.url, ...BASIC, pageSize: 100, ...TRANSPORT };
}
function userManagementSettings(sim: UserManagementSimulator) {
  return { baseUrl: sim.url, apiKey: API_KEY, apiKeyHeader: 'X-Api-Key', accountPathPrefix: '/pub', ...TRANSPORT };
}

/** Starts a simulator on a state file; returns whether it restored from it. */
async function start(simulator: Simulator, file: string): Promise<boolean> {
  const restored = simulator.persistTo(file);
  await simulator.listen(0);
  return restored;
}

describe('RainMaker simulator state', () => {
  const file = join(freshDir(), 'rainmaker.json');
  const email = 'persisted.rainmaker@example.com';
  const seeded = seedPeople().find((person, index) => person.in.rainmaker && index % 8 !== 5)!.email;

  it('keeps created users, changed passwords and deletions across a restart, as hashes only', async () => {
    const first = new RainMakerSimulator({ credentials: RAINMAKER_CREDENTIALS });
    expect(await start(first, file)).toBe(false);
    const seededCount = first.store.size;
    const rainMaker = new RainMakerClient(rainMakerSettings(first), { logger: silentLogger });
    try {
      await rainMaker.createUser({ userName: email, password: PASSWORDS.first, locale: 'EN_GB' });
      await rainMaker.updatePassword(email, PASSWORDS.changed);
      await rainMaker.deleteUser(seeded);
    } finally {
      await rainMaker.close();
      await first.close();
    }
    expectSafeStateFile(file);

    const second = new RainMakerSimulator({ credentials: RAINMAKER_CREDENTIALS });
    expect(await start(second, file)).toBe(true);
    const again = new RainMakerClient(rainMakerSettings(second), { logger: silentLogger });
    try {
      expect(second.store.size).toBe(seededCount);
      expect(second.store.get(email)).toEqual({ userName: email, locale: 'en_gb' });
      expect(second.store.verifyPassword(email, PASSWORDS.changed)).toBe(true);
      expect(second.store.verifyPassword(email, PASSWORDS.first)).toBe(false);
      expect(second.store.has(seeded)).toBe(false);
      // Over HTTP too: the restored user is a duplicate, the deleted one is gone.
      await expect(again.createUser({ userName: email, password: PASSWORDS.second })).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
      });
      await expect(again.deleteUser(seeded)).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
    } finally {
      await again.close();
      await second.close();
    }
  });
});

describe('Engagement simulator state', () => {
  const file = join(freshDir(), 'engagement.json');
  const member = (n: number) => ({
    firstName: 'Per',
    lastName: `Sist${n}`,
    country: 'USA',
    state: 'Ohio',
    email: `persisted.member${n}@example.com`,
    phone: `+1555000000${n}`,
    subscriptions: { email: true, sms: false, voice: true },
  });

  it('keeps members and the id counter across a restart, and a deleted member stays deleted', async () => {
    const first = new EngagementSimulator(BASIC);
    expect(await start(first, file)).toBe(false);
    const engagement = new EngagementClient(engagementSettings(first), { logger: silentLogger });
    let created: string;
    let before: unknown;
    try {
      created = (await engagement.createMember(member(1))).externalId;
      expect(created).toBe(String(first.store.size));
      await engagement.deleteMember('3');
      before = first.store.all();
    } finally {
      await engagement.close();
      await first.close();
    }
    expectSafeStateFile(file);

    const second = new EngagementSimulator(BASIC);
    expect(await start(second, file)).toBe(true);
    const again = new EngagementClient(engagementSettings(second), { logger: silentLogger });
    try {
      expect(second.store.all()).toEqual(before);
      const listed = (await again.listMembers({ start: 0, pageSize: 100 })).items;
      expect(listed.map((each) => each.externalId)).toContain(created);
      expect(listed.map((each) => each.externalId)).not.toContain('3');
      const next = await again.createMember(member(2));
      expect(Number(next.externalId)).toBe(Number(created) + 1);
      // The email index was rebuilt: the restored member is still a duplicate, with its id.
      await expect(again.createMember(member(1))).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        existingId: created,
      });
      await expect(again.deleteMember('3')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
    } finally {
      await again.close();
      await second.close();
    }
  });

  it('saves a create that a malformed-answer fault broke, since the vendor did the work', async () => {
    const dir = freshDir();
    const sim = new EngagementSimulator({ ...BASIC, seed: false });
    await start(sim, join(dir, 'engagement.json'));
    sim.setFault('createMember', { malformed: 'json' });
    const source = new EngagementClient(engagementSettings(sim), { logger: silentLogger });
    try {
      await expect(source.createMember(member(3))).rejects.toMatchObject({ code: 'VENDOR_BAD_RESPONSE' });
    } finally {
      await source.close();
      await sim.close();
    }
    const { state } = readState(join(dir, 'engagement.json'));
    expect(state).toMatchObject({ nextId: 2, members: [{ id: 1, email: member(3).email }] });
  });
});

describe('GreenArrow simulator state', () => {
  const file = join(freshDir(), 'greenarrow.json');
  const permissions = { injection: 'SMTP_ONLY', api: 'READ_ONLY', ui: 'STATS_ONLY' } as const;

  it('keeps users, password hashes, mail classes and the id counter across a restart', async () => {
    const mailClasses = [{ id: 7, name: 'alerts' }];
    const first = new GreenArrowSimulator({ ...BASIC, mailClasses });
    expect(await start(first, file)).toBe(false);
    const source = new GreenArrowClient(greenArrowSettings(first), { logger: silentLogger });
    let created: string;
    let doomed: string;
    try {
      created = (await source.createUser({ email: 'persisted.ga@example.com', password: PASSWORDS.first, permissions }))
        .externalId;
      doomed = (await source.createUser({ email: 'doomed.ga@example.com', password: PASSWORDS.second, permissions }))
        .externalId;
      await source.updateUser(created, { password: PASSWORDS.changed, permissions: { api: 'NONE' } });
      await source.deleteUser(doomed);
    } finally {
      await source.close();
      await first.close();
    }
    expectSafeStateFile(file);

    // Other mail classes configured: the restored state's are the ones it holds.
    const second = new GreenArrowSimulator({ ...BASIC, mailClasses: [] });
    expect(await start(second, file)).toBe(true);
    const again = new GreenArrowClient(greenArrowSettings(second), { logger: silentLogger });
    try {
      expect(second.store.mailClasses).toEqual(mailClasses);
      expect(await again.getUser(created)).toMatchObject({
        externalId: created,
        email: 'persisted.ga@example.com',
        permissions: { ...permissions, api: 'NONE' },
      });
      expect(second.store.verifyPassword(created, PASSWORDS.changed)).toBe(true);
      await expect(again.getUser(doomed)).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      const next = await again.createUser({ email: 'next.ga@example.com', password: PASSWORDS.second, permissions });
      expect(Number(next.externalId)).toBe(Number(doomed) + 1);
      await expect(
        again.createUser({ email: 'PERSISTED.ga@example.com', password: PASSWORDS.second, permissions }),
      ).rejects.toMatchObject({ code: 'VENDOR_CONFLICT' });
    } finally {
      await again.close();
      await second.close();
    }
  });
});

describe('user-management simulator state', () => {
  const file = join(freshDir(), 'user-management.json');

  it('keeps users, accounts, password hashes and the id counter across a restart', async () => {
    const first = new UserManagementSimulator({ apiKey: API_KEY });
    expect(await start(first, file)).toBe(false);
    const source = new UserManagementClient(userManagementSettings(first), { logger: silentLogger });
    let created: string;
    try {
      created = (
        await source.addUser({
          displayName: 'Per Sisted',
          email: 'persisted.um@example.com',
          accountId: '3',
          username: 'persisted',
          password: PASSWORDS.first,
        })
      ).externalId;
      await source.modifyUser(created, { username: 'persisted.renamed', password: PASSWORDS.changed });
      await source.deleteUser('1');
    } finally {
      await source.close();
      await first.close();
    }
    expectSafeStateFile(file);

    // Neither seeded nor given accounts: everything it holds comes from the file.
    const second = new UserManagementSimulator({ apiKey: API_KEY, seed: false, accounts: [] });
    expect(await start(second, file)).toBe(true);
    const again = new UserManagementClient(userManagementSettings(second), { logger: silentLogger });
    try {
      expect(await again.getUser(created)).toMatchObject({
        username: 'persisted.renamed',
        accountId: '3',
        email: 'persisted.um@example.com',
      });
      expect(second.store.verifyPassword(created, PASSWORDS.changed)).toBe(true);
      expect(second.store.accounts().map((account) => account.id)).toEqual(['1', '2', '3']);
      await expect(again.getUser('1')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      const next = await again.addUser({
        displayName: 'Next One',
        email: 'next.um@example.com',
        accountId: '1',
        username: 'next.um',
        password: PASSWORDS.second,
      });
      expect(Number(next.externalId)).toBe(Number(created) + 1);
      // The username index was rebuilt: the renamed user's new name is taken, the old one free.
      await expect(
        again.addUser({
          displayName: 'Clash',
          email: 'clash@example.com',
          accountId: '1',
          username: 'persisted.renamed',
          password: PASSWORDS.second,
        }),
      ).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        existingId: created,
      });
      await expect(
        again.addUser({
          displayName: 'Old Name',
          email: 'old.name@example.com',
          accountId: '1',
          username: 'persisted',
          password: PASSWORDS.second,
        }),
      ).resolves.toMatchObject({
        username: 'persisted',
      });
    } finally {
      await again.close();
      await second.close();
    }
  });

  it('saves a create that the vendor did but never answered (hang: afterWork)', async () => {
    const stateFile = join(freshDir(), 'user-management.json');
    const sim = new UserManagementSimulator({ apiKey: API_KEY, seed: false });
    await start(sim, stateFile);
    sim.setFault('addUser', { hang: 'afterWork' });
    const source = new UserManagementClient(userManagementSettings(sim), { logger: silentLogger });
    const unanswered = source
      .addUser({
        displayName: 'Hung Up',
        email: 'hung.up@example.com',
        accountId: '2',
        username: 'hung.up',
        password: PASSWORDS.first,
      })
      .catch((error: unknown) => error);
    try {
      // The simulator never answers, so wait for the file to show the user, then drop the connection.
      const saved = () =>
        (readState(stateFile).state['users'] as { username: string }[]).some((user) => user.username === 'hung.up');
      await eventually(saved, 'the unanswered create to reach the state file');
    } finally {
      await sim.close();
      await unanswered;
      await source.close();
    }
    expectSafeStateFile(stateFile);
  });

  it('writes nothing for a request refused before its handler', async () => {
    const stateFile = join(freshDir(), 'user-management.json');
    const sim = new UserManagementSimulator({ apiKey: API_KEY, seed: false });
    await start(sim, stateFile);
    rmSync(stateFile);
    sim.setFault('addUser', { status: 503 });
    const source = new UserManagementClient(userManagementSettings(sim), { logger: silentLogger });
    const wrongKey = new UserManagementClient(
      { ...userManagementSettings(sim), apiKey: 'wrong-key' },
      { logger: silentLogger },
    );
    try {
      await expect(
        source.addUser({
          displayName: 'No One',
          email: 'no.one@example.com',
          accountId: '2',
          username: 'no.one',
          password: PASSWORDS.first,
        }),
      ).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      await expect(wrongKey.deleteUser('1')).rejects.toMatchObject({ code: 'VENDOR_UNAUTHORIZED' });
    } finally {
      await wrongKey.close();
      await source.close();
      await sim.close();
    }
    expect(readdirSync(dirname(stateFile))).toEqual([]);
  });
});

describe('a state file that is not a valid state', () => {
  const sims = {
    rainmaker: () => new RainMakerSimulator({ credentials: RAINMAKER_CREDENTIALS }),
    engagement: () => new EngagementSimulator(BASIC),
    greenarrow: () => new GreenArrowSimulator(BASIC),
    'user-management': () => new UserManagementSimulator({ apiKey: API_KEY }),
  };

  /** A seeded simulator's fresh state file, as a starting point to corrupt. */
  function freshStateFile(name: keyof typeof sims): string {
    const file = join(freshDir(), `${name}.json`);
    sims[name]().persistTo(file);
    return file;
  }

  /** What persistTo throws for the file; it must be a StateFileError naming the file and what to do. */
  function refusal(name: keyof typeof sims, file: string): string {
    let caught: unknown;
    try {
      sims[name]().persistTo(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StateFileError);
    const message = (caught as Error).message;
    expect(message).toContain(`The ${name} simulator's state file ${file} `);
    expect(message).toContain('delete it to start over');
    return message;
  }

  it.each(Object.keys(sims) as (keyof typeof sims)[])('is refused by the %s simulator when it is not JSON', (name) => {
    const file = freshStateFile(name);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    expect(refusal(name, file)).toMatch(/is not JSON/);
  });

  it("is refused when it holds another simulator's state", () => {
    const file = join(freshDir(), 'rainmaker.json');
    const engagement = freshStateFile('engagement');
    copyFileSync(engagement, file);
    expect(refusal('rainmaker', file)).toMatch(/holds the state of the "engagement" simulator/);
  });

  it('is refused when it is some other JSON', () => {
    const file = freshStateFile('greenarrow');
    writeFileSync(file, JSON.stringify({ users: [] }));
    expect(refusal('greenarrow', file)).toMatch(/is not a simulator state file/);
  });

  it('is refused with the field at fault when a record does not fit, leaving the simulator as it was', () => {
    const file = freshStateFile('rainmaker');
    const saved = readState(file);
    (saved.state['users'] as Record<string, unknown>[])[2]['passwordHash'] = 'Plain-Text-Password';
    writeFileSync(file, JSON.stringify(saved));
    const sim = sims.rainmaker();
    const before = sim.store.all();
    expect(() => sim.persistTo(file)).toThrow(
      /does not hold a valid state \(RainMakerStore: users\.2\.passwordHash: must be 64 hex digits/,
    );
    expect(sim.store.all()).toEqual(before);
  });

  const records = (state: Record<string, unknown>, key: string) => state[key] as Record<string, unknown>[];
  const contradictions: [keyof typeof sims, (state: Record<string, unknown>) => void, RegExp][] = [
    ['engagement', (state) => void (state['nextId'] = 3), /nextId 3 must be above every member id/],
    ['greenarrow', (state) => void (state['mailClasses'] = []), /names mail class \d+, which is not in mailClasses/],
    [
      'user-management',
      (state) => void (records(state, 'users')[1]['username'] = records(state, 'users')[0]['username']),
      /username \S+ appears twice/,
    ],
  ];
  it.each(contradictions)(
    'is refused by the %s simulator when its records contradict each other',
    (name, corrupt, expected) => {
      const file = freshStateFile(name);
      const saved = readState(file);
      corrupt(saved.state);
      writeFileSync(file, JSON.stringify(saved));
      expect(refusal(name, file)).toMatch(expected);
    },
  );

  it('is replaced atomically: a .tmp left by a killed write is overwritten and gone after the next write', async () => {
    const file = join(freshDir(), 'user-management.json');
    const sim = new UserManagementSimulator({ apiKey: API_KEY });
    await start(sim, file);
    writeFileSync(`${file}.tmp`, '{"torn": ', { mode: 0o644 });
    const source = new UserManagementClient(userManagementSettings(sim), { logger: silentLogger });
    try {
      await source.addUser({
        displayName: 'After Kill',
        email: 'after.kill@example.com',
        accountId: '1',
        username: 'after.kill',
        password: PASSWORDS.first,
      });
    } finally {
      await source.close();
      await sim.close();
    }
    expectSafeStateFile(file);
    expect(readState(file).state['users']).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: 'after.kill' })]),
    );
  });

  it('stops the gateway at startup with the same message, leaving nothing running', async () => {
    const dataDir = freshDir();
    const file = join(dataDir, 'simulators', 'greenarrow.json');
    sims.greenarrow().persistTo(file);
    writeFileSync(file, '');
    await expect(bootGateway({ DATA_DIR: dataDir })).rejects.toThrow(
      `The greenarrow simulator's state file ${file} is not JSON (corrupt?); delete it to start over`,
    );
  });
});

const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id email identities { source externalId } }
    results { source status externalId error { code message } }
    userErrors { code message }
  }
}`;
const USER = `query User($email: String!) {
  user(email: $email) {
    id email displayName username country state locale active
    subscriptions { email sms voice }
    permissions { injection api ui }
    account { id }
    identities { source externalId status }
  }
}`;

interface CreatePayload {
  user: { id: string; email: string; identities: { source: Source; externalId: string }[] } | null;
  results: {
    source: Source;
    status: string;
    externalId: string | null;
    error: { code: string; message: string } | null;
  }[];
  userErrors: unknown[];
}

/** A complete createUser input that every vendor accepts. */
function person(n: number) {
  return {
    email: `restarted${n}@example.org`,
    password: PASSWORDS.first,
    firstName: 'Re',
    lastName: `Started${n}`,
    country: 'India',
    accountId: '2',
    username: `restarted${n}`,
    locale: 'EN_GB',
    subscriptions: { email: true, sms: false, voice: true },
    permissions: { injection: 'SMTP_ONLY', api: 'READ_ONLY', ui: 'STATS_ONLY' },
  };
}

/** What the user query answers for a person created with `person(n)`, every vendor's field included. */
function expectedUser(n: number, id: string, identities: Record<Source, string>) {
  return {
    id,
    email: `restarted${n}@example.org`,
    displayName: `Re Started${n}`,
    username: `restarted${n}`,
    country: 'India',
    state: null,
    locale: 'en_gb',
    active: true,
    subscriptions: { email: true, sms: false, voice: true },
    permissions: { injection: 'SMTP_ONLY', api: 'READ_ONLY', ui: 'STATS_ONLY' },
    account: { id: '2' },
    identities: Object.entries(identities).map(([source, externalId]) => ({ source, externalId, status: 'ACTIVE' })),
  };
}

/** The vendor ids a create answered, by vendor in alphabetical order (as identities are compared). */
const byVendor = (payload: CreatePayload) =>
  Object.fromEntries(
    payload.results.map((result) => [result.source, result.externalId]).sort(([a], [b]) => a!.localeCompare(b!)),
  ) as Record<Source, string>;

describe('the gateway restarted on the same data directory', () => {
  let app: BootedGateway | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function create(n: number): Promise<CreatePayload> {
    const response = await graphql<{ createUser: CreatePayload }>(app!, CREATE, { input: person(n) });
    expect(response.errors).toBeUndefined();
    const payload = response.data!.createUser;
    expect(payload.userErrors).toEqual([]);
    expect(payload.results.map((result) => [result.source, result.status, result.error])).toEqual(
      (['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'] as const).map((source) => [
        source,
        'SUCCEEDED',
        null,
      ]),
    );
    return payload;
  }

  async function expectResolves(n: number, payload: CreatePayload): Promise<void> {
    const response = await graphql(app!, USER, { email: `restarted${n}@example.org` });
    expect(response.errors).toBeUndefined();
    const user = response.data!['user'] as { identities: { source: string }[] };
    user.identities.sort((a, b) => a.source.localeCompare(b.source));
    expect(user).toEqual(expectedUser(n, payload.user!.id, byVendor(payload)));
  }

  it('finds the users it created at the vendors, and hands out new vendor ids to the next person', async () => {
    const dataDir = freshDir();
    app = await bootGateway({ DATA_DIR: dataDir });
    const first = await create(1);
    await expectResolves(1, first);
    await app.stop();

    app = await bootGateway({ DATA_DIR: dataDir });
    await expectResolves(1, first);
    const second = await create(2);
    await expectResolves(2, second);
    for (const source of ['ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'] as const) {
      expect([source, Number(byVendor(second)[source])]).toEqual([source, Number(byVendor(first)[source]) + 1]);
    }
    expect(second.user!.id).not.toBe(first.user!.id);
    const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = app.simulators.endpoints;
    const credentials = [
      RAINMAKER!.secretAccessKey,
      ENGAGEMENT!.password,
      GREENARROW!.password,
      USER_MANAGEMENT!.apiKey,
    ];
    for (const simulator of Object.values(app.simulators.simulators)) {
      const file = simulatorStateFile(dataDir, simulator)!;
      expectSafeStateFile(file);
      // The simulators' own credentials are fresh per process and never saved.
      for (const credential of credentials) expect(readFileSync(file, 'utf8')).not.toContain(credential);
    }
  });

  it('keeps what a killed gateway process created (SIGKILL)', async () => {
    const dataDir = freshDir();
    const ports = {
      PORT: '0',
      ...SIMULATORS_ON_FREE_PORTS,
    };
    let gateway: GatewayProcess | undefined;
    let payload: CreatePayload;
    try {
      gateway = await spawnGateway({ ...ports, HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
      const response = await post<{ createUser: CreatePayload }>(gateway, CREATE, { input: person(3) });
      expect(response.errors).toBeUndefined();
      payload = response.data!.createUser;
      expect(payload.results.map((result) => result.status)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
    } finally {
      gateway?.process.kill('SIGKILL');
      await gateway?.exited;
    }
    app = await bootGateway({ DATA_DIR: dataDir });
    await expectResolves(3, payload);
  });
});
