import { SOURCES, type Source } from '../../src/domain/types';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import type { SimulatorOf } from '../../src/simulators/registry';

/**
 * Every vendor's simulator on a free loopback port (`SIM_<SOURCE>_PORT=0` for each source), so
 * that suites running at once never reach for the same port, whatever vendors there are.
 */
export const SIMULATORS_ON_FREE_PORTS: Readonly<Record<string, string>> = Object.fromEntries(
  SOURCES.map((source) => [`SIM_${source}_PORT`, '0']),
);

/** The simulators running in this process, and what a gateway process needs to reach them. */
export interface TestVendors {
  simulators: { [S in Source]: SimulatorOf<S> };
  /** Base URLs and this run's fresh credentials, under the names the gateway's configuration reads. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts every vendor's simulator on a free loopback port, unseeded and keeping nothing on disk, the
 * way `npm run simulators` does, for tests that run a gateway in a child process against them (and
 * watch or fault the simulators from the test).
 */
export async function startTestVendors(): Promise<TestVendors> {
  const config = loadSimulatorConfig({
    DATA_DIR: ':memory:',
    SIM_SEED: 'false',
    ...SIMULATORS_ON_FREE_PORTS,
  });
  const running: RunningSimulators = await startSimulators(config);
  return {
    simulators: running.simulators as TestVendors['simulators'],
    env: simulatorEnv(running),
    close: () => running.close(),
  };
}
