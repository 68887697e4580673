/**
 * Rules for the settings a vendor client or a simulator is constructed with. Each answers the problem
 * as `<setting> must be …`, or null where the rule holds, so that every constructor states a
 * misconfiguration the same way (`GreenArrowClient: password must be a non-empty string`) and
 * never echoes a secret.
 */

/** A setting that must be a non-empty string: a credential, a region. */
export function nonEmptyTextProblem(setting: string, value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? null : `${setting} must be a non-empty string`;
}

/** A setting that must be a positive integer: a page size. */
export function positiveIntegerProblem(setting: string, value: unknown): string | null {
  return Number.isInteger(value) && (value as number) > 0
    ? null
    : `${setting} must be a positive integer, got ${String(value)}`;
}
