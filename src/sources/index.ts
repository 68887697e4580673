import type { Dispatcher } from 'undici';
import type { Config } from '../config';
import type { Source } from '../domain/types';
import type { Logger } from '../logger';
import { EngagementSource } from './engagement/client';
import { GreenArrowSource } from './greenarrow/client';
import type { VendorHttp } from './http';
import { RainMakerSource } from './rainmaker/client';
import { UserManagementSource } from './user-management/client';
import type { VendorPlacement } from './vendor-module';

/** One datasource per vendor; `null` where the vendor is not configured. */
export interface Sources {
  RAINMAKER: RainMakerSource | null;
  ENGAGEMENT: EngagementSource | null;
  GREENARROW: GreenArrowSource | null;
  USER_MANAGEMENT: UserManagementSource | null;
}

export interface SourceDeps {
  logger: Logger;
  dispatcher?: Dispatcher;
}

/** The endpoint a placement resolves to, or null when the vendor is off. */
function endpointOf<Tuning, Endpoint>(placement: VendorPlacement<Tuning, Endpoint>): (Tuning & Endpoint) | null {
  return placement.mode === 'remote' ? { ...placement.tuning, ...placement.endpoint } : null;
}

/** Builds the datasources for every configured vendor. */
export function createSources(vendors: Config['vendors'], deps: SourceDeps): Sources {
  const rainMaker = endpointOf(vendors.RAINMAKER);
  const engagement = endpointOf(vendors.ENGAGEMENT);
  const greenArrow = endpointOf(vendors.GREENARROW);
  const userManagement = endpointOf(vendors.USER_MANAGEMENT);
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
