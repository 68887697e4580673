import { registerEnumType } from 'type-graphql';
import type { AccessLevel } from '../../domain/types';

/** The domain's values, so they flow through without mapping. */
export const AccessLevelEnum: { [K in AccessLevel]: K } = {
  FULL: 'FULL',
  READ_ONLY: 'READ_ONLY',
  STATS_ONLY: 'STATS_ONLY',
  NONE: 'NONE',
};
registerEnumType(AccessLevelEnum, {
  name: 'AccessLevel',
  description: "A GreenArrow user's access to the API or the web UI.",
  valuesConfig: {
    FULL: { description: 'Full editing privileges.' },
    READ_ONLY: { description: 'Read-only access.' },
    STATS_ONLY: { description: 'Statistics only.' },
    NONE: { description: 'No access.' },
  },
});
