/** The gateway's own types for user-management's users, as its client takes and returns them; only this folder uses them. */

/** One user of the in-house user-management API. */
export interface ManagedUser {
  externalId: string;
  displayName: string;
  email: string;
  accountId: string;
  username: string;
  active: boolean;
}

export interface ManagedUserCreateInput {
  displayName: string;
  email: string;
  accountId: string;
  username: string;
  password: string;
  active?: boolean;
}

export type ManagedUserUpdateInput = Partial<ManagedUserCreateInput>;
