import { registerEnumType } from 'type-graphql';
import type { InjectionPermission } from '../../domain/types';

/** The domain's values, so they flow through without mapping. */
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
