import type { Database } from '../../src/store';
import { bootGateway, graphql, resetCounters, type BootedGateway } from '../helpers/gateway';

/**
 * What a create or an update costs, counted: the vendor calls of its pre-flight into an account of
 * 10,000 people (the account's listing is not read per write, and a taken username is still refused
 * before any vendor is written), and the database commits the journal makes per create.
 */
const CREATE = `mutation Create($input: CreateUserInput!) {
  createUser(input: $input) { user { id } results { source status } userErrors { field code source } }
}`;
const UPDATE = `mutation Update($input: UpdateUserInput!) {
  updateUser(input: $input) { user { id } results { source status } userErrors { field code source } }
}`;

interface Payload {
  user: { id: string } | null;
  results: { source: string; status: string }[];
  userErrors: { field: string[] | null; code: string; source: string | null }[];
}

const LARGE = 10_000;
const CREATES = 8;
const UPDATES = 8;

/**
 * Counts the commits made through `db`: every transaction (its own commit) and every write
 * statement sent outside one (a commit each). Reads commit nothing.
 */
function countCommits(db: Database): { readonly commits: number; reset(): void } {
  let commits = 0;
  const target = db as unknown as Record<string, unknown>;
  const write = /^\s*(INSERT|UPDATE|DELETE)\b/i;
  const query = db.query.bind(db);
  const run = db.run.bind(db);
  const transaction = db.transaction.bind(db);
  target['query'] = (sql: string, params?: never) => {
    if (write.test(sql)) commits += 1;
    return query(sql, params);
  };
  target['run'] = (sql: string, params?: never) => {
    if (write.test(sql)) commits += 1;
    return run(sql, params);
  };
  target['transaction'] = (fn: never, options?: never) => {
    commits += 1;
    return transaction(fn, options);
  };
  return {
    get commits() {
      return commits;
    },
    reset() {
      commits = 0;
    },
  };
}

describe('the cost of a write into an account of 10,000', () => {
  let app: BootedGateway;
  let accountId: string;
  let counter = 0;
  let commits: ReturnType<typeof countCommits>;

  beforeAll(async () => {
    // An hour, so that however slow the machine, the suite's listings are the ones it counts.
    app = await bootGateway({
      VENDOR_RETRIES: '0',
      MIRROR_REFRESH_INTERVAL_S: '0',
      USER_MANAGEMENT_USERNAMES_MAX_AGE_S: '3600',
    });
    const store = app.simulators.simulators.USER_MANAGEMENT!.store;
    accountId = store.addAccount({ name: 'An account of 10,000' }).id;
    for (let index = 0; index < LARGE; index += 1)
      store.insert({
        contactName: `Member ${index}`,
        emailAddress: `member.${index}@large.example.net`,
        defaultAccountId: accountId,
        username: `large.member.${index}`,
      });
    commits = countCommits(app.store.db);
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  const sims = () => app.simulators.simulators;
  const person = (overrides: Record<string, unknown> = {}) => {
    counter += 1;
    return {
      email: `write.cost.${counter}@example.org`,
      password: 'Write-Cost-Pass-1',
      firstName: 'Write',
      lastName: `Cost${counter}`,
      country: 'India',
      accountId,
      username: `write.cost.${counter}`,
      ...overrides,
    };
  };
  const create = async (input: Record<string, unknown>): Promise<Payload> => {
    const response = await graphql<{ createUser: Payload }>(app, CREATE, { input });
    expect(response.errors).toBeUndefined();
    return response.data!.createUser;
  };
  const update = async (input: Record<string, unknown>): Promise<Payload> => {
    const response = await graphql<{ updateUser: Payload }>(app, UPDATE, { input });
    expect(response.errors).toBeUndefined();
    return response.data!.updateUser;
  };
  /** A person created through the gateway (so its database knows their username). */
  const created = async (overrides: Record<string, unknown> = {}): Promise<{ id: string; username: string }> => {
    const input = person(overrides);
    const payload = await create(input);
    expect(payload.userErrors).toEqual([]);
    return { id: payload.user!.id, username: input.username };
  };
  const listings = () => sims().USER_MANAGEMENT!.calls('usersByAccount');
  const userManagementStatus = (payload: Payload) =>
    payload.results.find((result) => result.source === 'USER_MANAGEMENT')?.status;
  const refusedUsername = (source = 'USER_MANAGEMENT') => [
    expect.objectContaining({ field: ['input', 'username'], code: 'USERNAME_TAKEN', source }),
  ];
  /**
   * Makes the account's remembered listing one that shows `user`: an update to a username one of
   * the 10,000 holds is refused only after a listing read since, which is then remembered.
   */
  const listedWith = async (user: { id: string }) => {
    const refused = await update({ id: user.id, username: `large.member.${LARGE - 3}` });
    expect(refused.userErrors).toEqual(refusedUsername());
  };
  const writeCalls = () =>
    Object.values(sims())
      .flatMap((simulator) => simulator.callLog())
      .filter((call) => call.method !== 'GET').length;

  it('a username one of the 10,000 holds, unknown to the gateway, is refused before any vendor is written', async () => {
    const payload = await create(person({ username: `LARGE.member.${LARGE - 1}` }));
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ field: ['input', 'username'], code: 'USERNAME_TAKEN', source: 'USER_MANAGEMENT' }),
    ]);
    expect(payload.results).toEqual([]);
    expect(writeCalls()).toBe(0);
    // The account's first listing, read for this check: new enough to refuse on.
    expect(listings()).toBe(1);
  });

  it(`${CREATES} creates into the account read its listing at most once, and each makes few commits`, async () => {
    commits.reset();
    for (let index = 0; index < CREATES; index += 1) {
      const payload = await create(person());
      expect(payload.userErrors).toEqual([]);
      expect(payload.results.map((result) => result.status)).toEqual(Array(4).fill('SUCCEEDED'));
    }
    const perCreate = commits.commits / CREATES;
    process.stdout.write(
      `write-cost: ${sims().USER_MANAGEMENT!.calls('usersByAccount')} listings for ${CREATES} creates; ${perCreate} commits per create\n`,
    );
    expect(sims().USER_MANAGEMENT!.calls('usersByAccount')).toBeLessThanOrEqual(1);
    // 4 when the vendors answer within 25 ms of one another (the usual here); 7 at most (a commit for
    // each of the first three answers), against 14 when every step's start and end had its own.
    expect(perCreate).toBeLessThanOrEqual(7);
  });

  it('a username an older listing showed, whose holder has gone since, is looked for again and accepted', async () => {
    const store = sims().USER_MANAGEMENT!.store;
    const gone = store.byAccount(accountId).find((user) => user.username === 'large.member.17')!;
    store.remove(gone.id);
    const payload = await create(person({ username: gone.username }));
    expect(payload.userErrors).toEqual([]);
    expect(sims().USER_MANAGEMENT!.calls('usersByAccount')).toBe(1);
  });

  it('a username taken at the vendor behind the gateway since the account was last read is refused by the vendor, and the rest rolled back', async () => {
    const taken = `behind.${counter}`;
    sims().USER_MANAGEMENT!.store.insert({
      contactName: 'Someone else',
      emailAddress: `behind.${counter}@large.example.net`,
      defaultAccountId: accountId,
      username: taken,
    });
    const payload = await create(person({ username: taken }));
    expect(payload.user).toBeNull();
    expect(payload.results.find((result) => result.source === 'USER_MANAGEMENT')!.status).toBe('FAILED');
    expect(payload.results.filter((result) => result.source !== 'USER_MANAGEMENT').map((r) => r.status)).toEqual([
      'ROLLED_BACK',
      'ROLLED_BACK',
      'ROLLED_BACK',
    ]);
  });

  it(`${UPDATES} updates of username into the account, renames in it and moves into it, read its listing at most once`, async () => {
    const small = sims().USER_MANAGEMENT!.store.addAccount({ name: 'A small account' }).id;
    const inLarge = [];
    const inSmall = [];
    for (let index = 0; index < UPDATES / 2; index += 1) {
      inLarge.push(await created());
      inSmall.push(await created({ accountId: small }));
    }
    resetCounters(app);
    for (const user of inLarge) {
      const payload = await update({ id: user.id, username: `renamed.${user.username}` });
      expect(payload.userErrors).toEqual([]);
      expect(userManagementStatus(payload)).toBe('SUCCEEDED');
    }
    for (const user of inSmall) {
      const payload = await update({ id: user.id, username: `moved.${user.username}`, accountId });
      expect(payload.userErrors).toEqual([]);
      expect(userManagementStatus(payload)).toBe('SUCCEEDED');
    }
    process.stdout.write(`write-cost: ${listings()} listings for ${UPDATES} updates\n`);
    expect(listings()).toBeLessThanOrEqual(1);
    expect(sims().USER_MANAGEMENT!.calls('modifyUser')).toBe(UPDATES);
  });

  it('an update to a username one of the 10,000 holds, unknown to the gateway, is refused before any vendor is written', async () => {
    const user = await created();
    resetCounters(app);
    const payload = await update({ id: user.id, username: `LARGE.member.${LARGE - 2}` });
    expect(payload.userErrors).toEqual(refusedUsername());
    expect(payload.results).toEqual([]);
    expect(writeCalls()).toBe(0);
    // The remembered listing is older than the check: the refusal is made on a new one.
    expect(listings()).toBe(1);
  });

  it('an update to their own username in another case is accepted, from a listing that shows them', async () => {
    const user = await created();
    await listedWith(user);
    resetCounters(app);
    const payload = await update({ id: user.id, username: user.username.toUpperCase() });
    expect(payload.userErrors).toEqual([]);
    expect(userManagementStatus(payload)).toBe('SUCCEEDED');
    expect(listings()).toBe(0);
  });

  it('an update to a username an older listing showed, whose holder has gone since, is looked for again and accepted', async () => {
    const user = await created();
    const store = sims().USER_MANAGEMENT!.store;
    const gone = store.byAccount(accountId).find((member) => member.username === 'large.member.29')!;
    store.remove(gone.id);
    resetCounters(app);
    const payload = await update({ id: user.id, username: gone.username });
    expect(payload.userErrors).toEqual([]);
    expect(userManagementStatus(payload)).toBe('SUCCEEDED');
    expect(listings()).toBe(1);
  });

  it('a move to an account user-management does not have is refused, and the answer is not remembered', async () => {
    const user = await created();
    resetCounters(app);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const payload = await update({ id: user.id, accountId: '999999' });
      expect(payload.userErrors).toEqual([
        expect.objectContaining({
          field: ['input', 'accountId'],
          code: 'ACCOUNT_NOT_FOUND',
          source: 'USER_MANAGEMENT',
        }),
      ]);
      expect(payload.results).toEqual([]);
    }
    expect(writeCalls()).toBe(0);
    expect(listings()).toBe(2);
  });

  it('after a rename from A to B, B is refused to anyone else (from the database) and A is free again', async () => {
    const renamed = await created();
    const other = await created();
    await listedWith(renamed);
    const b = `b.${renamed.username}`;
    expect((await update({ id: renamed.id, username: b })).userErrors).toEqual([]);
    resetCounters(app);
    expect((await update({ id: other.id, username: b.toUpperCase() })).userErrors).toEqual(refusedUsername());
    expect((await create(person({ username: b }))).userErrors).toEqual(refusedUsername());
    expect(writeCalls()).toBe(0);
    // The remembered listing still shows A held by the renamed user: looked for again, it is free.
    const freed = await update({ id: other.id, username: renamed.username });
    expect(freed.userErrors).toEqual([]);
    expect(userManagementStatus(freed)).toBe('SUCCEEDED');
    expect(listings()).toBe(1);
  });

  it('a move between accounts leaves no remembered username that refuses or accepts wrongly', async () => {
    const small = sims().USER_MANAGEMENT!.store.addAccount({ name: 'Another small account' }).id;
    const leaving = await created();
    const renamedLeaving = await created();
    const arriving = await created({ accountId: small });
    const other = await created();
    await listedWith(leaving);
    await listedWith(renamedLeaving);
    expect((await update({ id: leaving.id, accountId: small })).userErrors).toEqual([]);
    const renamedTo = `left.${renamedLeaving.username}`;
    const moved = await update({ id: renamedLeaving.id, accountId: small, username: renamedTo });
    expect(moved.userErrors).toEqual([]);
    expect((await update({ id: arriving.id, accountId })).userErrors).toEqual([]);
    resetCounters(app);
    // Still held (user-management's usernames are unique everywhere): refused, from the database.
    expect((await update({ id: other.id, username: leaving.username })).userErrors).toEqual(refusedUsername());
    expect((await update({ id: other.id, username: arriving.username })).userErrors).toEqual(refusedUsername());
    expect((await create(person({ username: arriving.username }))).userErrors).toEqual(refusedUsername());
    expect(writeCalls()).toBe(0);
    // Given up with the move: free, though the remembered listing showed it held.
    const freed = await update({ id: other.id, username: renamedLeaving.username });
    expect(freed.userErrors).toEqual([]);
    expect(userManagementStatus(freed)).toBe('SUCCEEDED');
    expect(listings()).toBe(1);
  });
});

describe('the cost of a write with USER_MANAGEMENT_USERNAMES_MAX_AGE_S=0', () => {
  let app: BootedGateway;
  let accountId: string;
  const holder = 'behind.the.gateway';

  beforeAll(async () => {
    app = await bootGateway({ VENDOR_RETRIES: '0', USER_MANAGEMENT_USERNAMES_MAX_AGE_S: '0' });
    const store = app.simulators.simulators.USER_MANAGEMENT!.store;
    accountId = store.addAccount({ name: 'An account listed every time' }).id;
    store.insert({
      contactName: 'Held',
      emailAddress: 'held@example.net',
      defaultAccountId: accountId,
      username: holder,
    });
  });
  afterAll(() => app.stop());

  const send = async (query: string, input: Record<string, unknown>): Promise<Payload> => {
    const response = await graphql<Record<string, Payload>>(app, query, { input });
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0];
  };
  const listings = () => app.simulators.simulators.USER_MANAGEMENT!.calls('usersByAccount');

  it('every create and update lists the account once, refused or not', async () => {
    const input = {
      email: 'max.age.zero@example.org',
      password: 'Write-Cost-Pass-1',
      firstName: 'Max',
      lastName: 'Zero',
      country: 'India',
      accountId,
      username: 'max.age.zero',
    };
    const steps: [string, Record<string, unknown>, string[]][] = [
      [CREATE, { ...input, username: holder.toUpperCase() }, ['USERNAME_TAKEN']],
      [CREATE, input, []],
    ];
    for (const [query, variables, codes] of steps) {
      resetCounters(app);
      const payload = await send(query, variables);
      expect(payload.userErrors.map((problem) => problem.code)).toEqual(codes);
      expect(listings()).toBe(1);
    }
    const created = await send(CREATE, { ...input, email: 'max.age.zero.2@example.org', username: 'max.age.zero.2' });
    for (const [variables, codes] of [
      [{ id: created.user!.id, username: holder.toUpperCase() }, ['USERNAME_TAKEN']],
      [{ id: created.user!.id, username: 'MAX.AGE.ZERO.2' }, []],
    ] as const) {
      resetCounters(app);
      const payload = await send(UPDATE, variables);
      expect(payload.userErrors.map((problem) => problem.code)).toEqual(codes);
      expect(listings()).toBe(1);
    }
  });
});
