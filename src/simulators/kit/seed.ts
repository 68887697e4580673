import type { AccessLevel, InjectionPermission } from '../../domain/types';

/**
 * The sample population every simulator starts with: a few accounts and a few dozen people, spread
 * across the vendors so that many people exist in several of them under the same email address.
 * Deterministic, so tests and the playground see the same data on every start.
 *
 * A larger population (SIM_POPULATION) keeps the sample as its first people and generates the rest
 * from their index, never from a stored list: people beyond the sample exist at every vendor, in
 * accounts of {@link GENERATED_ACCOUNT_SIZE} after the sample's three, so vendors of any size can
 * be simulated while an account's members stay the same whatever the population.
 */

export interface SeedAccount {
  id: string;
  name: string;
}

export interface SeedPerson {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164: a country code followed by ten digits. */
  phone: string;
  country: string;
  state: string | null;
  username: string;
  accountId: string;
  active: boolean;
  subscriptions: { email: boolean; sms: boolean; voice: boolean };
  permissions: {
    injection: InjectionPermission;
    api: AccessLevel;
    ui: AccessLevel;
    disabled: boolean;
    mailClassId: string | null;
  };
  /** Which vendors hold a record of this person. */
  in: { rainmaker: boolean; engagement: boolean; greenarrow: boolean; userManagement: boolean };
}

export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { id: '1', name: 'Acme Corporation' },
  { id: '2', name: 'Globex' },
  { id: '3', name: 'Initech' },
];

/** GreenArrow mail classes a forced mail class can name. */
export const SEED_MAIL_CLASSES: readonly { id: number; name: string }[] = [
  { id: 1, name: 'transactional' },
  { id: 2, name: 'marketing' },
  { id: 3, name: 'bulk' },
];

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Dennis',
  'Radia',
  'Tim',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Berners-Lee',
];
const PLACES: readonly { country: string; state: string | null; dial: string; domain: string }[] = [
  { country: 'USA', state: 'California', dial: '1', domain: 'example.com' },
  { country: 'India', state: null, dial: '91', domain: 'example.in' },
  { country: 'Germany', state: null, dial: '49', domain: 'example.de' },
  { country: 'USA', state: 'New York', dial: '1', domain: 'example.org' },
];
const INJECTION: readonly InjectionPermission[] = ['ALL', 'SMTP_ONLY', 'HTTP_ONLY', 'NONE'];
const ACCESS: readonly AccessLevel[] = ['FULL', 'READ_ONLY', 'STATS_ONLY', 'NONE'];

/** The sample population's size, and SIM_POPULATION's default. */
export const SEED_PEOPLE_COUNT = 36;
/** The largest population: every generated mobile number keeps ten digits up to here. */
export const MAX_POPULATION = 500_000;
/** People per generated account (accounts 4, 5, … hold the people beyond the sample, in order). */
export const GENERATED_ACCOUNT_SIZE = 100;

/** The first `count` people of the population, the sample's 36 first; a TypeError for a count out of range. */
export function seedPeople(count = SEED_PEOPLE_COUNT): SeedPerson[] {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_POPULATION) {
    throw new TypeError(`seedPeople: count must be an integer from 0 to ${MAX_POPULATION}, got ${count}`);
  }
  const people: SeedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const sample = i < SEED_PEOPLE_COUNT;
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
    const lastName = LAST_NAMES[(i * 5) % LAST_NAMES.length];
    const place = PLACES[i % PLACES.length];
    const handle = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    people.push({
      firstName,
      lastName,
      email: `${handle}${i}@${place.domain}`,
      phone: `+${place.dial}${String(5550100000 + i * 7919).padStart(10, '0')}`,
      country: place.country,
      state: place.state,
      username: `${handle}${i}`,
      accountId: sample ? SEED_ACCOUNTS[i % SEED_ACCOUNTS.length].id : generatedAccountId(i),
      active: i % 7 !== 6,
      subscriptions: { email: i % 2 === 0, sms: i % 3 === 0, voice: i % 5 === 0 },
      permissions: {
        injection: INJECTION[i % INJECTION.length],
        api: ACCESS[(i + 1) % ACCESS.length],
        ui: ACCESS[i % ACCESS.length],
        disabled: i % 11 === 10,
        mailClassId: i % 4 === 0 ? String(SEED_MAIL_CLASSES[i % SEED_MAIL_CLASSES.length].id) : null,
      },
      in: sample
        ? {
            rainmaker: i % 4 !== 3,
            engagement: i % 3 !== 2,
            greenarrow: i % 2 === 0 || i < 10,
            userManagement: i % 6 !== 5,
          }
        : { rainmaker: true, engagement: true, greenarrow: true, userManagement: true },
    });
  }
  return people;
}

/** The accounts a population of `count` people belongs to: the sample's three, then one per {@link GENERATED_ACCOUNT_SIZE} generated people. */
export function seedAccounts(count = SEED_PEOPLE_COUNT): SeedAccount[] {
  const accounts = [...SEED_ACCOUNTS];
  if (count > SEED_PEOPLE_COUNT) {
    const last = Number(generatedAccountId(count - 1));
    for (let id = SEED_ACCOUNTS.length + 1; id <= last; id++) accounts.push({ id: String(id), name: `Account ${id}` });
  }
  return accounts;
}

/** The account of a person beyond the sample: 4 for the first hundred, then 5, and so on. */
function generatedAccountId(index: number): string {
  return String(SEED_ACCOUNTS.length + 1 + Math.floor((index - SEED_PEOPLE_COUNT) / GENERATED_ACCOUNT_SIZE));
}
