/**
 * The one place that knows which adapter serves which vendor. Everything else asks the registry
 * for "the adapters that can do X" and loops over them.
 */
import { SOURCES, type Source } from '../domain/types';
import type { AdapterCapabilities, VendorAdapter, ViewField } from './adapter';
import { VendorNotConfiguredError } from './errors';
import { EngagementAdapter } from './engagement/adapter';
import { DEFAULT_CREATE_RULES, type CreateRules } from './engagement/contract';
import { GreenArrowAdapter } from './greenarrow/adapter';
import type { Sources } from './index';
import { RainMakerAdapter } from './rainmaker/adapter';
import { DEFAULT_RULES, type RainMakerRules } from './rainmaker/contract';
import { UserManagementAdapter } from './user-management/adapter';

/** The vendor whose accounts the graph's `Account` is. */
const ACCOUNTS_VENDOR: Source = 'USER_MANAGEMENT';

/** Rules that differ between tenants of a vendor; the defaults are the documented assumptions. */
export interface TenantRules {
  rainMaker?: RainMakerRules;
  engagement?: CreateRules;
}

export class Adapters {
  private readonly bySource: ReadonlyMap<Source, VendorAdapter>;

  constructor(adapters: readonly VendorAdapter[]) {
    const bySource = new Map<Source, VendorAdapter>();
    for (const adapter of adapters) {
      if (bySource.has(adapter.source)) throw new TypeError(`Adapters: ${adapter.source} is registered twice`);
      bySource.set(adapter.source, adapter);
    }
    this.bySource = bySource;
  }

  /** Every configured adapter, in SOURCES order. */
  all(): VendorAdapter[] {
    return SOURCES.flatMap((source) => this.bySource.get(source) ?? []);
  }

  /** The adapter of a vendor, or null when the vendor is not configured. */
  get(source: Source): VendorAdapter | null {
    return this.bySource.get(source) ?? null;
  }

  /** The configured adapters with a capability. */
  with(capability: keyof AdapterCapabilities): VendorAdapter[] {
    return this.all().filter((adapter) => Boolean(adapter.capabilities[capability]));
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
  providersOf(field: ViewField): VendorAdapter[] {
    const rank = (adapter: VendorAdapter) => (adapter.fields[field] === 'primary' ? 0 : 1);
    return this.all()
      .filter((adapter) => adapter.fields[field] !== undefined)
      .sort((a, b) => rank(a) - rank(b));
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((adapter) => adapter.close()));
  }
}

/** Wraps each configured datasource in its vendor's adapter. */
export function createAdapters(sources: Sources, rules: TenantRules = {}): Adapters {
  const adapters: VendorAdapter[] = [];
  if (sources.RAINMAKER) adapters.push(new RainMakerAdapter(sources.RAINMAKER, rules.rainMaker ?? DEFAULT_RULES));
  if (sources.ENGAGEMENT) adapters.push(new EngagementAdapter(sources.ENGAGEMENT, rules.engagement ?? DEFAULT_CREATE_RULES));
  if (sources.GREENARROW) adapters.push(new GreenArrowAdapter(sources.GREENARROW));
  if (sources.USER_MANAGEMENT) adapters.push(new UserManagementAdapter(sources.USER_MANAGEMENT));
  return new Adapters(adapters);
}
