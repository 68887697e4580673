import { join } from 'node:path';
import type { App } from '../../src/app';
import { endpointEnv } from '../../src/vendors/registry';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import { UserManagementSimulator } from '../../src/simulators/user-management';
import { query, runSync, scratchDir, startGateway } from './support';

/**
 * The reconciliation report: a population with planted differences (a person missing at one vendor, a
 * name that differs between two vendors, an email address shared by two records of one vendor);
 * the report names exactly those, at the end of the sync and in the graph.
 */
const PEOPLE = Array.from({ length: 12 }, (_, index) => ({
  firstName: `First${index}`,
  lastName: `Last${index}`,
  email: `person${index}@example.net`,
  phone: `+49${String(1_500_000_000 + index * 7).padStart(10, '0')}`,
}));
const MISSING = PEOPLE[3];
const RENAMED = PEOPLE[5];
const SHARED = PEOPLE[7];

describe('the reconciliation report of a population with planted differences', () => {
  const dir = scratchDir();
  let running: RunningSimulators;
  let userManagement: UserManagementSimulator;
  let vendorEnv: Record<string, string>;
  let gateway: App;
  let sharedRecords: { first: string; second: string };

  beforeAll(async () => {
    running = await startSimulators(
      loadSimulatorConfig({
        DATA_DIR: ':memory:',
        SIM_SEED: 'false',
        SIM_ENGAGEMENT_PORT: '0',
        SIM_GREENARROW_PORT: '0',
      }),
      ['ENGAGEMENT', 'GREENARROW'],
    );
    // Unique emails off: this tenant lets two users hold one address, which is the ambiguity planted.
    userManagement = new UserManagementSimulator({
      apiKey: 'reconciliation-test-key',
      seed: false,
      uniqueEmail: false,
    });
    const { ENGAGEMENT, GREENARROW } = running.simulators;
    for (const person of PEOPLE) {
      ENGAGEMENT!.store.insert({
        ...person,
        mobileNumber: person.phone,
        country: 'Germany',
        lastName: person === RENAMED ? 'Tables' : person.lastName,
        firstName: person === RENAMED ? 'Bobby' : person.firstName,
      });
      if (person !== MISSING) GREENARROW!.store.insert({ email: person.email });
      userManagement.store.insert({
        contactName: person === RENAMED ? 'Robert Tables' : `${person.firstName} ${person.lastName}`,
        emailAddress: person.email,
        defaultAccountId: '1',
        username: person.email.split('@')[0],
      });
    }
    const again = userManagement.store.insert({
      contactName: `${SHARED.firstName} ${SHARED.lastName}`,
      emailAddress: SHARED.email,
      defaultAccountId: '1',
      username: 'person7-again',
    });
    sharedRecords = {
      first: String(userManagement.store.all().find((user) => user.emailAddress === SHARED.email)!.id),
      second: String(again.id),
    };
    const url = await userManagement.listen(0);
    vendorEnv = {
      ...simulatorEnv(running),
      ...endpointEnv('USER_MANAGEMENT', { baseUrl: url, apiKey: 'reconciliation-test-key' }),
    };
  });
  afterAll(async () => {
    await gateway?.stop();
    await userManagement.close();
    await running.close();
    dir.remove();
  });

  it('names exactly the missing person, the differing name and the shared email, at the end of the sync and in the graph', async () => {
    const dataDir = join(dir.path, 'gateway');
    const { code, summary, report } = await runSync({ ...vendorEnv, DATA_DIR: dataDir, SYNC_ACCOUNT_IDS: '1' });
    // An ambiguity is a finding, not a failure.
    expect(code).toBe(0);
    expect(summary!['ambiguous']).toBe(1);
    expect(report).toMatchObject({
      missingCount: 1,
      missing: [{ email: MISSING.email, source: 'GREENARROW' }],
      driftCount: 1,
      drift: [
        {
          field: 'NAME',
          values: [
            { source: 'ENGAGEMENT', value: 'Bobby Tables' },
            { source: 'USER_MANAGEMENT', value: 'Robert Tables' },
          ],
        },
      ],
      ambiguousCount: 1,
      ambiguous: [
        {
          source: 'USER_MANAGEMENT',
          externalId: sharedRecords.second,
          email: SHARED.email,
          reason: 'SHARED_PERSON',
          otherRecords: [sharedRecords.first],
        },
      ],
    });

    gateway = await startGateway(vendorEnv, dataDir);
    const result = await query<{
      reconciliation: {
        missingCount: number;
        missing: { source: string; user: { email: string } }[];
        driftCount: number;
        drift: { field: string; user: { email: string }; values: { source: string; value: string }[] }[];
        ambiguousCount: number;
        ambiguous: {
          source: string;
          externalId: string;
          reason: string;
          candidates: { email: string }[];
          otherRecords: string[];
        }[];
        sources: { source: string; compared: boolean; listedBy: string; accounts: string[] }[];
      };
    }>(
      gateway.url,
      `{ reconciliation(first: 10) {
          missingCount missing { source user { email } }
          driftCount drift { field user { email } values { source value } }
          ambiguousCount ambiguous { source externalId reason candidates { email } otherRecords }
          sources { source compared listedBy accounts } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.reconciliation).toEqual({
      missingCount: 1,
      missing: [{ source: 'GREENARROW', user: { email: MISSING.email } }],
      driftCount: 1,
      drift: [
        {
          field: 'NAME',
          user: { email: RENAMED.email },
          values: [
            { source: 'ENGAGEMENT', value: 'Bobby Tables' },
            { source: 'USER_MANAGEMENT', value: 'Robert Tables' },
          ],
        },
      ],
      ambiguousCount: 1,
      ambiguous: [
        {
          source: 'USER_MANAGEMENT',
          externalId: sharedRecords.second,
          reason: 'SHARED_PERSON',
          candidates: [{ email: SHARED.email }],
          otherRecords: [sharedRecords.first],
        },
      ],
      sources: [
        { source: 'ENGAGEMENT', compared: true, listedBy: 'LISTING', accounts: [] },
        { source: 'GREENARROW', compared: true, listedBy: 'LISTING', accounts: [] },
        { source: 'USER_MANAGEMENT', compared: true, listedBy: 'ACCOUNTS', accounts: ['1'] },
      ],
    });
  }, 60_000);
});
