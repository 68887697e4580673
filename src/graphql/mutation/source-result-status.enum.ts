import { registerEnumType } from 'type-graphql';
import type { ResultStatus } from '../../domain/commands';

/** The outcomes' own values, so they flow through without mapping. */
export const SourceResultStatusEnum: { [K in ResultStatus]: K } = {
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  ROLLED_BACK: 'ROLLED_BACK',
};
registerEnumType(SourceResultStatusEnum, {
  name: 'SourceResultStatus',
  description: 'What a mutation did at one vendor.',
  valuesConfig: {
    SUCCEEDED: { description: 'The vendor accepted the write.' },
    FAILED: { description: 'The vendor refused or could not be reached; see `error` and `retryable`.' },
    SKIPPED: {
      description:
        'The vendor was not written: it cannot do this, or the user has no record there (see `error.message`).',
    },
    ROLLED_BACK: {
      description: 'The vendor accepted the write and the gateway undid it because another vendor failed.',
    },
  },
});
