import { registerEnumType } from 'type-graphql';
import type { AccessLevel, InjectionPermission, Source } from '../../domain/types';
import type { IdentityStatus } from '../../store';

/** GraphQL enums mirror the domain's string unions, so values flow through without mapping. */
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

export const IdentityStatusEnum: { [K in IdentityStatus]: K } = {
  ACTIVE: 'ACTIVE',
  PENDING: 'PENDING',
  FAILED: 'FAILED',
  ORPHANED: 'ORPHANED',
};
registerEnumType(IdentityStatusEnum, {
  name: 'IdentityStatus',
  description: 'State of the link between a gateway user and one vendor record.',
  valuesConfig: {
    ACTIVE: { description: 'The vendor record exists and is linked.' },
    PENDING: { description: 'A write to the vendor is in progress or was interrupted.' },
    FAILED: { description: 'The last write to the vendor failed; the record may not exist.' },
    ORPHANED: { description: 'The vendor no longer has the record.' },
  },
});

export const InjectionPermissionEnum: { [K in InjectionPermission]: K } = {
  ALL: 'ALL',
  SMTP_ONLY: 'SMTP_ONLY',
  HTTP_ONLY: 'HTTP_ONLY',
  NONE: 'NONE',
};
registerEnumType(InjectionPermissionEnum, {
  name: 'InjectionPermission',
  description: 'How a GreenArrow user may inject mail.',
  valuesConfig: {
    ALL: { description: 'By SMTP and by HTTP.' },
    SMTP_ONLY: { description: 'By SMTP only.' },
    HTTP_ONLY: { description: 'By HTTP only.' },
    NONE: { description: 'Not at all.' },
  },
});

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

export const SourceResultStatusEnum = {
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  ROLLED_BACK: 'ROLLED_BACK',
} as const;
export type SourceResultStatus = keyof typeof SourceResultStatusEnum;
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

export const PartialFailurePolicyEnum = { ROLLBACK: 'ROLLBACK', KEEP: 'KEEP' } as const;
export type PartialFailurePolicy = keyof typeof PartialFailurePolicyEnum;
registerEnumType(PartialFailurePolicyEnum, {
  name: 'PartialFailurePolicy',
  description: 'What createUser does with the vendors that succeeded when another failed.',
  valuesConfig: {
    ROLLBACK: { description: 'Delete what was created, so the person exists nowhere (default).' },
    KEEP: { description: 'Keep and link what was created; retry the failed vendors later.' },
  },
});
