import type { Source } from '../../src/domain/types';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * Concurrent creates of one person, through GraphQL over HTTP against the
 * simulators: the person's email address (and username) is claimed in the gateway's database
 * before any vendor call, so of the requests racing for it exactly one writes the vendors and the
 * others are told why without writing anything. Before the claim, two such creates were each told
 * VENDOR_CONFLICT by the other's records, both rolled back, and the person existed nowhere.
 */
const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id email identities { source externalId } }
    results { source status externalId }
    userErrors { field code message }
  }
}`;

interface Payload {
  user: { id: string; email: string; identities: { source: Source; externalId: string }[] } | null;
  results: { source: Source; status: string; externalId: string | null }[];
  userErrors: { field: string[] | null; code: string; message: string }[];
}

const ROUNDS = 20;
/** Each vendor takes this long to create, so that racing requests overlap at the vendors without the claim. */
const CREATE_LATENCY_MS = 30;

describe('concurrent creates of one person', () => {
  let app: BootedGateway;
  let counter = 0;

  beforeAll(async () => {
    app = await bootGateway({ VENDOR_RETRIES: '0', MIRROR_REFRESH_INTERVAL_S: '0' });
  });
  afterAll(async () => {
    await app.stop();
  });

  const sims = () => app.simulators.simulators;
  /** How many records each vendor holds with this email address. */
  const recordsOf = (email: string) => ({
    RAINMAKER: sims()
      .RAINMAKER!.store.all()
      .filter((user) => user.userName === email).length,
    ENGAGEMENT: sims()
      .ENGAGEMENT!.store.all()
      .filter((member) => member.email === email).length,
    GREENARROW: sims()
      .GREENARROW!.store.all()
      .filter((user) => user.email === email).length,
    USER_MANAGEMENT: sims()
      .USER_MANAGEMENT!.store.all()
      .filter((user) => user.emailAddress === email).length,
  });
  const createCalls = () =>
    sims().RAINMAKER!.calls('createUser') +
    sims().ENGAGEMENT!.calls('createMember') +
    sims().GREENARROW!.calls('createUser') +
    sims().USER_MANAGEMENT!.calls('addUser');
  const one = { RAINMAKER: 1, ENGAGEMENT: 1, GREENARROW: 1, USER_MANAGEMENT: 1 };

  function person(email: string, username: string) {
    return {
      email,
      password: 'Racing-Pass-77',
      firstName: 'Race',
      lastName: username,
      country: 'India',
      accountId: '2',
      username,
    };
  }

  async function create(input: Record<string, unknown>): Promise<Payload> {
    const response = await graphql<{ createUser: Payload }>(app, CREATE, { input });
    expect([response.status, response.errors]).toEqual([200, undefined]);
    return response.data!.createUser;
  }

  /** One round: `racers` creates at once; exactly one wins, the others wrote nothing and say why. */
  async function round(racers: number, inputs: (index: number) => Record<string, unknown>, losingCodes: string[]) {
    resetCounters(app);
    for (const [simulator, route] of [
      [sims().RAINMAKER!, 'createUser'],
      [sims().ENGAGEMENT!, 'createMember'],
      [sims().GREENARROW!, 'createUser'],
      [sims().USER_MANAGEMENT!, 'addUser'],
    ] as const) {
      simulator.setFault(route, { latencyMs: CREATE_LATENCY_MS });
    }
    const payloads = await Promise.all(Array.from({ length: racers }, (_, index) => create(inputs(index))));
    const winners = payloads.filter((payload) => payload.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    expect(winner.results.map((result) => result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    for (const loser of payloads.filter((payload) => payload !== winner)) {
      expect(loser.results).toEqual([]);
      expect(loser.user).toBeNull();
      expect(loser.userErrors).toHaveLength(1);
      expect(losingCodes).toContain(loser.userErrors[0].code);
    }
    // The losers never reached a vendor's create.
    expect(createCalls()).toBe(4);
    return { winner, losers: payloads.filter((payload) => payload !== winner) };
  }

  it.each([2, 5])(
    'of %i creates of one email at once, one writes every vendor and the others are told the address is taken',
    async (racers) => {
      const told: Record<string, number> = {};
      for (let index = 0; index < ROUNDS; index += 1) {
        counter += 1;
        const email = `racer${counter}@example.org`;
        // The same person sent several times, as a double-click or a client's own retry would.
        const { winner, losers } = await round(racers, () => person(email, `racer${counter}`), [
          'EMAIL_IN_USE',
          'EMAIL_TAKEN',
        ]);
        for (const loser of losers) told[loser.userErrors[0].code] = (told[loser.userErrors[0].code] ?? 0) + 1;
        expect(recordsOf(email)).toEqual(one);
        const found = await graphql<{ user: { id: string; identities: unknown[] } | null }>(
          app,
          `{ user(email: "${email.toUpperCase()}") { id identities { source } } }`,
        );
        expect(found.data?.user?.id).toBe(winner.user!.id);
        expect(found.data?.user?.identities).toHaveLength(4);
      }
      // Most of them raced for real: the claim answered, not the check against a person already linked.
      expect(told['EMAIL_IN_USE']).toBeGreaterThan(0);
    },
    60_000,
  );

  it('of creates of one username with different emails at once, one wins and the others are told the username is taken', async () => {
    for (let index = 0; index < ROUNDS / 4; index += 1) {
      counter += 1;
      const username = `racer${counter}`;
      const { winner } = await round(3, (racer) => person(`racer${counter}.${racer}@example.org`, username), [
        'USERNAME_IN_USE',
        'USERNAME_TAKEN',
      ]);
      expect(recordsOf(winner.user!.email)).toEqual(one);
      expect(
        sims()
          .USER_MANAGEMENT!.store.all()
          .filter((user) => user.username === username),
      ).toHaveLength(1);
    }
  });

  it('lets the same request sent again after a refusal run anew, under the key it was refused with', async () => {
    counter += 1;
    const email = `racer${counter}@example.org`;
    const input = person(email, `racer${counter}`);
    resetCounters(app);
    sims().GREENARROW!.setFault('createUser', { latencyMs: 4_000 });
    const first = create(input);
    await eventually(() => sims().GREENARROW!.calls('createUser') === 1, 'the first create to reach GreenArrow');
    const refused = await create({ ...input, idempotencyKey: 'race-refused' });
    expect(refused.userErrors.map((error) => error.code)).toEqual(['EMAIL_IN_USE']);
    expect((await first).userErrors).toEqual([]);
    // The refusal wrote nothing and kept no key: sent again, it runs anew and meets the person now created.
    const again = await create({ ...input, idempotencyKey: 'race-refused' });
    expect(again.userErrors.map((error) => error.code)).toContain('EMAIL_TAKEN');
    expect(recordsOf(email)).toEqual(one);
  });
});
