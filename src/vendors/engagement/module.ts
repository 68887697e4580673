import type { BasicEndpoint } from '../kit/basic-auth';
import type { VendorModule } from '../kit/module';
import { EngagementAdapter } from './adapter';
import { EngagementClient } from './client';
import { USA_COUNTRY_NAMES } from './contract';
import type { EngagementTuning } from './settings';

/** Engagement's variables (`ENGAGEMENT_*`) and its adapter. */
export const engagementModule: VendorModule<EngagementTuning, BasicEndpoint> = {
  source: 'ENGAGEMENT',
  description: 'Engagement Services (messaging audience: names, country, subscriptions).',
  readTuning: (read, transport) => ({
    ...transport,
    pageSize: read.int('ENGAGEMENT_PAGE_SIZE', 100, 1, 1_000),
    rules: {
      usaCountryNames: read.list('ENGAGEMENT_USA_COUNTRY_NAMES', USA_COUNTRY_NAMES, 'country names'),
      mobileNumberRequired: read.boolean('ENGAGEMENT_MOBILE_NUMBER_REQUIRED', false),
    },
  }),
  readEndpoint: (read, baseUrl) => ({
    baseUrl,
    username: read.required('ENGAGEMENT_USERNAME', 'ENGAGEMENT_BASE_URL'),
    password: read.required('ENGAGEMENT_PASSWORD', 'ENGAGEMENT_BASE_URL'),
  }),
  credentialEnv: ({ username, password }) => ({ ENGAGEMENT_USERNAME: username, ENGAGEMENT_PASSWORD: password }),
  createAdapter: (tuning, endpoint, deps) =>
    new EngagementAdapter(new EngagementClient({ ...tuning, ...endpoint }, deps), tuning.rules),
};
