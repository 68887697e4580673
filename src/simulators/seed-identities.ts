import type { Source } from '../domain/types';
import { linkRecords, type LinkableRecord } from '../sync/identity-linker';
import type { IdentityStore } from '../store';
import type { RunningSimulators } from '.';
import { SIMULATOR_MODULES, simulatorModule } from './registry';

/** One vendor's records, typed by its source so the mapping and the simulator match; null when it is not running. */
function recordsOf<S extends Source>(source: S, simulators: RunningSimulators['simulators']): LinkableRecord[] | null {
  const simulator = simulators[source];
  return simulator === undefined ? null : simulatorModule(source).linkableRecords(simulator);
}

/**
 * Links every record the running simulators hold to gateway users, by email, so the playground
 * shows linked users at once, vendor after vendor in the registry's link order. Reads the
 * simulators' stores directly: RainMaker has no read endpoint, and this is the simulators' own
 * sample data, not an import from real vendors. Idempotent: records already linked keep their user.
 */
export async function seedIdentityStore(
  store: IdentityStore,
  running: RunningSimulators,
  at = new Date(),
): Promise<void> {
  for (const { source } of SIMULATOR_MODULES) {
    const records = recordsOf(source, running.simulators);
    if (records !== null) await linkRecords(store, source, records, at);
  }
}
