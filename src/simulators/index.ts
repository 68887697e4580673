import { join } from 'node:path';
import { endpointEnv } from '../vendors/registry';
import { SOURCES, type Source } from '../domain/types';
import { ConfigError } from '../platform/env';
import type { EndpointOf } from '../vendors/registry';
import { listenFailure } from '../platform/startup-error';
import type { SimulatorConfig } from './config';
import type { Simulator } from './kit/framework';
import { simulatorModule, type SimulatorOf } from './registry';

/** The simulators started for this process, their endpoints, and a stop. */
export interface RunningSimulators {
  simulators: { [S in Source]?: SimulatorOf<S> };
  /** Where each running simulator is and the credentials it accepts, as a gateway's vendor clients need them. */
  endpoints: { [S in Source]?: EndpointOf<S> };
  close(): Promise<void>;
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
export async function startSimulators(
  config: SimulatorConfig,
  sources: readonly Source[] = SOURCES,
): Promise<RunningSimulators> {
  const running: RunningSimulators = {
    simulators: {},
    endpoints: {},
    close: () => closeAll(Object.values(running.simulators)),
  };
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
  /** Generic in the source, so the module, the tuning, the simulator and the endpoint are one vendor's. */
  const start = async <S extends Source>(source: S): Promise<void> => {
    const { simulator, endpoint } = simulatorModule(source).create(config.vendors[source], {
      seed: config.seed,
      population: config.population,
    });
    // Seen through this vendor's key alone: TypeScript relates a generic key to its own property only on a type mapped over that key.
    const simulators: { [K in S]?: SimulatorOf<K> } = running.simulators;
    const endpoints: { [K in S]?: EndpointOf<K> } = running.endpoints;
    simulators[source] = simulator;
    endpoints[source] = endpoint(await listen(source, simulator));
  };
  try {
    for (const source of SOURCES) {
      if (sources.includes(source)) await start(source);
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
  const envOf = <S extends Source>(source: S, endpoint: EndpointOf<S> | undefined) =>
    endpoint === undefined ? {} : endpointEnv(source, endpoint);
  return Object.assign({}, ...SOURCES.map((source) => envOf(source, running.endpoints[source]))) as Record<
    string,
    string
  >;
}

async function closeAll(simulators: Simulator[]): Promise<void> {
  await Promise.all(simulators.map((simulator) => simulator.close()));
}
