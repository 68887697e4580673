import type { Sources } from '../sources';
import type { IdentityStore } from '../store';
import { createEngagementLoader } from './engagement.loader';
import { createGreenArrowLoader } from './greenarrow.loader';
import { CallMemo } from './memo';
import { createStoreLoaders, type StoreLoaders } from './store.loaders';
import { createUserManagementLoaders, type UserManagementLoaders } from './user-management.loaders';

/** Every loader of one request. Created per request: nothing is cached across requests. */
export interface Loaders {
  store: StoreLoaders;
  greenArrowUser: ReturnType<typeof createGreenArrowLoader>;
  engagementMember: ReturnType<typeof createEngagementLoader>;
  userManagement: UserManagementLoaders;
}

export function createLoaders(sources: Sources, store: IdentityStore): Loaders {
  const memo = new CallMemo();
  return {
    store: createStoreLoaders(store),
    greenArrowUser: createGreenArrowLoader(sources.GREENARROW, memo),
    engagementMember: createEngagementLoader(sources.ENGAGEMENT, memo),
    userManagement: createUserManagementLoaders(sources.USER_MANAGEMENT),
  };
}
