import type { GraphQLFormattedError } from 'graphql';
import type { Source } from '../../src/domain/types';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * Each vendor in turn fails (server error, hang, malformed body); the others' fields still
 * resolve, and every failed field carries one error naming the source and a stable code.
 * Engagement, which can only be listed, is read from the gateway's mirror, so its failure shows in
 * no request.
 */
const QUERY = /* GraphQL */ `
  {
    users(first: 6) {
      nodes {
        id
        email
        active
        username
        displayName
        account {
          id
        }
        firstName
        country
        subscriptions {
          email
          sms
        }
        permissions {
          api
          ui
        }
        identities {
          source
          externalId
        }
      }
    }
  }
`;

type Node = Record<string, unknown> & { identities: { source: Source }[] };

/** Fields each vendor owns in QUERY (displayName falls back to Engagement only without a UM record). */
const OWNED: Record<Exclude<Source, 'RAINMAKER'>, string[]> = {
  USER_MANAGEMENT: ['username', 'displayName', 'account'],
  ENGAGEMENT: ['firstName', 'country', 'subscriptions'],
  GREENARROW: ['permissions'],
};

describe('a failing vendor nulls only its own fields', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    // Each case fails a vendor on purpose; its breaker (test/resilience/breaker.test.ts) would still be open for the next case.
    app = await bootGateway({ VENDOR_TIMEOUT_MS: '1500', VENDOR_RETRIES: '0', VENDOR_BREAKER_THRESHOLD: '1000' });
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  it.each([
    ['GREENARROW', 'getUser', { status: 500 }, 'VENDOR_UNAVAILABLE'],
    ['GREENARROW', 'listUsers', { hang: true }, 'VENDOR_TIMEOUT'],
    // User-management answers a page by its accounts' listings or by single reads, whichever is fewer calls: both fail.
    ['USER_MANAGEMENT', '*', { malformed: 'json' }, 'VENDOR_BAD_RESPONSE'],
    ['USER_MANAGEMENT', '*', { status: 503 }, 'VENDOR_UNAVAILABLE'],
  ] as const)('%s %s %j → %s', async (source, route, fault, code) => {
    // Six users are one GreenArrow batch of six: a page walk; a single read for getUser faults.
    const query = route === 'getUser' && source === 'GREENARROW' ? QUERY.replace('first: 6', 'first: 1') : QUERY;
    app.simulators.simulators[source]!.setFault(route, fault);

    const result = await graphql<{ users: { nodes: Node[] } }>(app, query);

    expect(result.status).toBe(200);
    const nodes = result.data!.users.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    const errors = result.errors ?? [];
    const expectedFailures: string[] = [];
    for (const [index, node] of nodes.entries()) {
      expect(node.id).toEqual(expect.any(String));
      expect(node.email).toEqual(expect.any(String));
      expect(typeof node.active).toBe('boolean');
      expect(node.identities.length).toBeGreaterThan(0);
      const hasRecord = node.identities.some((identity) => identity.source === source);
      for (const [owner, fields] of Object.entries(OWNED) as [Source, string[]][]) {
        const ownerHasRecord = node.identities.some((identity) => identity.source === owner);
        for (const field of fields) {
          if (owner === source && hasRecord) {
            expect(node[field]).toBeNull();
            expectedFailures.push(`users.nodes.${index}.${field}`);
          } else if (ownerHasRecord) {
            expect(node[field]).not.toBeNull();
          }
        }
      }
    }
    expect(expectedFailures.length).toBeGreaterThan(0);
    expect(errors.map((error: GraphQLFormattedError) => error.path!.join('.')).sort()).toEqual(expectedFailures.sort());
    for (const error of errors) {
      expect(error.extensions).toMatchObject({ code, source });
      expect(error.extensions).not.toHaveProperty('stacktrace');
      expect(error.message).not.toMatch(/127\.0\.0\.1|http:\/\//);
    }
  });

  it('Engagement is read from the mirror: its outage leaves its fields whole, and no request calls it', async () => {
    app.simulators.simulators.ENGAGEMENT!.setFault('*', { hang: true });
    const result = await graphql<{ users: { nodes: Node[] } }>(app, QUERY);
    expect(result.errors).toBeUndefined();
    const members = result.data!.users.nodes.filter((node) =>
      node.identities.some((identity) => identity.source === 'ENGAGEMENT'),
    );
    expect(members.length).toBeGreaterThan(0);
    for (const node of members) for (const field of OWNED.ENGAGEMENT) expect(node[field]).not.toBeNull();
    expect(app.simulators.simulators.ENGAGEMENT!.calls()).toEqual({});
  });

  it('RainMaker has no read endpoint: a RainMaker outage leaves queries whole and shows in `sources`', async () => {
    app.simulators.simulators.RAINMAKER!.setFault('*', { hang: true });
    const users = await graphql<{ users: { nodes: Node[] } }>(app, QUERY);
    expect(users.errors).toBeUndefined();
    expect(app.simulators.simulators.RAINMAKER!.calls()).toEqual({});

    await app.simulators.simulators.RAINMAKER!.close();
    const result = await graphql<{
      sources: { source: Source; configured: boolean; reachable: boolean; lastError: { code: string } | null }[];
    }>(app, '{ sources { source configured reachable lastError { code } } }');
    expect(result.errors).toBeUndefined();
    const bySource = Object.fromEntries(result.data!.sources.map((status) => [status.source, status]));
    expect(bySource['RAINMAKER']).toEqual({
      source: 'RAINMAKER',
      configured: true,
      reachable: false,
      lastError: { code: 'VENDOR_UNAVAILABLE' },
    });
    for (const source of ['ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'])
      expect(bySource[source]).toMatchObject({ configured: true, reachable: true });
  });
});
