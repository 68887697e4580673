import { registerEnumType } from 'type-graphql';
import type { StepState } from '../../store';

/** The journal's vocabulary as a GraphQL enum; the values flow through without mapping. */
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
