/** The gateway's own types for Engagement's audience members, as its client takes and returns them; only this folder uses them. */

import type { Subscriptions } from '../../domain/types';

/** One audience member of Engagement Services, as the gateway sees it. */
export interface EngagementMember {
  externalId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  country: string;
  state: string | null;
  active: boolean;
  subscriptions: Subscriptions;
  createdAt: Date | null;
  updatedAt: Date | null;
  lastActiveAt: Date | null;
}

export interface EngagementCreateInput {
  firstName: string;
  lastName: string;
  country: string;
  email: string;
  state?: string;
  phone?: string;
  subscriptions?: Partial<Subscriptions>;
  lastActiveAt?: Date;
}
