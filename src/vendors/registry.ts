/**
 * The one place on the gateway's side that knows which vendors there are: their modules (variables
 * and adapters), by source. Everything else asks the registry for "the adapters that can do X" and
 * loops over them. (The simulators have their own list, src/simulators/registry.ts.)
 */
import { SOURCES, type Source } from '../domain/types';
import type { AdapterCapabilities, VendorAdapter, ViewField } from './kit/adapter';
import { engagementModule } from './engagement/module';
import { VendorNotConfiguredError } from './transport/errors';
import { greenArrowModule } from './greenarrow/module';
import { rainMakerModule } from './rainmaker/module';
import { userManagementModule } from './user-management/module';
import type { VendorClientDeps } from './kit/client';
import { readTransport, type TransportSettings, type VendorModule, type VendorPlacement } from './kit/module';
import type { EnvReader } from '../platform/env';

/** Each vendor's module, by source. */
const MODULES = {
  RAINMAKER: rainMakerModule,
  ENGAGEMENT: engagementModule,
  GREENARROW: greenArrowModule,
  USER_MANAGEMENT: userManagementModule,
} satisfies Record<Source, unknown>;

type Modules = typeof MODULES;
/** How a vendor is talked to and its tenant's rules, as its module reads them. */
export type TuningOf<S extends Source> =
  Modules[S] extends VendorModule<infer Tuning extends TransportSettings, { baseUrl: string }> ? Tuning : never;
/** Where a vendor is and its credentials, as its module reads them. */
export type EndpointOf<S extends Source> =
  Modules[S] extends VendorModule<TransportSettings, infer Endpoint extends { baseUrl: string }> ? Endpoint : never;

/** Every vendor's tuning, by source. */
export type VendorTunings = { [S in Source]: TuningOf<S> };
/** Where every vendor is, by source, each with its own tuning and endpoint types. */
export type VendorPlacements = { [S in Source]: VendorPlacement<TuningOf<S>, EndpointOf<S>> };

/**
 * The modules, typed so that code generic in a source keeps a vendor's tuning and endpoint
 * together: `VENDOR_MODULES[source]` takes what `VendorPlacements[source]` holds.
 */
export const VENDOR_MODULES: { readonly [S in Source]: VendorModule<TuningOf<S>, EndpointOf<S>> } = MODULES;

/** The vendor whose accounts the graph's `Account` is. */
const ACCOUNTS_VENDOR: Source = 'USER_MANAGEMENT';

export class Adapters {
  private readonly bySource: ReadonlyMap<Source, VendorAdapter>;
  private readonly ordered: readonly VendorAdapter[];
  // The adapters never change, so each answer below is worked out once (they are asked per field).
  private readonly withCapability = new Map<keyof AdapterCapabilities, readonly VendorAdapter[]>();
  private readonly providers = new Map<ViewField, readonly VendorAdapter[]>();

  constructor(adapters: readonly VendorAdapter[]) {
    const bySource = new Map<Source, VendorAdapter>();
    for (const adapter of adapters) {
      if (bySource.has(adapter.source)) throw new TypeError(`Adapters: ${adapter.source} is registered twice`);
      bySource.set(adapter.source, adapter);
    }
    this.bySource = bySource;
    this.ordered = Object.freeze(SOURCES.flatMap((source) => bySource.get(source) ?? []));
  }

  /** Every configured adapter, in SOURCES order. */
  all(): readonly VendorAdapter[] {
    return this.ordered;
  }

  /** The adapter of a vendor, or null when the vendor is not configured. */
  get(source: Source): VendorAdapter | null {
    return this.bySource.get(source) ?? null;
  }

  /** The configured adapters with a capability. */
  with(capability: keyof AdapterCapabilities): readonly VendorAdapter[] {
    let adapters = this.withCapability.get(capability);
    if (adapters === undefined) {
      adapters = Object.freeze(this.ordered.filter((adapter) => Boolean(adapter.capabilities[capability])));
      this.withCapability.set(capability, adapters);
    }
    return adapters;
  }

  /**
   * The adapter that keeps accounts; VENDOR_NOT_CONFIGURED, naming the vendor that would, when it
   * is not configured.
   */
  accounts(): VendorAdapter {
    const adapter = this.with('accounts')[0];
    if (adapter) return adapter;
    throw new VendorNotConfiguredError(ACCOUNTS_VENDOR, `${ACCOUNTS_VENDOR} keeps the accounts and is not configured`);
  }

  /** The adapters that answer a field, primary ones first. */
  providersOf(field: ViewField): readonly VendorAdapter[] {
    let adapters = this.providers.get(field);
    if (adapters === undefined) {
      const rank = (adapter: VendorAdapter) => (adapter.fields[field] === 'primary' ? 0 : 1);
      adapters = Object.freeze(
        this.ordered.filter((adapter) => adapter.fields[field] !== undefined).sort((a, b) => rank(a) - rank(b)),
      );
      this.providers.set(field, adapters);
    }
    return adapters;
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((adapter) => adapter.close()));
  }
}

/** Builds the client and adapter of every vendor placed at an endpoint, in SOURCES order. */
export function createAdapters(vendors: VendorPlacements, deps: VendorClientDeps): Adapters {
  return new Adapters(SOURCES.flatMap((source) => adapterAt(source, vendors[source], deps) ?? []));
}

/** One vendor's adapter, or null when the vendor is off; generic so the module and the placement agree. */
function adapterAt<S extends Source>(
  source: S,
  placement: VendorPlacement<TuningOf<S>, EndpointOf<S>>,
  deps: VendorClientDeps,
): VendorAdapter | null {
  return placement.mode === 'remote'
    ? VENDOR_MODULES[source].createAdapter(placement.tuning, placement.endpoint, deps)
    : null;
}

/**
 * How every vendor is talked to and the rules of its tenant, from the environment, each read by
 * the vendor's own module. The gateway's configuration and the simulators' read these with this
 * one function, so the two agree.
 */
export function readVendorTunings(read: EnvReader): VendorTunings {
  return Object.fromEntries(
    SOURCES.map((source) => [source, VENDOR_MODULES[source].readTuning(read, readTransport(read, source))]),
  ) as VendorTunings;
}

/**
 * The endpoint a gateway is given, as the variables it reads it from: `<SOURCE>_BASE_URL` and the
 * vendor's credential variables. The inverse of what the gateway's configuration (src/config.ts) reads; it holds secrets.
 */
export function endpointEnv<S extends Source>(source: S, endpoint: EndpointOf<S>): Record<string, string> {
  return { [`${source}_BASE_URL`]: endpoint.baseUrl, ...VENDOR_MODULES[source].credentialEnv(endpoint) };
}

/** Where each vendor is: with a base URL it is talked to there, with the credentials that must come with it; without one it is off. */
export function readVendorPlacements(read: EnvReader, tunings: VendorTunings): VendorPlacements {
  function place<S extends Source>(source: S, tuning: TuningOf<S>): VendorPlacement<TuningOf<S>, EndpointOf<S>> {
    const baseUrl = read.url(`${source}_BASE_URL`);
    return baseUrl === undefined
      ? { mode: 'off', tuning }
      : { mode: 'remote', tuning, endpoint: VENDOR_MODULES[source].readEndpoint(read, baseUrl) };
  }
  return Object.fromEntries(SOURCES.map((source) => [source, place(source, tunings[source])])) as VendorPlacements;
}
