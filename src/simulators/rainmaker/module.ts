import { randomBytes } from 'node:crypto';
import { freshSecret, type SimulatorModule } from '../kit/module';
import { RainMakerSimulator } from '.';
import { linkableRecords } from './linkable-records';

export const rainMakerSimulator: SimulatorModule<'RAINMAKER', RainMakerSimulator> = {
  source: 'RAINMAKER',
  defaultPort: 4101,
  create({ region, service, rules }, { seed, population }) {
    const credentials = {
      accessKeyId: `AKID${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: freshSecret(),
    };
    const { minPasswordLength, reservedLocales } = rules;
    return {
      simulator: new RainMakerSimulator({
        credentials,
        region,
        service,
        seed,
        population,
        minPasswordLength,
        reservedLocales,
      }),
      endpoint: (baseUrl) => ({ baseUrl, ...credentials }),
    };
  },
  linkableRecords,
};
