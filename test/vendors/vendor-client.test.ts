import { Pool, request } from 'undici';
import type { EngagementSettings } from '../../src/vendors/engagement/settings';
import type { GreenArrowSettings } from '../../src/vendors/greenarrow/settings';
import type { RainMakerSettings } from '../../src/vendors/rainmaker/settings';
import type { UserManagementSettings } from '../../src/vendors/user-management/settings';
import { silentLogger } from '../../src/platform/logger';
import { EngagementSimulator } from '../../src/simulators/engagement';
import { Simulator, type SimRequest } from '../../src/simulators/kit/framework';
import { GreenArrowSimulator } from '../../src/simulators/greenarrow';
import { RainMakerSimulator } from '../../src/simulators/rainmaker';
import { UserManagementSimulator } from '../../src/simulators/user-management';
import { basicAuthorization, parseBasicAuthorization } from '../../src/vendors/kit/basic-auth';
import { EngagementClient } from '../../src/vendors/engagement/client';
import { GreenArrowClient } from '../../src/vendors/greenarrow/client';
import { RainMakerClient } from '../../src/vendors/rainmaker/client';
import { UserManagementClient } from '../../src/vendors/user-management/client';
import type { VendorClient } from '../../src/vendors/kit/client';

const USERNAME = 'basic-admin';
const PASSWORD = 'Bas1c-Secret-e4f1';
const WRONG_PASSWORD = 'Bas1c-Wrong-93aa';
const RAINMAKER = { accessKeyId: 'AKIDBASETEST', secretAccessKey: 'rm-base-secret/Qw3rty+EXAMPLE' };
const SCOPE = { region: 'eu-west-1', service: 'execute-api' };
const API_KEY = 'um-base-key-51c0';
const TRANSPORT = { timeoutMs: 2_000, retries: 0, connections: 2 };

const rainMakerSettings = (overrides: Partial<RainMakerSettings> = {}): RainMakerSettings => ({
  baseUrl: 'http://127.0.0.1:9',
  ...RAINMAKER,
  ...SCOPE,
  apiVersion: 'v1',
  ...TRANSPORT,
  ...overrides,
});
const engagementSettings = (overrides: Partial<EngagementSettings> = {}): EngagementSettings => ({
  baseUrl: 'http://127.0.0.1:9',
  username: USERNAME,
  password: PASSWORD,
  pageSize: 10,
  ...TRANSPORT,
  ...overrides,
});
const greenArrowSettings = (overrides: Partial<GreenArrowSettings> = {}): GreenArrowSettings => ({
  baseUrl: 'http://127.0.0.1:9',
  username: USERNAME,
  password: PASSWORD,
  pageSize: 100,
  ...TRANSPORT,
  ...overrides,
});
const userManagementSettings = (overrides: Partial<UserManagementSettings> = {}): UserManagementSettings => ({
  baseUrl: 'http://127.0.0.1:9',
  apiKey: API_KEY,
  apiKeyHeader: 'X-Api-Key',
  accountPathPrefix: '/pub',
  ...TRANSPORT,
  ...overrides,
});

const deps = { logger: silentLogger };

/** What every client has from the base, whatever its hint type. */
type AnyClient = Pick<VendorClient<unknown>, 'http' | 'source' | 'close'>;

/** What a constructor threw, for comparing messages across clients. */
function thrownBy(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the constructor to throw');
}

describe('HTTP Basic, built and read one way', () => {
  it('encodes UTF-8 credentials and reads them back; a password may hold a colon', () => {
    const header = basicAuthorization('admin', 'pä:ss');
    expect(header).toBe(`Basic ${Buffer.from('admin:pä:ss').toString('base64')}`);
    expect(parseBasicAuthorization(header)).toEqual({ username: 'admin', password: 'pä:ss' });
    expect(parseBasicAuthorization(`  basic ${header.slice(6)} `)).toEqual({ username: 'admin', password: 'pä:ss' });
  });

  it('reads nothing from another scheme, a header without a colon, or none', () => {
    expect(parseBasicAuthorization('Bearer abc')).toBeNull();
    expect(parseBasicAuthorization(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeNull();
    expect(parseBasicAuthorization('Basic not base64!')).toBeNull();
    expect(parseBasicAuthorization(undefined)).toBeNull();
  });

  it('refuses a user name with a colon, which would be read back split', () => {
    expect(() => basicAuthorization('a:b', PASSWORD)).toThrow(
      new TypeError(
        'basicAuthorization: username must be a non-empty string without ":" (HTTP Basic cannot carry one)',
      ),
    );
  });
});

describe('the client base shared by the four vendor clients', () => {
  it('refuses a missing credential with the same TypeError in every client, naming the setting and not its value', () => {
    const refusals = [
      thrownBy(() => new RainMakerClient(rainMakerSettings({ secretAccessKey: '' }), deps)),
      thrownBy(() => new EngagementClient(engagementSettings({ password: '' }), deps)),
      thrownBy(() => new GreenArrowClient(greenArrowSettings({ password: '' }), deps)),
      thrownBy(() => new UserManagementClient(userManagementSettings({ apiKey: '' }), deps)),
    ];
    expect(refusals.every((error) => error instanceof TypeError)).toBe(true);
    expect(refusals.map((error) => error.message)).toEqual([
      'RainMakerClient: secretAccessKey must be a non-empty string',
      'EngagementClient: password must be a non-empty string',
      'GreenArrowClient: password must be a non-empty string',
      'UserManagementClient: apiKey must be a non-empty string',
    ]);
  });

  it('says the same of a Basic user name and a page size in both clients that have them, without echoing the password', () => {
    const messages = [
      thrownBy(() => new EngagementClient(engagementSettings({ username: `a:${PASSWORD}` }), deps)).message,
      thrownBy(() => new GreenArrowClient(greenArrowSettings({ username: `a:${PASSWORD}` }), deps)).message,
      thrownBy(() => new EngagementClient(engagementSettings({ pageSize: 0 }), deps)).message,
      thrownBy(() => new GreenArrowClient(greenArrowSettings({ pageSize: 1.5 }), deps)).message,
    ];
    expect(messages).toEqual([
      'EngagementClient: username must be a non-empty string without ":" (HTTP Basic cannot carry one)',
      'GreenArrowClient: username must be a non-empty string without ":" (HTTP Basic cannot carry one)',
      'EngagementClient: pageSize must be a positive integer, got 0',
      'GreenArrowClient: pageSize must be a positive integer, got 1.5',
    ]);
    expect(messages.join('\n')).not.toContain(PASSWORD);
  });

  describe('over HTTP', () => {
    const engagement = new EngagementSimulator({ username: USERNAME, password: PASSWORD });
    const greenArrow = new GreenArrowSimulator({ username: USERNAME, password: PASSWORD });
    const rainMaker = new RainMakerSimulator({ credentials: RAINMAKER, ...SCOPE });
    const userManagement = new UserManagementSimulator({ apiKey: API_KEY });
    const clients: AnyClient[] = [];

    function track<Client extends AnyClient>(client: Client): Client {
      clients.push(client);
      return client;
    }

    beforeAll(async () => {
      await Promise.all([engagement.listen(), greenArrow.listen(), rainMaker.listen(), userManagement.listen()]);
    });
    beforeEach(() => {
      for (const simulator of [engagement, greenArrow, rainMaker, userManagement]) simulator.resetCalls();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    });
    afterAll(async () => {
      await Promise.all([engagement.close(), greenArrow.close(), rainMaker.close(), userManagement.close()]);
    });

    it('sends the header basicAuthorization builds from both Basic clients, and both simulators accept it', async () => {
      const seen: (string | undefined)[] = [];
      const spy = new Simulator({ name: 'basic-spy', errorResponse: (status) => ({ status }) })
        .route('listMembers', 'GET', '/api/v1/audience', (request: SimRequest) => {
          seen.push(request.headers.authorization);
          return { status: 200, body: { total: 0, audience: [] } };
        })
        .route('listUsers', 'GET', '/ga/api/v3/eng/users', (request: SimRequest) => {
          seen.push(request.headers.authorization);
          const pagination = { page: 0, per_page: 100, num_pages: 0, num_records: 0, next_page_token: null };
          return {
            status: 200,
            body: { success: true, data: { users: [], pagination }, error_code: null, error_messages: null },
          };
        });
      const url = await spy.listen();
      try {
        await track(new EngagementClient(engagementSettings({ baseUrl: url }), deps)).listMembers();
        await track(new GreenArrowClient(greenArrowSettings({ baseUrl: url }), deps)).listUsers();
        expect(seen).toEqual([basicAuthorization(USERNAME, PASSWORD), basicAuthorization(USERNAME, PASSWORD)]);
      } finally {
        await spy.close();
      }

      const pool = new Pool(engagement.url, { connections: 1 });
      const greenArrowPool = new Pool(greenArrow.url, { connections: 1 });
      try {
        const get = async (dispatcher: Pool, base: string, path: string, authorization: string) =>
          (await request(`${base}${path}`, { headers: { authorization }, dispatcher })).statusCode;
        expect(await get(pool, engagement.url, '/api/v1/audience', basicAuthorization(USERNAME, PASSWORD))).toBe(200);
        expect(
          await get(greenArrowPool, greenArrow.url, '/ga/api/v3/eng/users', basicAuthorization(USERNAME, PASSWORD)),
        ).toBe(200);
        expect(await get(pool, engagement.url, '/api/v1/audience', basicAuthorization(USERNAME, WRONG_PASSWORD))).toBe(
          401,
        );
        expect(
          await get(
            greenArrowPool,
            greenArrow.url,
            '/ga/api/v3/eng/users',
            basicAuthorization(USERNAME, WRONG_PASSWORD),
          ),
        ).toBe(401);
      } finally {
        await pool.destroy();
        await greenArrowPool.destroy();
      }
    });

    it('turns a refusal into VENDOR_UNAUTHORIZED and records it on the transport, in every client', async () => {
      const rm = track(
        new RainMakerClient(rainMakerSettings({ baseUrl: rainMaker.url, secretAccessKey: 'not-the-secret' }), deps),
      );
      const eng = track(
        new EngagementClient(engagementSettings({ baseUrl: engagement.url, password: WRONG_PASSWORD }), deps),
      );
      const ga = track(
        new GreenArrowClient(greenArrowSettings({ baseUrl: greenArrow.url, password: WRONG_PASSWORD }), deps),
      );
      const um = track(
        new UserManagementClient(userManagementSettings({ baseUrl: userManagement.url, apiKey: 'not-the-key' }), deps),
      );
      const calls: [AnyClient, () => Promise<unknown>][] = [
        [rm, () => rm.createUser({ userName: 'base@example.com', password: 'Corr3ct-Horse' })],
        [eng, () => eng.listMembers()],
        [ga, () => ga.getMailClass('1')],
        [um, () => um.getUser('1')],
      ];
      for (const [client, call] of calls) {
        expect(client.http.health.lastError).toBeNull();
        await expect(call()).rejects.toMatchObject({
          code: 'VENDOR_UNAUTHORIZED',
          source: client.source,
          retryable: false,
        });
        expect(client.http.health.lastError).toMatchObject({ code: 'VENDOR_UNAUTHORIZED' });
        expect(client.http.health.lastError!.message).toMatch(
          new RegExp(`^${client.source}: \\w+ answered HTTP 40[13]`),
        );
      }
      expect(rainMaker.calls()).toEqual({ createUser: 1 });
      expect(engagement.calls()).toEqual({ listMembers: 1 });
      expect(greenArrow.calls()).toEqual({ getMailClass: 1 });
      expect(userManagement.calls()).toEqual({ getUser: 1 });
    });
  });
});
