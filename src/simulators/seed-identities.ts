import type { Source } from '../domain/types';
import { linkRecords } from '../services/identity-linker';
import type { IdentityStore } from '../store';
import type { RunningSimulators } from '.';
import { linkableRecords as engagementRecords } from './engagement/linkable-records';
import { linkableRecords as greenArrowRecords } from './greenarrow/linkable-records';
import { linkableRecords as rainMakerRecords } from './rainmaker/linkable-records';
import { linkableRecords as userManagementRecords } from './user-management/linkable-records';

type Running = RunningSimulators['simulators'];
type LinkableRecords = Parameters<typeof linkRecords>[2];

/** Each vendor's records as the linker takes them; each mapping lives beside its simulator. */
const LINKABLE: { [S in Source]: (simulator: NonNullable<Running[S]>) => LinkableRecords } = {
  RAINMAKER: rainMakerRecords,
  ENGAGEMENT: engagementRecords,
  GREENARROW: greenArrowRecords,
  USER_MANAGEMENT: userManagementRecords,
};

/**
 * The order vendors are linked in: the first vendor to name an email creates its gateway user, so
 * a fixed order gives the sample users the same ids on every start.
 */
const LINK_ORDER: readonly Source[] = ['USER_MANAGEMENT', 'ENGAGEMENT', 'GREENARROW', 'RAINMAKER'];

/** One vendor's records, typed by its source so the mapping and the simulator match. */
function recordsOf<S extends Source>(source: S, simulators: Running): LinkableRecords | null {
  const simulator = simulators[source];
  return simulator ? LINKABLE[source](simulator as NonNullable<Running[S]>) : null;
}

/**
 * Links every record the running simulators hold to gateway users, by email, so the playground
 * shows linked users at once. Reads the simulators' stores directly: RainMaker has no read
 * endpoint, and this is the simulators' own sample data, not an import from real vendors.
 * Idempotent: records already linked keep their user.
 */
export async function seedIdentityStore(store: IdentityStore, running: RunningSimulators, at = new Date()): Promise<void> {
  for (const source of LINK_ORDER) {
    const records = recordsOf(source, running.simulators);
    if (records !== null) await linkRecords(store, source, records, at);
  }
}
