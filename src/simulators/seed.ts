import type { AccessLevel, InjectionPermission } from '../domain/types';

/**
 * The sample population every simulator starts with: a few accounts and a few dozen people, spread
 * across the vendors so that many people exist in several of them under the same email address.
 * Deterministic, so tests and the playground see the same data on every start.
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
  permissions: { injection: InjectionPermission; api: AccessLevel; ui: AccessLevel; disabled: boolean; mailClassId: string | null };
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

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Tim'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Berners-Lee'];
const PLACES: readonly { country: string; state: string | null; dial: string; domain: string }[] = [
  { country: 'USA', state: 'California', dial: '1', domain: 'example.com' },
  { country: 'India', state: null, dial: '91', domain: 'example.in' },
  { country: 'Germany', state: null, dial: '49', domain: 'example.de' },
  { country: 'USA', state: 'New York', dial: '1', domain: 'example.org' },
];
const INJECTION: readonly InjectionPermission[] = ['ALL', 'SMTP_ONLY', 'HTTP_ONLY', 'NONE'];
const ACCESS: readonly AccessLevel[] = ['FULL', 'READ_ONLY', 'STATS_ONLY', 'NONE'];

export const SEED_PEOPLE_COUNT = 36;

export function seedPeople(count = SEED_PEOPLE_COUNT): SeedPerson[] {
  const people: SeedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const lastName = LAST_NAMES[(i * 5) % LAST_NAMES.length]!;
    const place = PLACES[i % PLACES.length]!;
    const handle = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    people.push({
      firstName,
      lastName,
      email: `${handle}${i}@${place.domain}`,
      phone: `+${place.dial}${String(5550100000 + i * 7919).padStart(10, '0')}`,
      country: place.country,
      state: place.state,
      username: `${handle}${i}`,
      accountId: SEED_ACCOUNTS[i % SEED_ACCOUNTS.length]!.id,
      active: i % 7 !== 6,
      subscriptions: { email: i % 2 === 0, sms: i % 3 === 0, voice: i % 5 === 0 },
      permissions: {
        injection: INJECTION[i % INJECTION.length]!,
        api: ACCESS[(i + 1) % ACCESS.length]!,
        ui: ACCESS[i % ACCESS.length]!,
        disabled: i % 11 === 10,
        mailClassId: i % 4 === 0 ? String(SEED_MAIL_CLASSES[i % SEED_MAIL_CLASSES.length]!.id) : null,
      },
      in: {
        rainmaker: i % 4 !== 3,
        engagement: i % 3 !== 2,
        greenarrow: i % 2 === 0 || i < 10,
        userManagement: i % 6 !== 5,
      },
    });
  }
  return people;
}
