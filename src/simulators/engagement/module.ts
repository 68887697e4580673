import { freshSecret, type SimulatorModule } from '../kit/module';
import { EngagementSimulator } from '.';
import { linkableRecords } from './linkable-records';

export const engagementSimulator: SimulatorModule<'ENGAGEMENT', EngagementSimulator> = {
  source: 'ENGAGEMENT',
  defaultPort: 4102,
  create({ rules }, { seed, population }) {
    const credentials = { username: 'engagement-admin', password: freshSecret() };
    const { usaCountryNames, mobileNumberRequired } = rules;
    return {
      simulator: new EngagementSimulator({ ...credentials, seed, population, usaCountryNames, mobileNumberRequired }),
      endpoint: (baseUrl) => ({ baseUrl, ...credentials }),
    };
  },
  linkableRecords,
};
