/** The gateway's own types for GreenArrow's users, as its client takes and returns them; only this folder uses them. */

import type { Permissions, PermissionsInput } from '../../domain/types';

/** One GreenArrow Engine user. */
export interface GreenArrowUser {
  externalId: string;
  email: string;
  permissions: Permissions;
}

export interface GreenArrowCreateInput {
  email: string;
  password: string;
  permissions: PermissionsInput & Pick<Permissions, 'injection' | 'api' | 'ui'>;
}

export interface GreenArrowUpdateInput {
  email?: string;
  password?: string;
  permissions?: PermissionsInput;
}
