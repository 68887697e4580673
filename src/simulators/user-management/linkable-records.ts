import type { UserManagementSimulator } from '.';

/** Every user the simulator holds, as the identity linker takes them: by email, with username and active flag. */
export function linkableRecords(simulator: UserManagementSimulator) {
  return simulator.store.all().map((user) => ({
    externalId: String(user.id),
    email: user.emailAddress,
    username: user.username,
    values: { username: user.username, active: user.active === 1 },
  }));
}
