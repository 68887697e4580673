import { secretKeyPath } from '../platform/redaction';

/**
 * Throws a TypeError when `value` holds a secret's key (src/platform/redaction.ts: a password, a
 * token, an API key, …) at any depth. The store writes profile values, journal payloads and step
 * errors as JSON; secrets must never reach the database, so a caller that forgot to strip one
 * fails loudly instead of leaking it. The message names the path, never the value.
 */
export function refuseSecretKeys(value: unknown, what: string): void {
  const path = secretKeyPath(value);
  if (path !== null) {
    throw new TypeError(
      `${what} must not contain a secret, but has the key "${path.join('.')}": secrets are never stored`,
    );
  }
}
