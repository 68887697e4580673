/**
 * The one place that lists the vendors' simulators. Starting, configuring and seeding them loops
 * over this list.
 */
import type { Source } from '../domain/types';
import { engagementSimulator } from './engagement/module';
import type { Simulator } from './kit/framework';
import { greenArrowSimulator } from './greenarrow/module';
import { rainMakerSimulator } from './rainmaker/module';
import type { SimulatorModule } from './kit/module';
import { userManagementSimulator } from './user-management/module';

/**
 * Every vendor's simulator, in the order their records are linked to gateway users: the first
 * vendor to name an email creates its gateway user, so a fixed order gives the sample users the
 * same ids on every start.
 */
export const SIMULATOR_MODULES = [
  userManagementSimulator,
  engagementSimulator,
  greenArrowSimulator,
  rainMakerSimulator,
] as const;

/** A vendor's simulator class, e.g. for `running.simulators[source].store`. */
export type SimulatorOf<S extends Source> =
  Extract<(typeof SIMULATOR_MODULES)[number], { source: S }> extends SimulatorModule<S, infer Sim extends Simulator>
    ? Sim
    : never;

/** The simulator module of a vendor. */
export function simulatorModule<S extends Source>(source: S): SimulatorModule<S, SimulatorOf<S>> {
  const module = SIMULATOR_MODULES.find((candidate) => candidate.source === source);
  if (module === undefined) throw new TypeError(`simulatorModule: no simulator is registered for ${source}`);
  // The find matched the source, so the module is the one SimulatorOf<S> was read from.
  return module as unknown as SimulatorModule<S, SimulatorOf<S>>;
}
