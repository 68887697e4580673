import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError } from '../env';
import { SOURCES, type Source } from '../domain/types';
import type { BasicEndpoint } from '../sources/basic-auth';
import type { RainMakerEndpoint } from '../sources/rainmaker/settings';
import type { UserManagementEndpoint } from '../sources/user-management/settings';
import { listenFailure } from '../startup-error';
import type { SimulatorConfig } from './config';
import { EngagementSimulator } from './engagement';
import type { Simulator } from './framework';
import { GreenArrowSimulator } from './greenarrow';
import { RainMakerSimulator } from './rainmaker';
import { UserManagementSimulator } from './user-management';

/** Where the running simulators are and the credentials they accept, as a gateway's datasources need them. */
export interface SimulatedEndpoints {
  RAINMAKER?: RainMakerEndpoint;
  ENGAGEMENT?: BasicEndpoint;
  GREENARROW?: BasicEndpoint;
  USER_MANAGEMENT?: UserManagementEndpoint;
}

/** The simulators started for this process, their endpoints, and a stop. */
export interface RunningSimulators {
  simulators: {
    RAINMAKER?: RainMakerSimulator;
    ENGAGEMENT?: EngagementSimulator;
    GREENARROW?: GreenArrowSimulator;
    USER_MANAGEMENT?: UserManagementSimulator;
  };
  endpoints: SimulatedEndpoints;
  close(): Promise<void>;
}

/** Fresh per-process credentials: nothing secret lives in the repository, even for simulators. */
function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Where a simulator keeps its records under a data directory: `simulators/<name>.json`, the name
 * being the simulator's own (`rainmaker`, `engagement`, `greenarrow`, `user-management`). None for
 * an in-memory data directory, which keeps nothing.
 */
export function simulatorStateFile(dataDir: string, simulator: Simulator): string | null {
  return dataDir === ':memory:' ? null : join(dataDir, 'simulators', `${simulator.name}.json`);
}

/**
 * Starts a simulator for each of `sources` (every vendor by default) on its configured port, with
 * fresh credentials, the configured faults and the tenant rules the gateway is configured with.
 * With a data directory each simulator keeps its records in a state file there, so the records a
 * gateway's database links to outlive a restart; the sample population (SIM_SEED) is only the
 * starting point of a simulator without one. Nothing is left listening if any of them fails to
 * start; a busy port is a StartupError naming the variable that moves it.
 */
export async function startSimulators(config: SimulatorConfig, sources: readonly Source[] = SOURCES): Promise<RunningSimulators> {
  const { vendors, seed } = config;
  const running: RunningSimulators = { simulators: {}, endpoints: {}, close: () => closeAll(Object.values(running.simulators)) };
  const listen = async (source: Source, simulator: Simulator): Promise<string> => {
    const stateFile = simulatorStateFile(config.dataDir, simulator);
    if (stateFile !== null) simulator.persistTo(stateFile);
    for (const [route, fault] of Object.entries(config.faults[source] ?? {})) {
      try {
        simulator.setFault(route, fault);
      } catch (error) {
        // A route the simulator does not have is known only here, but it is a configuration mistake all the same.
        throw new ConfigError([`SIM_FAULTS: ${(error as Error).message}`]);
      }
    }
    const at = { host: config.host, port: config.ports[source] };
    try {
      return await simulator.listen(at.port, at.host);
    } catch (error) {
      throw listenFailure(`The ${source} simulator`, at, { host: 'SIM_HOST', port: `SIM_${source}_PORT` }, error);
    }
  };
  try {
    if (sources.includes('RAINMAKER')) {
      const credentials = { accessKeyId: `AKID${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: secret() };
      const { region, service, rules } = vendors.RAINMAKER;
      const { minPasswordLength, reservedLocales } = rules;
      const simulator = new RainMakerSimulator({ credentials, region, service, seed, minPasswordLength, reservedLocales });
      running.simulators.RAINMAKER = simulator;
      running.endpoints.RAINMAKER = { baseUrl: await listen('RAINMAKER', simulator), ...credentials };
    }
    if (sources.includes('ENGAGEMENT')) {
      const credentials = { username: 'engagement-admin', password: secret() };
      const { usaCountryNames, mobileNumberRequired } = vendors.ENGAGEMENT.rules;
      const simulator = new EngagementSimulator({ ...credentials, seed, usaCountryNames, mobileNumberRequired });
      running.simulators.ENGAGEMENT = simulator;
      running.endpoints.ENGAGEMENT = { baseUrl: await listen('ENGAGEMENT', simulator), ...credentials };
    }
    if (sources.includes('GREENARROW')) {
      const credentials = { username: 'greenarrow-api', password: secret() };
      const simulator = new GreenArrowSimulator({ ...credentials, perPage: vendors.GREENARROW.pageSize, seed });
      running.simulators.GREENARROW = simulator;
      running.endpoints.GREENARROW = { baseUrl: await listen('GREENARROW', simulator), ...credentials };
    }
    if (sources.includes('USER_MANAGEMENT')) {
      const apiKey = secret();
      const { apiKeyHeader, accountPathPrefix } = vendors.USER_MANAGEMENT;
      const simulator = new UserManagementSimulator({ apiKey, apiKeyHeader, accountPathPrefix, seed });
      running.simulators.USER_MANAGEMENT = simulator;
      running.endpoints.USER_MANAGEMENT = { baseUrl: await listen('USER_MANAGEMENT', simulator), apiKey };
    }
  } catch (error) {
    await running.close();
    throw error;
  }
  return running;
}

/**
 * The environment a gateway needs to use the running simulators as its vendors: each one's base
 * URL and credentials, under the names the gateway's configuration reads. It holds secrets.
 */
export function simulatorEnv(running: RunningSimulators): Record<string, string> {
  const { RAINMAKER, ENGAGEMENT, GREENARROW, USER_MANAGEMENT } = running.endpoints;
  return {
    ...(RAINMAKER && {
      RAINMAKER_BASE_URL: RAINMAKER.baseUrl,
      RAINMAKER_ACCESS_KEY_ID: RAINMAKER.accessKeyId,
      RAINMAKER_SECRET_ACCESS_KEY: RAINMAKER.secretAccessKey,
    }),
    ...(ENGAGEMENT && { ENGAGEMENT_BASE_URL: ENGAGEMENT.baseUrl, ENGAGEMENT_USERNAME: ENGAGEMENT.username, ENGAGEMENT_PASSWORD: ENGAGEMENT.password }),
    ...(GREENARROW && { GREENARROW_BASE_URL: GREENARROW.baseUrl, GREENARROW_USERNAME: GREENARROW.username, GREENARROW_PASSWORD: GREENARROW.password }),
    ...(USER_MANAGEMENT && { USER_MANAGEMENT_BASE_URL: USER_MANAGEMENT.baseUrl, USER_MANAGEMENT_API_KEY: USER_MANAGEMENT.apiKey }),
  };
}

async function closeAll(simulators: Simulator[]): Promise<void> {
  await Promise.all(simulators.map((simulator) => simulator.close()));
}
