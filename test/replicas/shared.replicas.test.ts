import type { GatewayProcess } from '../helpers/gateway-process';
import { post } from '../helpers/gateway-process';
import { startReplicaSet, type ReplicaSet } from '../helpers/replica-set';
import { TEST_REDIS_URL, deleteKeys, testKeyPrefix } from '../helpers/test-redis';

/**
 * Three gateway processes on one PostgreSQL database and one Redis (the machine's, under a key
 * prefix of each set's own, deleted after): the per-token rate limit is the deployment's, and a
 * vendor's breaker opened at one replica keeps the other two from calling it. Vendor calls are
 * counted through the simulators.
 */

/** Each set's own key prefix, deleted after the file. */
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(TEST_REDIS_URL, prefix);
});

function redisEnv(): Record<string, string> {
  prefixes.push(testKeyPrefix());
  return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefixes.at(-1)! };
}

/** The HTTP status of one GraphQL request with the replica's token. */
async function status(replica: GatewayProcess, query: string): Promise<number> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${replica.token!}` },
    body: JSON.stringify({ query }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Three replicas on one database of their own and the machine's Redis, for the `describe` that calls it. */
function threeReplicas(env: Record<string, string>): () => ReplicaSet {
  let set: ReplicaSet;
  beforeAll(async () => {
    set = await startReplicaSet({ replicas: 3, env: { ...redisEnv(), MIRROR_REFRESH_INTERVAL_S: '0', ...env } });
  }, 120_000);
  afterAll(async () => {
    await set?.close();
  }, 60_000);
  return () => set;
}

describe('three replicas on one PostgreSQL database and one Redis: the rate limit', () => {
  const LIMIT = 9;
  const set = threeReplicas({ RATE_LIMIT_REQUESTS: String(LIMIT), RATE_LIMIT_WINDOW_S: '600' });

  it('answers 429 after N requests in total, spread over the three', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < LIMIT + 6; index += 1)
      statuses.push(await status(set().replicas[index % 3], '{ sources { source } }'));
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), ...Array<number>(6).fill(429)]);
  });
});

describe("three replicas on one PostgreSQL database and one Redis: a vendor's breaker", () => {
  const set = threeReplicas({
    VENDOR_RETRIES: '0',
    GREENARROW_BREAKER_THRESHOLD: '3',
    GREENARROW_BREAKER_HALF_OPEN_MS: '600000',
  });

  it('opened at one replica, stops the other two from calling the vendor', async () => {
    const [a, b, c] = set().replicas as [GatewayProcess, GatewayProcess, GatewayProcess];
    const email = `breaker.${Date.now()}@example.com`;
    const created = await post<{ createUser: { user: { id: string } | null; userErrors: unknown[] } }>(
      a,
      `mutation Create($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }`,
      {
        input: {
          email,
          password: 'Replica-Pass-77',
          firstName: 'Brea',
          lastName: 'Ker',
          country: 'India',
          accountId: '2',
          username: email.split('@')[0],
        },
      },
    );
    expect(created.data?.createUser.userErrors).toEqual([]);

    const greenArrow = set().vendors.simulators.GREENARROW;
    const query = `{ user(email: "${email}") { email permissions { api } } }`;
    const permissions = async (replica: GatewayProcess) => {
      const answer = await post<{ user: { email: string; permissions: unknown } | null }>(replica, query, {});
      expect(answer.data?.user?.email).toBe(email);
      return answer.data!.user!.permissions;
    };
    greenArrow.resetCalls();
    greenArrow.setFault('getUser', { status: 500 });
    for (let index = 0; index < 3; index += 1) expect(await permissions(a)).toBeNull();
    const callsToOpen = greenArrow.calls('getUser');
    expect(callsToOpen).toBe(3);
    for (const replica of [b, c, b, c, b, c]) expect(await permissions(replica)).toBeNull();
    expect(greenArrow.calls('getUser')).toBe(callsToOpen);
  });
});
