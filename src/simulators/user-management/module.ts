import { freshSecret, type SimulatorModule } from '../kit/module';
import { UserManagementSimulator } from '.';
import { linkableRecords } from './linkable-records';

export const userManagementSimulator: SimulatorModule<'USER_MANAGEMENT', UserManagementSimulator> = {
  source: 'USER_MANAGEMENT',
  defaultPort: 4104,
  create({ apiKeyHeader, accountPathPrefix }, { seed, population }) {
    const apiKey = freshSecret();
    return {
      simulator: new UserManagementSimulator({ apiKey, apiKeyHeader, accountPathPrefix, seed, population }),
      endpoint: (baseUrl) => ({ baseUrl, apiKey }),
    };
  },
  linkableRecords,
};
