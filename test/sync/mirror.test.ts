import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/platform/logger';
import { MirrorRefresher } from '../../src/sync/mirror-refresher';
import { simulatorEnv } from '../../src/simulators';
import { seedPeople } from '../../src/simulators/kit/seed';
import { createAdapters, type Adapters } from '../../src/vendors/registry';
import { CheckpointStore, openStore, type Store } from '../../src/store';
import { eventually } from '../helpers/eventually';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { scratchDir } from './support';

/**
 * Engagement, which can only be listed, is mirrored in the gateway's database and read
 * from there (a request never walks its listing); the gateway's own writes update the mirror at
 * once; a background refresher keeps it fresh, one process at a time, and stops cleanly; a person
 * created at a vendor outside the gateway is found by email at once (read-through discovery).
 */
const MIRRORED = seedPeople().find((person) => person.in.engagement && !person.in.greenarrow)!;

describe('the mirror of the vendor that can only be listed', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());
  beforeEach(() => resetCounters(app));

  it('answers Engagement fields from the mirror, with syncedAt, and never calls Engagement', async () => {
    const result = await graphql<{
      users: {
        nodes: {
          firstName: string | null;
          country: string | null;
          subscriptions: { sms: boolean } | null;
          identities: { source: string; syncedAt: string | null }[];
        }[];
      };
    }>(
      app,
      '{ users(first: 36) { nodes { firstName country subscriptions { sms } identities { source syncedAt } } } }',
    );
    expect(result.errors).toBeUndefined();
    const members = result.data!.users.nodes.filter((node) =>
      node.identities.some((identity) => identity.source === 'ENGAGEMENT'),
    );
    expect(members.length).toBeGreaterThan(10);
    for (const node of members) {
      expect(node.firstName).toEqual(expect.any(String));
      expect(node.subscriptions).not.toBeNull();
      expect(node.identities.find((identity) => identity.source === 'ENGAGEMENT')!.syncedAt).toEqual(
        expect.any(String),
      );
    }
    expect(vendorCalls(app)['ENGAGEMENT']).toBeUndefined();
  });

  it("keeps the gateway's own create in the mirror at once, and forgets its delete", async () => {
    const created = await graphql<{
      createUser: {
        user: { id: string; identities: { source: string; externalId: string }[] } | null;
        userErrors: unknown[];
      };
    }>(
      app,
      `
        mutation ($input: CreateUserInput!) {
          createUser(input: $input) {
            user {
              id
              identities {
                source
                externalId
              }
            }
            userErrors {
              code
              message
            }
          }
        }
      `,
      {
        input: {
          email: 'mirror.new@example.net',
          phone: '+4915550001234',
          password: 'Corr3ct-Horse',
          firstName: 'Mira',
          lastName: 'Ror',
          country: 'Germany',
          sources: ['ENGAGEMENT'],
          subscriptions: { sms: true },
        },
      },
    );
    expect(created.data!.createUser.userErrors).toEqual([]);
    const user = created.data!.createUser.user!;
    const externalId = user.identities.find((identity) => identity.source === 'ENGAGEMENT')!.externalId;
    resetCounters(app);

    const read = await graphql<{
      user: {
        firstName: string;
        lastName: string;
        country: string;
        phone: string;
        subscriptions: { sms: boolean; email: boolean };
      };
    }>(app, 'query ($id: ID!) { user(id: $id) { firstName lastName country phone subscriptions { sms email } } }', {
      id: user.id,
    });
    expect(read.data!.user).toEqual({
      firstName: 'Mira',
      lastName: 'Ror',
      country: 'Germany',
      phone: '+4915550001234',
      subscriptions: { sms: true, email: false },
    });
    expect(vendorCalls(app)).toEqual({});

    const deleted = await graphql<{ deleteUser: { userErrors: unknown[] } }>(
      app,
      'mutation ($id: ID!) { deleteUser(input: { id: $id }) { userErrors { code } } }',
      { id: user.id },
    );
    expect(deleted.data!.deleteUser.userErrors).toEqual([]);
    expect((await app.store.records.byExternalIds('ENGAGEMENT', [externalId])).size).toBe(0);
  });

  it('checks that a mobile number is free at Engagement against the mirror, without calling Engagement', async () => {
    const result = await graphql<{ createUser: { userErrors: { field: string[]; code: string; source: string }[] } }>(
      app,
      `
        mutation ($input: CreateUserInput!) {
          createUser(input: $input) {
            userErrors {
              field
              code
              source
            }
          }
        }
      `,
      {
        input: {
          email: 'someone.else@example.net',
          phone: MIRRORED.phone,
          password: 'Corr3ct-Horse',
          firstName: 'Some',
          lastName: 'One',
          country: 'Germany',
          sources: ['ENGAGEMENT'],
        },
      },
    );
    expect(result.data!.createUser.userErrors).toEqual([
      { field: ['input', 'phone'], code: 'PHONE_TAKEN', source: 'ENGAGEMENT' },
    ]);
    expect(vendorCalls(app)['ENGAGEMENT']).toBeUndefined();
  });

  it('learns of a member created at the vendor on the next refresh, linked by email', async () => {
    app.simulators.simulators.ENGAGEMENT!.store.insert({
      firstName: 'Outside',
      lastName: 'Gateway',
      email: 'outside.member@example.net',
      country: 'India',
      mobileNumber: '+919876543210',
    });
    const outcomes = await app.mirror.refresh();
    expect(outcomes.map((outcome) => [outcome.source, outcome.status, outcome.changes.linksCreated])).toEqual([
      ['ENGAGEMENT', 'DONE', 1],
    ]);
    resetCounters(app);
    const result = await graphql<{ user: { firstName: string; identities: { source: string }[] } }>(
      app,
      '{ user(email: "outside.member@example.net") { firstName identities { source } } }',
    );
    expect(result.data!.user).toEqual({ firstName: 'Outside', identities: [{ source: 'ENGAGEMENT' }] });
    // The address is known now: no vendor was asked for it.
    expect(vendorCalls(app)).toEqual({});
  });

  it('finds a person created at GreenArrow outside the gateway by email at once (read-through), with one call', async () => {
    app.simulators.simulators.GREENARROW!.store.insert({
      email: 'Walk.In@Example.net',
      permissions: { api: 'read-only', ui: 'no', injection: 'smtp-only' },
    });
    const result = await graphql<{
      user: { email: string; permissions: { api: string }; identities: { source: string }[] } | null;
    }>(app, '{ user(email: "walk.in@example.net") { email permissions { api } identities { source } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.user).toEqual({
      email: 'walk.in@example.net',
      permissions: { api: 'READ_ONLY' },
      identities: [{ source: 'GREENARROW' }],
    });
    // One read found the person and answered the permissions.
    expect(vendorCalls(app)).toEqual({ GREENARROW: { getUser: 1 } });

    resetCounters(app);
    const nobody = await graphql<{ user: null }>(app, '{ user(email: "nobody.anywhere@example.net") { id } }');
    expect(nobody.data!.user).toBeNull();
    expect(vendorCalls(app)).toEqual({ GREENARROW: { getUser: 1 } });
  });

  it('shows the reconciliation report to admins only', async () => {
    const admin = await graphql<{ reconciliation: { missingCount: number } }>(
      app,
      '{ reconciliation { missingCount } }',
    );
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.reconciliation.missingCount).toEqual(expect.any(Number));
    const viewer = await graphql(app, '{ reconciliation { missingCount } }', {}, { token: app.tokens!.viewer });
    expect(viewer.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
  });

  it('says when the vendor it would ask cannot answer, rather than that the person does not exist', async () => {
    app.simulators.simulators.GREENARROW!.setFault('getUser', { status: 503 });
    const result = await graphql<{ user: null }>(app, '{ user(email: "unknown.yet@example.net") { id } }');
    expect(result.data?.user ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', source: 'GREENARROW' });
  });
});

describe('the mirror refresher', () => {
  const dir = scratchDir();
  let vendors: BootedGateway;
  const opened: { store: Store; adapters: Adapters }[] = [];

  /** A process's view of the shared database file: its own connection and adapters. */
  async function processOnTheDatabase(): Promise<{ store: Store; adapters: Adapters }> {
    const config = loadConfig({ ...simulatorEnv(vendors.simulators), DATA_DIR: dir.path });
    const store = await openStore({ file: join(dir.path, 'usergraph.db') });
    const adapters = createAdapters(config.vendors, { logger: silentLogger });
    opened.push({ store, adapters });
    return { store, adapters };
  }

  beforeAll(async () => {
    vendors = await bootGateway({ SIM_POPULATION: '436' });
  });
  afterAll(async () => {
    for (const { store, adapters } of opened) {
      await adapters.close();
      await store.close();
    }
    await vendors.stop();
    dir.remove();
  });
  beforeEach(() => resetCounters(vendors));

  it('walks a vendor in one process at a time, however many share the database', async () => {
    const [first, second] = [await processOnTheDatabase(), await processOnTheDatabase()];
    const options = { logger: silentLogger, intervalMs: 0, pagesPerSecond: 1000, leaseTtlMs: 60_000 };
    const a = new MirrorRefresher({ ...first, ...options, holder: 'process-a' });
    const b = new MirrorRefresher({ ...second, ...options, holder: 'process-b' });
    vendors.simulators.simulators.ENGAGEMENT!.setFault('listMembers', { latencyMs: 200 });
    const running = a.refresh();
    await eventually(
      async () => (await first.store.db.query('SELECT holder FROM leases')).length > 0,
      'the first refresher to take the lease',
    );
    const skipped = await b.refresh();
    expect(skipped.map((outcome) => outcome.status)).toEqual(['BUSY']);
    const done = await running;
    expect(done.map((outcome) => outcome.status)).toEqual(['DONE']);
    // One walk of the listing: each page asked once (every page after the first starts at the last
    // member of the page before, so it brings 99 new members).
    const size = vendors.simulators.simulators.ENGAGEMENT!.store.size;
    const pages = 1 + Math.ceil(Math.max(0, size - 100) / 99);
    expect(vendors.simulators.simulators.ENGAGEMENT!.calls('listMembers')).toBe(pages);
    // Once it is done, the other process may walk.
    expect((await b.refresh()).map((outcome) => outcome.status)).toEqual(['DONE']);
  });

  it('stops cleanly: the round in hand is left resumable at its checkpoint, and no timer is left', async () => {
    const process = await processOnTheDatabase();
    const refresher = new MirrorRefresher({
      ...process,
      logger: silentLogger,
      intervalMs: 10,
      pagesPerSecond: 1000,
      leaseTtlMs: 60_000,
      holder: 'process-c',
    });
    vendors.simulators.simulators.ENGAGEMENT!.setFault('listMembers', { latencyMs: 150 });
    refresher.start();
    expect(refresher.active).toBe(true);
    await eventually(async () => {
      const checkpoint = await new CheckpointStore(process.store.db).get('ENGAGEMENT', '');
      return checkpoint?.state === 'RUNNING' && checkpoint.records > 0;
    }, 'a round to be under way');
    await refresher.stop();
    expect(refresher.active).toBe(false);
    const checkpoint = await new CheckpointStore(process.store.db).get('ENGAGEMENT', '');
    expect(checkpoint?.state).toBe('RUNNING');
    const calls = vendors.simulators.simulators.ENGAGEMENT!.calls('listMembers');
    // Stopped for good: a refresh now walks nothing, and the round was left where it stopped.
    expect(await refresher.refresh()).toEqual([]);
    expect(vendors.simulators.simulators.ENGAGEMENT!.calls('listMembers')).toBe(calls);
  });
});
