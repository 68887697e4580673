import { registerEnumType } from 'type-graphql';
import type { Settler } from '../../store';

/** Who settled an operation, as the journal recorded it; the values flow through without mapping. */
export const OperationSettlerEnum: { [K in Settler]: K } = {
  REQUEST: 'REQUEST',
  RECOVERY: 'RECOVERY',
};
registerEnumType(OperationSettlerEnum, {
  name: 'OperationSettler',
  description: 'Who brought a mutation to its end.',
  valuesConfig: {
    REQUEST: { description: 'The request that asked for it, or a replay of its idempotency key.' },
    RECOVERY: {
      description:
        'The gateway itself, after the mutation was interrupted and nobody replayed it: what may have landed was looked up at the vendors, then kept or rolled back as its policy says.',
    },
  },
});
