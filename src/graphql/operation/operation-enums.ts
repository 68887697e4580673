import { registerEnumType } from 'type-graphql';
import type { OperationState, StepAction, StepState } from '../../store';

/** The journal's vocabularies as GraphQL enums; the values flow through without mapping. */
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
      description: 'Its gateway stopped in the middle; replaying its idempotency key finishes it. See `steps`.',
    },
    FAILED: { description: 'Refused before any vendor was written; see `userErrors`.' },
  },
});

export const OperationStepStateEnum: { [K in StepState]: K } = {
  STARTED: 'STARTED',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  COMPENSATED: 'COMPENSATED',
};
registerEnumType(OperationStepStateEnum, {
  name: 'OperationStepState',
  description: 'What one vendor call of a mutation came to.',
  valuesConfig: {
    STARTED: { description: 'Sent, with no answer recorded: it may or may not have landed.' },
    SUCCEEDED: { description: 'The vendor accepted it.' },
    FAILED: { description: 'The vendor refused it or could not be reached; see `errorCode`.' },
    SKIPPED: { description: 'Not sent.' },
    COMPENSATED: { description: 'Undone by a rollback.' },
  },
});

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
