import { registerEnumType } from 'type-graphql';
import type { Source } from '../../domain/types';

/**
 * The vendor each record, result and status names. It lives with the source feature (the vendors
 * as GraphQL shows them), which depends on no other feature, so every feature can use it.
 * Its values are the domain's own, so they flow through without mapping.
 */
export const SourceEnum: { [K in Source]: K } = {
  RAINMAKER: 'RAINMAKER',
  ENGAGEMENT: 'ENGAGEMENT',
  GREENARROW: 'GREENARROW',
  USER_MANAGEMENT: 'USER_MANAGEMENT',
};
registerEnumType(SourceEnum, {
  name: 'Source',
  description: 'A vendor system the gateway federates.',
  valuesConfig: {
    RAINMAKER: { description: 'ESP RainMaker cloud (IoT users; write-only: no read endpoint).' },
    ENGAGEMENT: { description: 'Engagement Services (messaging audience: names, country, subscriptions).' },
    GREENARROW: { description: 'GreenArrow Engine (email engine users and their permissions).' },
    USER_MANAGEMENT: { description: 'The in-house user-management API (accounts, usernames, contact names).' },
  },
});
