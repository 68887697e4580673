/**
 * What a vendor's simulator folder tells the code that runs the simulators: where it listens, how
 * it is built to agree with a gateway, and how its records are linked. src/simulators/index.ts,
 * config.ts and seed-identities.ts loop over these modules (src/simulators/registry.ts), so none
 * of them names a vendor.
 */
import { randomBytes } from 'node:crypto';
import type { Source } from '../../domain/types';
import type { LinkableRecord } from '../../sync/identity-linker';
import type { EndpointOf, TuningOf } from '../../vendors/registry';
import type { Simulator } from './framework';

/** A simulator just built, and how a gateway will reach it. */
export interface CreatedSimulator<S extends Source, Sim extends Simulator> {
  simulator: Sim;
  /** The endpoint a gateway is given once the simulator listens at `baseUrl`: that URL and the credentials it accepts. */
  endpoint: (baseUrl: string) => EndpointOf<S>;
}

export interface SimulatorModule<S extends Source, Sim extends Simulator> {
  readonly source: S;
  /** Where it listens unless `SIM_<SOURCE>_PORT` says otherwise. */
  readonly defaultPort: number;
  /**
   * A simulator built from the tuning the gateway reads (`readTuning` of the vendor's module), so
   * the two agree on the tenant's rules, the page size and how requests are authenticated, with
   * fresh credentials.
   */
  create(tuning: TuningOf<S>, options: { seed: boolean; population: number }): CreatedSimulator<S, Sim>;
  /** Every record it holds, as the identity linker takes them. */
  linkableRecords(simulator: Sim): LinkableRecord[];
}

/** Fresh per-process credentials: nothing secret lives in the repository, even for simulators. */
export function freshSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
