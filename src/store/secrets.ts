/** Any key naming a password (`password`, `Password`, `newPassword`, `password_hash`, …). */
const PASSWORD_KEY = /password/i;

/**
 * Throws a TypeError when `value` holds a password-like key at any depth. The store writes profile
 * values, journal payloads and step errors as JSON; passwords must never reach the database, so a
 * caller that forgot to strip one fails loudly instead of leaking it. The message names the path,
 * never the value.
 */
export function refusePasswordKeys(value: unknown, what: string, path: string[] = []): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => refusePasswordKeys(item, what, [...path, String(index)]));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (PASSWORD_KEY.test(key)) {
      throw new TypeError(
        `${what} must not contain a password, but has the key "${[...path, key].join('.')}": passwords are never stored`,
      );
    }
    refusePasswordKeys(item, what, [...path, key]);
  }
}
