import { registerEnumType } from 'type-graphql';
import type { PartialFailurePolicy } from '../../domain/commands';

/** The commands' own values, so they flow through without mapping. */
export const PartialFailurePolicyEnum: { [K in PartialFailurePolicy]: K } = { ROLLBACK: 'ROLLBACK', KEEP: 'KEEP' };
registerEnumType(PartialFailurePolicyEnum, {
  name: 'PartialFailurePolicy',
  description: 'What createUser does with the vendors that succeeded when another failed.',
  valuesConfig: {
    ROLLBACK: { description: 'Delete what was created, so the person exists nowhere (default).' },
    KEEP: { description: 'Keep and link what was created; retry the failed vendors later.' },
  },
});
