import { linkRecords } from '../services/identity-linker';
import type { IdentityStore } from '../store';
import type { RunningSimulators } from '.';
import { seedPeople } from './seed';

/**
 * Links every record the running simulators hold to gateway users, by email, so the playground
 * shows linked users at once. Reads the simulators' stores directly: RainMaker has no read
 * endpoint, and this is the simulators' own sample data, not an import from real vendors.
 * Idempotent: records already linked keep their user.
 */
export async function seedIdentityStore(store: IdentityStore, running: RunningSimulators, at = new Date()): Promise<void> {
  const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = running.simulators;
  if (USER_MANAGEMENT) {
    await linkRecords(
      store,
      'USER_MANAGEMENT',
      USER_MANAGEMENT.store.all().map((user) => ({
        externalId: String(user.id),
        email: user.emailAddress,
        values: { username: user.username, active: user.active === 1 },
      })),
      at,
    );
  }
  if (ENGAGEMENT) {
    await linkRecords(
      store,
      'ENGAGEMENT',
      ENGAGEMENT.store.all().map((member) => ({
        externalId: member.id,
        email: member.email,
        phone: member.mobileNumber === null ? null : `+${member.mobileNumber}`,
        values: { active: member.active, voiceSubscription: member.voiceSubscription },
      })),
      at,
    );
  }
  if (GREENARROW) {
    await linkRecords(store, 'GREENARROW', GREENARROW.store.all().map((user) => ({ externalId: String(user.id), email: user.email })), at);
  }
  if (RAINMAKER) {
    // A phone user name belongs to the sample person with that number, and so to their email.
    const emailOfPhone = new Map(seedPeople().map((person) => [person.phone, person.email]));
    await linkRecords(
      store,
      'RAINMAKER',
      RAINMAKER.store.all().map((user) => {
        const isPhone = user.userName.startsWith('+');
        return {
          externalId: user.userName,
          email: isPhone ? (emailOfPhone.get(user.userName) ?? null) : user.userName,
          phone: isPhone ? user.userName : null,
          values: { locale: user.locale },
        };
      }),
      at,
    );
  }
}
