import type { Source } from '../gql/graphql';

const NAMES: Record<Source, string> = {
  RAINMAKER: 'RainMaker',
  ENGAGEMENT: 'Engagement',
  GREENARROW: 'GreenArrow',
  USER_MANAGEMENT: 'User management',
};

/** A vendor as people call it. */
export function sourceName(source: Source): string {
  return NAMES[source];
}
