import type { GreenArrowSimulator } from '.';

/** Every user the simulator holds, as the identity linker takes them: by email. */
export function linkableRecords(simulator: GreenArrowSimulator) {
  return simulator.store.all().map((user) => ({ externalId: String(user.id), email: user.email }));
}
