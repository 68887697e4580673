import { registerEnumType } from 'type-graphql';
import type { OperationState } from '../../store';

/** The journal's vocabulary as a GraphQL enum; the values flow through without mapping. */
export const OperationStateEnum: { [K in OperationState]: K } = {
  PENDING: 'PENDING',
  COMPLETED: 'COMPLETED',
  INTERRUPTED: 'INTERRUPTED',
  FAILED: 'FAILED',
};
registerEnumType(OperationStateEnum, {
  name: 'OperationState',
  description: 'How a mutation ended, as the journal recorded it.',
  valuesConfig: {
    PENDING: { description: 'Running now, in this or another gateway process.' },
    COMPLETED: { description: 'Ran to the end; see `results` for what each vendor did (some may have failed).' },
    INTERRUPTED: {
      description:
        'Its gateway stopped in the middle; replaying its idempotency key finishes it, and the gateway settles it itself when it has no key or was not replayed within RECOVERY_REPLAY_WAIT_S. See `steps`.',
    },
    FAILED: { description: 'Refused before any vendor was written; see `userErrors`.' },
  },
});
