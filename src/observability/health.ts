import type { Database } from '../store';

/** A breaker state in one word, whatever spelling the transport used (`halfOpen`, `half-open` → `half_open`). */
export function breakerStateWord(state: unknown): string {
  const word = String(state)
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  return word === '' ? 'unknown' : word;
}

/**
 * What the vendor transport last told about each configured vendor's breaker, kept from its
 * events, so a probe asks no vendor anything.
 */
export class VendorStates {
  private readonly breakers = new Map<string, string>();
  private readonly refused = new Set<string>();

  constructor(readonly vendors: readonly string[]) {
    for (const vendor of vendors) this.breakers.set(vendor, 'closed');
  }

  breakerChanged(vendor: string, state: string): void {
    this.breakers.set(vendor, state);
  }

  breaker(vendor: string): string {
    return this.breakers.get(vendor) ?? 'closed';
  }

  credentialsChanged(vendor: string, rejected: boolean): void {
    if (rejected) this.refused.add(vendor);
    else this.refused.delete(vendor);
  }

  /** Whether the vendor refuses the gateway's credentials now (401/403, no trial accepted since). */
  credentialsRejected(vendor: string): boolean {
    return this.refused.has(vendor);
  }
}

/** One line of a readiness answer. */
export interface ReadinessCheck {
  check: 'database' | 'shutdown' | 'vendor';
  ok: boolean;
  /** The vendor checked (`source` value), for a vendor check. */
  source?: string;
  /** What was found, in a word or two: `open`, `stopping`, `breaker open`, `credentials rejected`, `not answering`. */
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  db: Pick<Database, 'query'>;
  vendors: VendorStates;
  /**
   * Whether an open breaker, or a vendor refusing the gateway's credentials, makes the gateway not
   * ready (READINESS_REQUIRES_VENDORS); it is listed either way.
   */
  requireVendors: boolean;
  /** Whether shutdown has begun. */
  stopping: () => boolean;
  /** How long the database may take to answer `SELECT 1` before it counts as not answering. */
  databaseTimeoutMs?: number;
}

/**
 * Readiness as Kubernetes probes read it (the status code; the JSON body is for people): the
 * database answers, no configured vendor is known down (its breaker is not open, and it does not
 * refuse the gateway's credentials), and shutdown has not begun. Cheap: one `SELECT 1`, and what the transport already knows of the vendors.
 */
export class Readiness {
  constructor(private readonly options: ReadinessOptions) {}

  async check(): Promise<ReadinessReport> {
    const { vendors, requireVendors, stopping } = this.options;
    const checks: ReadinessCheck[] = [
      { check: 'shutdown', ok: !stopping(), detail: stopping() ? 'stopping' : 'running' },
      await this.database(),
      ...vendors.vendors.map((source): ReadinessCheck => {
        const breaker = vendors.breaker(source);
        const refused = vendors.credentialsRejected(source);
        const down = breaker === 'open' || breaker === 'isolated' || refused;
        const detail = refused ? 'credentials rejected' : `breaker ${breaker}`;
        return { check: 'vendor', source, ok: !(down && requireVendors), detail };
      }),
    ];
    return { ready: checks.every((check) => check.ok), checks };
  }

  private async database(): Promise<ReadinessCheck> {
    const timeoutMs = this.options.databaseTimeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answered = await Promise.race([
        this.options.db.query('SELECT 1 AS ok').then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      return { check: 'database', ok: answered, detail: answered ? 'answering' : 'not answering' };
    } catch {
      return { check: 'database', ok: false, detail: 'failing' };
    } finally {
      clearTimeout(timer);
    }
  }
}
