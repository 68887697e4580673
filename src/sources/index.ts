import type { Dispatcher } from 'undici';
import type {
  BasicEndpoint,
  Config,
  RainMakerEndpoint,
  UserManagementEndpoint,
  VendorPlacement,
} from '../config';
import type { Source } from '../domain/types';
import type { Logger } from '../logger';
import { EngagementSource } from './engagement/client';
import { GreenArrowSource } from './greenarrow/client';
import type { VendorHttp } from './http';
import { RainMakerSource } from './rainmaker/client';
import { UserManagementSource } from './user-management/client';

/** One datasource per vendor; `null` where the vendor is not configured. */
export interface Sources {
  RAINMAKER: RainMakerSource | null;
  ENGAGEMENT: EngagementSource | null;
  GREENARROW: GreenArrowSource | null;
  USER_MANAGEMENT: UserManagementSource | null;
}

/** Endpoints supplied at startup by running simulators, for vendors placed on a simulator. */
export interface SimulatedEndpoints {
  RAINMAKER?: RainMakerEndpoint;
  ENGAGEMENT?: BasicEndpoint;
  GREENARROW?: BasicEndpoint;
  USER_MANAGEMENT?: UserManagementEndpoint;
}

export interface SourceDeps {
  logger: Logger;
  dispatcher?: Dispatcher;
}

/** The endpoint a placement resolves to, or null when the vendor is off. */
function endpointOf<Tuning, Endpoint>(
  source: Source,
  placement: VendorPlacement<Tuning, Endpoint>,
  simulated: Endpoint | undefined,
): (Tuning & Endpoint) | null {
  switch (placement.mode) {
    case 'remote':
      return { ...placement.tuning, ...placement.endpoint };
    case 'simulator':
      if (simulated === undefined) throw new Error(`${source} is placed on a simulator, but no simulator endpoint was given`);
      return { ...placement.tuning, ...simulated };
    case 'off':
      return null;
  }
}

/** Builds the datasources for every configured vendor. */
export function createSources(vendors: Config['vendors'], simulated: SimulatedEndpoints, deps: SourceDeps): Sources {
  const rainMaker = endpointOf('RAINMAKER', vendors.RAINMAKER, simulated.RAINMAKER);
  const engagement = endpointOf('ENGAGEMENT', vendors.ENGAGEMENT, simulated.ENGAGEMENT);
  const greenArrow = endpointOf('GREENARROW', vendors.GREENARROW, simulated.GREENARROW);
  const userManagement = endpointOf('USER_MANAGEMENT', vendors.USER_MANAGEMENT, simulated.USER_MANAGEMENT);
  return {
    RAINMAKER: rainMaker && new RainMakerSource(rainMaker, deps),
    ENGAGEMENT: engagement && new EngagementSource(engagement, deps),
    GREENARROW: greenArrow && new GreenArrowSource(greenArrow, deps),
    USER_MANAGEMENT: userManagement && new UserManagementSource(userManagement, deps),
  };
}

/** The transports of the configured sources, for health reporting. */
export function transportsOf(sources: Sources): Partial<Record<Source, VendorHttp>> {
  const transports: Partial<Record<Source, VendorHttp>> = {};
  for (const [source, client] of Object.entries(sources) as [Source, Sources[Source]][]) {
    if (client) transports[source] = client.http;
  }
  return transports;
}

export async function closeSources(sources: Sources): Promise<void> {
  await Promise.all(Object.values(sources).map((client) => client?.close()));
}
