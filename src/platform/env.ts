/**
 * Reading the environment: one reader that collects every problem, and the error that lists them.
 * It depends on nothing, so the gateway's configuration, each vendor's module and the simulators
 * can all read with it.
 */

/** Thrown at startup; lists every bad variable with what is expected, each once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: readonly string[]) {
    // A variable several settings fall back to (VENDOR_TIMEOUT_MS) would otherwise be named once per setting.
    const unique = [...new Set(problems)];
    super(`Invalid configuration:\n${unique.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = unique;
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Reads variables one by one, collecting every problem instead of stopping at the first. Messages
 * name the variable and what it expects; a secret's value is never echoed.
 */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: expected true or false, got "${value}"`);
    return fallback;
  }

  url(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      if (url.username || url.password) {
        this.problems.push(`${name}: credentials do not belong in the URL; use the vendor's credential variables`);
        return undefined;
      }
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}: expected an http(s) URL, got "${value}"`);
      return undefined;
    }
  }

  /** A comma-separated list of non-empty items (trimmed); unset or blank means `fallback`. */
  list(name: string, fallback: readonly string[], what: string): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim());
    if (items.some((item) => item === '')) {
      this.problems.push(`${name}: expected ${what}, separated by commas, none of them empty, got "${value}"`);
      return fallback;
    }
    return items;
  }

  /** A comma-separated list of browser origins (`scheme://host[:port]`, no path). */
  origins(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const origins: string[] = [];
    for (const item of value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      let origin: string | null = null;
      try {
        const parsed = new URL(item);
        if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === item.replace(/\/$/, ''))
          origin = parsed.origin;
      } catch {
        // reported below
      }
      if (origin === null)
        this.problems.push(
          `${name}: expected origins such as https://admin.example.com (scheme, host and port only), got "${item}"`,
        );
      else origins.push(origin);
    }
    return origins;
  }

  /** An optional secret of a minimum length; the message never echoes it. */
  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name}: expected at least ${minLength} characters`);
      return undefined;
    }
    return value;
  }

  /** A variable that must be set because another one is. Never echoes the (secret) value. */
  required(name: string, because: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name}: required when ${because} is set`);
      return '';
    }
    return value;
  }

  /** Unlike other variables, set-but-empty is meaningful here: it turns the prefix off. */
  pathPrefix(name: string, fallback: string): string {
    const value = this.env[name]?.trim() ?? fallback;
    if (value !== '' && !/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(value)) {
      this.problems.push(
        `${name}: expected a path starting with "/" and not ending with one (or empty), got "${value}"`,
      );
      return fallback;
    }
    return value;
  }
}
