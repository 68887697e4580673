import { registerEnumType } from 'type-graphql';
import type { IdentityStatus } from '../../store';

/** The identity store's link states; the values flow through without mapping. */
export const IdentityStatusEnum: { [K in IdentityStatus]: K } = {
  ACTIVE: 'ACTIVE',
  PENDING: 'PENDING',
  FAILED: 'FAILED',
  ORPHANED: 'ORPHANED',
};
registerEnumType(IdentityStatusEnum, {
  name: 'IdentityStatus',
  description: 'State of the link between a gateway user and one vendor record.',
  valuesConfig: {
    ACTIVE: { description: 'The vendor record exists and is linked.' },
    PENDING: { description: 'A write to the vendor is in progress or was interrupted.' },
    FAILED: { description: 'The last write to the vendor failed; the record may not exist.' },
    ORPHANED: { description: 'The vendor no longer has the record.' },
  },
});
