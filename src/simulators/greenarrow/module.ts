import { freshSecret, type SimulatorModule } from '../kit/module';
import { GreenArrowSimulator } from '.';
import { linkableRecords } from './linkable-records';

export const greenArrowSimulator: SimulatorModule<'GREENARROW', GreenArrowSimulator> = {
  source: 'GREENARROW',
  defaultPort: 4103,
  create({ pageSize }, { seed, population }) {
    const credentials = { username: 'greenarrow-api', password: freshSecret() };
    return {
      simulator: new GreenArrowSimulator({ ...credentials, perPage: pageSize, seed, population }),
      endpoint: (baseUrl) => ({ baseUrl, ...credentials }),
    };
  },
  linkableRecords,
};
