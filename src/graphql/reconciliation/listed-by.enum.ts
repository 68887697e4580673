import { registerEnumType } from 'type-graphql';
import type { ListedBy } from '../../sync/reconciliation';

/** The reconciliation report's own values, so nothing is mapped. */
export const ListedByEnum: { [K in ListedBy]: K } = { LISTING: 'LISTING', ACCOUNTS: 'ACCOUNTS', NONE: 'NONE' };
registerEnumType(ListedByEnum, {
  name: 'ListedBy',
  description: 'How the sync reads a vendor.',
  valuesConfig: {
    LISTING: { description: 'Its whole listing, page by page.' },
    ACCOUNTS: { description: 'Account by account: the accounts in SYNC_ACCOUNT_IDS and those the gateway knows.' },
    NONE: { description: 'Not at all: the vendor cannot list its users, so it is never compared.' },
  },
});
