import { seedPeople } from '../kit/seed';
import type { RainMakerSimulator } from '.';

/**
 * Every user the simulator holds, as the identity linker takes them, with the locale it keeps
 * (RainMaker has no read endpoint, so this is where the gateway learns it). A user name is an email
 * or a phone number; a phone belongs to the sample person with that number, and so to their email.
 */
export function linkableRecords(simulator: RainMakerSimulator) {
  const emailOfPhone = new Map(seedPeople(simulator.population).map((person) => [person.phone, person.email]));
  return simulator.store.all().map((user) => {
    const isPhone = user.userName.startsWith('+');
    return {
      externalId: user.userName,
      email: isPhone ? (emailOfPhone.get(user.userName) ?? null) : user.userName,
      phone: isPhone ? user.userName : null,
      values: { locale: user.locale },
    };
  });
}
