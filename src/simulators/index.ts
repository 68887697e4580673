import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config';
import type { Source } from '../domain/types';
import type { SimulatedEndpoints } from '../sources';
import { EngagementSimulator } from './engagement';
import type { Simulator } from './framework';
import { GreenArrowSimulator } from './greenarrow';
import { RainMakerSimulator } from './rainmaker';
import { UserManagementSimulator } from './user-management';

/** The simulators started for this process, the endpoints they give the datasources, and a stop. */
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
 * Starts a simulator for every vendor placed on one, on its configured port, with fresh
 * credentials and the configured faults. With a data directory each simulator keeps its records
 * in a state file there, so the records the gateway's database links to outlive a restart; the
 * sample population (SIM_SEED) is only the starting point of a simulator without one. Nothing is
 * left listening if any of them fails to start.
 */
export async function startSimulators(config: Config): Promise<RunningSimulators> {
  const { vendors, simulators: options } = config;
  const running: RunningSimulators = { simulators: {}, endpoints: {}, close: () => closeAll(Object.values(running.simulators)) };
  const listen = async (source: Source, simulator: Simulator, port: number): Promise<string> => {
    const stateFile = simulatorStateFile(config.store.dataDir, simulator);
    if (stateFile !== null) simulator.persistTo(stateFile);
    for (const [route, fault] of Object.entries(options.faults[source] ?? {})) {
      try {
        simulator.setFault(route, fault);
      } catch (error) {
        throw new Error(`SIM_FAULTS: ${(error as Error).message}`);
      }
    }
    try {
      return await simulator.listen(port, options.host);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${port} is in use (set SIM_${source}_PORT)` : String(error);
      throw new Error(`The ${source} simulator could not start: ${reason}`, { cause: error });
    }
  };
  try {
    if (vendors.RAINMAKER.mode === 'simulator') {
      const credentials = { accessKeyId: `AKID${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: secret() };
      const { region, service } = vendors.RAINMAKER.tuning;
      const simulator = new RainMakerSimulator({ credentials, region, service, seed: options.seed });
      running.simulators.RAINMAKER = simulator;
      const baseUrl = await listen('RAINMAKER', simulator, vendors.RAINMAKER.port);
      running.endpoints.RAINMAKER = { baseUrl, ...credentials };
    }
    if (vendors.ENGAGEMENT.mode === 'simulator') {
      const credentials = { username: 'engagement-admin', password: secret() };
      const simulator = new EngagementSimulator({ ...credentials, seed: options.seed });
      running.simulators.ENGAGEMENT = simulator;
      running.endpoints.ENGAGEMENT = { baseUrl: await listen('ENGAGEMENT', simulator, vendors.ENGAGEMENT.port), ...credentials };
    }
    if (vendors.GREENARROW.mode === 'simulator') {
      const credentials = { username: 'greenarrow-api', password: secret() };
      const simulator = new GreenArrowSimulator({ ...credentials, perPage: vendors.GREENARROW.tuning.pageSize, seed: options.seed });
      running.simulators.GREENARROW = simulator;
      running.endpoints.GREENARROW = { baseUrl: await listen('GREENARROW', simulator, vendors.GREENARROW.port), ...credentials };
    }
    if (vendors.USER_MANAGEMENT.mode === 'simulator') {
      const apiKey = secret();
      const { apiKeyHeader, accountPathPrefix } = vendors.USER_MANAGEMENT.tuning;
      const simulator = new UserManagementSimulator({ apiKey, apiKeyHeader, accountPathPrefix, seed: options.seed });
      running.simulators.USER_MANAGEMENT = simulator;
      running.endpoints.USER_MANAGEMENT = { baseUrl: await listen('USER_MANAGEMENT', simulator, vendors.USER_MANAGEMENT.port), apiKey };
    }
  } catch (error) {
    await running.close();
    throw error;
  }
  return running;
}

async function closeAll(simulators: Simulator[]): Promise<void> {
  await Promise.all(simulators.map((simulator) => simulator.close()));
}
