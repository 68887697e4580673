import type { BasicEndpoint } from '../kit/basic-auth';
import type { VendorModule } from '../kit/module';
import { GreenArrowAdapter } from './adapter';
import { GreenArrowClient } from './client';
import type { GreenArrowTuning } from './settings';

/** GreenArrow's variables (`GREENARROW_*`) and its adapter. */
export const greenArrowModule: VendorModule<GreenArrowTuning, BasicEndpoint> = {
  source: 'GREENARROW',
  description: 'GreenArrow Engine (email engine users and their permissions).',
  readTuning: (read, transport) => ({ ...transport, pageSize: read.int('GREENARROW_PAGE_SIZE', 100, 1, 10_000) }),
  readEndpoint: (read, baseUrl) => ({
    baseUrl,
    username: read.required('GREENARROW_USERNAME', 'GREENARROW_BASE_URL'),
    password: read.required('GREENARROW_PASSWORD', 'GREENARROW_BASE_URL'),
  }),
  credentialEnv: ({ username, password }) => ({ GREENARROW_USERNAME: username, GREENARROW_PASSWORD: password }),
  createAdapter: (tuning, endpoint, deps) =>
    new GreenArrowAdapter(new GreenArrowClient({ ...tuning, ...endpoint }, deps)),
};
