import type { Source } from '../../src/domain/types';
import { simulatorEnv, startSimulators, type RunningSimulators } from '../../src/simulators';
import { loadSimulatorConfig } from '../../src/simulators/config';
import type { SimulatorOf } from '../../src/simulators/registry';

/** The four simulators running in this process, and what a gateway process needs to reach them. */
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
    SIM_RAINMAKER_PORT: '0',
    SIM_ENGAGEMENT_PORT: '0',
    SIM_GREENARROW_PORT: '0',
    SIM_USER_MANAGEMENT_PORT: '0',
  });
  const running: RunningSimulators = await startSimulators(config);
  return {
    simulators: running.simulators as TestVendors['simulators'],
    env: simulatorEnv(running),
    close: () => running.close(),
  };
}
