import type { VendorModule } from '../kit/module';
import { RainMakerAdapter } from './adapter';
import { RainMakerClient } from './client';
import { DEFAULT_MIN_PASSWORD_LENGTH, RESERVED_LOCALES } from './contract';
import type { RainMakerEndpoint, RainMakerTuning } from './settings';

/** RainMaker's variables (`RAINMAKER_*`) and its adapter. */
export const rainMakerModule: VendorModule<RainMakerTuning, RainMakerEndpoint> = {
  source: 'RAINMAKER',
  description: 'ESP RainMaker cloud (IoT users; write-only: no read endpoint).',
  readTuning: (read, transport) => ({
    ...transport,
    region: read.string('RAINMAKER_REGION', 'us-east-1'),
    service: read.string('RAINMAKER_SERVICE', 'execute-api'),
    apiVersion: read.oneOf('RAINMAKER_API_VERSION', 'v1', ['v1'] as const),
    rules: {
      reservedLocales: read.list('RAINMAKER_RESERVED_LOCALES', RESERVED_LOCALES, 'locales'),
      minPasswordLength: read.int('RAINMAKER_MIN_PASSWORD_LENGTH', DEFAULT_MIN_PASSWORD_LENGTH, 1, 256),
    },
  }),
  readEndpoint: (read, baseUrl) => ({
    baseUrl,
    accessKeyId: read.required('RAINMAKER_ACCESS_KEY_ID', 'RAINMAKER_BASE_URL'),
    secretAccessKey: read.required('RAINMAKER_SECRET_ACCESS_KEY', 'RAINMAKER_BASE_URL'),
    sessionToken: read.raw('RAINMAKER_SESSION_TOKEN'),
  }),
  credentialEnv: ({ accessKeyId, secretAccessKey, sessionToken }) => ({
    RAINMAKER_ACCESS_KEY_ID: accessKeyId,
    RAINMAKER_SECRET_ACCESS_KEY: secretAccessKey,
    ...(sessionToken !== undefined && { RAINMAKER_SESSION_TOKEN: sessionToken }),
  }),
  createAdapter: (tuning, endpoint, deps) =>
    new RainMakerAdapter(new RainMakerClient({ ...tuning, ...endpoint }, deps), tuning.rules),
};
