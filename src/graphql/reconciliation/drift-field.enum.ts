import { registerEnumType } from 'type-graphql';
import type { DriftField } from '../../sync/reconciliation';

/** The reconciliation report's own values, so nothing is mapped. */
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
