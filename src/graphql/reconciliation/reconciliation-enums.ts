import { registerEnumType } from 'type-graphql';
import type { Ambiguity } from '../../sync/identity-linker';
import type { DriftField, ListedBy } from '../../sync/reconciliation';

/** The reconciliation report's enums; values are the services' own, so nothing is mapped. */
export const DriftFieldEnum: { [K in DriftField]: K } = { NAME: 'NAME', EMAIL: 'EMAIL', ACTIVE: 'ACTIVE' };
registerEnumType(DriftFieldEnum, {
  name: 'DriftField',
  description: "A field the reconciliation compares between a person's vendor records.",
  valuesConfig: {
    NAME: {
      description: 'The name: a display name, or first and last name, compared ignoring case and repeated spaces.',
    },
    EMAIL: { description: 'The email address, ignoring case.' },
    ACTIVE: { description: 'Whether the record is active.' },
  },
});

export const AmbiguityReasonEnum: { [K in Ambiguity['reason']]: K } = {
  MANY_PEOPLE: 'MANY_PEOPLE',
  SHARED_PERSON: 'SHARED_PERSON',
};
registerEnumType(AmbiguityReasonEnum, {
  name: 'AmbiguityReason',
  description: 'Why the sync left a vendor record unlinked instead of guessing.',
  valuesConfig: {
    MANY_PEOPLE: {
      description:
        'Its email address (or, without a match by email, its mobile number) belongs to more than one person.',
    },
    SHARED_PERSON: { description: 'The one person it matches already has another record at the same vendor.' },
  },
});

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
