import { loadSimulatorConfig } from '../../src/simulators/config';
import { startSimulators, type RunningSimulators } from '../../src/simulators';
import { GENERATED_ACCOUNT_SIZE, SEED_PEOPLE_COUNT, seedAccounts, seedPeople } from '../../src/simulators/kit/seed';
import { SIMULATORS_ON_FREE_PORTS } from '../helpers/vendor-fixture';

/**
 * SIM_POPULATION: the simulators seeded with a population of any size, generated from the index
 * (the sample's 36 first, unchanged), so an account's members are the same people at any size.
 */
const FREE_PORTS = {
  ...SIMULATORS_ON_FREE_PORTS,
  DATA_DIR: ':memory:',
};

describe('the population', () => {
  it('keeps the sample as its first 36 people and generates the rest deterministically', () => {
    const big = seedPeople(250);
    expect(big.slice(0, SEED_PEOPLE_COUNT)).toEqual(seedPeople());
    expect(seedPeople(250)).toEqual(big);
    expect(new Set(big.map((person) => person.email)).size).toBe(250);
    expect(new Set(big.map((person) => person.phone)).size).toBe(250);
    const generated = big.slice(SEED_PEOPLE_COUNT);
    expect(generated.every((person) => Object.values(person.in).every(Boolean))).toBe(true);
    expect(generated.slice(0, GENERATED_ACCOUNT_SIZE).every((person) => person.accountId === '4')).toBe(true);
    expect(generated[GENERATED_ACCOUNT_SIZE].accountId).toBe('5');
    expect(seedAccounts(250).map((account) => account.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(seedAccounts()).toEqual(seedAccounts(SEED_PEOPLE_COUNT));
    expect(() => seedPeople(-1)).toThrow(TypeError);
  });

  it('refuses a SIM_POPULATION out of range, naming the variable', () => {
    expect(() => loadSimulatorConfig({ SIM_POPULATION: 'many' })).toThrow(
      /SIM_POPULATION: expected an integer from 0 to 500000/,
    );
    expect(loadSimulatorConfig({}).population).toBe(SEED_PEOPLE_COUNT);
  });

  describe('simulators started with SIM_POPULATION=236', () => {
    let running: RunningSimulators;
    beforeAll(async () => {
      running = await startSimulators(loadSimulatorConfig({ ...FREE_PORTS, SIM_POPULATION: '236' }));
    });
    afterAll(() => running.close());

    it('hold the sample plus 200 people everywhere, in two generated accounts', () => {
      const sample = seedPeople();
      const count = (at: (person: (typeof sample)[number]) => boolean) => sample.filter(at).length + 200;
      const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = running.simulators;
      expect(ENGAGEMENT!.store.size).toBe(count((person) => person.in.engagement));
      expect(GREENARROW!.store.size).toBe(count((person) => person.in.greenarrow));
      expect(USER_MANAGEMENT!.store.all()).toHaveLength(count((person) => person.in.userManagement));
      expect(RAINMAKER!.store.all()).toHaveLength(count((person) => person.in.rainmaker));
      expect(USER_MANAGEMENT!.store.byAccount('4')).toHaveLength(GENERATED_ACCOUNT_SIZE);
      expect(USER_MANAGEMENT!.store.byAccount('5')).toHaveLength(GENERATED_ACCOUNT_SIZE);
      expect(USER_MANAGEMENT!.store.byAccount('1').map((user) => user.emailAddress)).toEqual(
        sample.filter((person) => person.accountId === '1' && person.in.userManagement).map((person) => person.email),
      );
    });
  });
});
