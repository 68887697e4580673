import DataLoader from 'dataloader';
import type { ManagedUser } from '../domain/types';
import { VendorNotConfiguredError } from '../sources/errors';
import type { UserManagementSource } from '../sources/user-management/client';

export interface UserManagementLoaders {
  /** One user by id: the API has no batch read, so a batch is one `getUser` per id not yet primed. */
  user: DataLoader<string, ManagedUser>;
  /** The users of an account, one call per account; primes `user` with every user it returns. */
  accountUsers: DataLoader<string, ManagedUser[]>;
}

export function createUserManagementLoaders(source: UserManagementSource | null): UserManagementLoaders {
  const notConfigured = () => new VendorNotConfiguredError('USER_MANAGEMENT', 'the user-management API is not configured');
  const user = new DataLoader<string, ManagedUser>(async (ids) =>
    source === null ? ids.map(notConfigured) : Promise.all(ids.map((id) => source.getUser(id).catch((error: Error) => error))),
  );
  const accountUsers = new DataLoader<string, ManagedUser[]>(async (accountIds) =>
    Promise.all(
      accountIds.map(async (accountId) => {
        if (source === null) return notConfigured();
        try {
          const users = await source.usersByAccount(accountId);
          for (const managed of users) user.prime(managed.externalId, managed);
          return users;
        } catch (error) {
          return error as Error;
        }
      }),
    ),
  );
  return { user, accountUsers };
}
