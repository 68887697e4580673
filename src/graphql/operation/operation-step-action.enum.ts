import { registerEnumType } from 'type-graphql';
import type { StepAction } from '../../store';

/** GraphQL names upper-case; the journal's values are lower-case words. */
export const OperationStepActionEnum: { [K in Uppercase<StepAction>]: Lowercase<K> } = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'delete',
  COMPENSATE: 'compensate',
};
registerEnumType(OperationStepActionEnum, {
  name: 'OperationStepAction',
  description: 'What a vendor call of a mutation did.',
  valuesConfig: {
    CREATE: { description: 'Created the record.' },
    UPDATE: { description: 'Changed the record (profile, password or permissions).' },
    DELETE: { description: 'Deleted the record.' },
    COMPENSATE: { description: 'Deleted a record this mutation had created, to roll it back.' },
  },
});
