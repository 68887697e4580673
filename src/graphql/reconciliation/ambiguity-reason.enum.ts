import { registerEnumType } from 'type-graphql';
import type { Ambiguity } from '../../sync/identity-linker';

/** The reconciliation report's own values, so nothing is mapped. */
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
