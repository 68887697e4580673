/**
 * The one place that knows what a secret looks like. The logger, the vendor transport (a vendor's
 * words, which may echo what it was sent), the request context (the values a request carried) and
 * the store (which refuses to keep a secret) all ask here, so they agree on one rule:
 *
 * - a key names a secret when it holds `password`, `secret`, `token`, `api key` (`apiKey`,
 *   `api_key`, `x-api-key`), `authorization`, `cookie` or `journal key`, in any case, anywhere in
 *   the key (`newPassword`, `x-amz-security-token`, `proxy-authorization`, `clientSecret`);
 * - inside free text, HTTP Basic and Bearer credentials, a SigV4 `Credential=` and `Signature=`,
 *   and an `x-amz-security-token` value are credentials;
 * - an email address is personal data, masked where a line is read widely (warn and above) and in
 *   a vendor's words;
 * - a known secret's value is cut out of text as it is, JSON-escaped and URL-encoded, when it has at
 *   least {@link MIN_REDACTED_LENGTH} characters (shorter ones are ordinary words and flags).
 *
 * Everything cut out is replaced by {@link REDACTED}; an email by {@link EMAIL_MASK}.
 */

/** What stands where a secret was. */
export const REDACTED = '[redacted]';

/** What stands where an email address was. */
export const EMAIL_MASK = '[email]';

/** Values shorter than this are not cut out of text by value: they would cut ordinary words. */
export const MIN_REDACTED_LENGTH = 4;

/** A key whose value is a secret, wherever it appears. */
const SECRET_KEY = /password|secret|token|api[-_]?key|authorization|cookie|journal[-_]?key/i;

/** Credentials inside text, which no key can point at (a message, an error's words, a header line). */
const CREDENTIALS_IN_TEXT: readonly [RegExp, string][] = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${REDACTED}`],
  [/\b(Signature=)[0-9a-f]{16,}/gi, `$1${REDACTED}`],
  [/\b(Credential=)[A-Za-z0-9/_-]{8,}/gi, `$1${REDACTED}`],
  [/\b(x-amz-security-token[=:]\s*)[^\s",&]+/gi, `$1${REDACTED}`],
];

/** An email address inside free text. */
const EMAIL_IN_TEXT = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/g;

/** Whether a key (an object's property, a header's name) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Whether `text` mentions a secret key's name anywhere: a cheap test before looking for secret keys in it. */
export function mentionsSecretKey(text: string): boolean {
  return SECRET_KEY.test(text);
}

/** `text` with every credential the text itself shows (Basic, Bearer, SigV4, security token) cut out. */
export function redactCredentials(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of CREDENTIALS_IN_TEXT) redacted = redacted.replace(pattern, replacement);
  return redacted;
}

/** `text` with every email address masked. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_IN_TEXT, EMAIL_MASK);
}

/**
 * `text` with each of `values` cut out, as it is, JSON-escaped (inside a JSON body) and URL-encoded
 * (inside a query string or form), whichever forms have at least {@link MIN_REDACTED_LENGTH} characters.
 */
export function redactValues(text: string, values: Iterable<string>): string {
  let redacted = text;
  for (const value of values) {
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
      if (form.length >= MIN_REDACTED_LENGTH && redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
    }
  }
  return redacted;
}

/** The string values `value` holds under a secret key, at any depth (a request body's passwords, tokens, keys). */
export function secretValues(value: unknown, underSecret = false, into: string[] = []): string[] {
  if (typeof value === 'string') {
    if (underSecret) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) secretValues(item, underSecret, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) secretValues(item, underSecret || isSecretKey(key), into);
  }
  return into;
}

/** The path to the first secret key `value` holds at any depth (`['input', 'password']`), or null when it holds none. */
export function secretKeyPath(value: unknown, path: readonly string[] = []): string[] | null {
  if (value === null || typeof value !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (!Array.isArray(value) && isSecretKey(key)) return [...path, key];
    const found = secretKeyPath(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/**
 * A copy of `value` (plain objects and arrays, at any depth) with the value under every secret key
 * replaced by {@link REDACTED}; `value` itself when it holds none, so that a clean value costs no copy.
 */
export function redactSecretKeys<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => redactSecretKeys(item));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const redacted = entries.map(([key, item]): [string, unknown] => [
    key,
    isSecretKey(key) && item !== null && item !== undefined ? REDACTED : redactSecretKeys(item),
  ]);
  return (redacted.some(([, item], index) => item !== entries[index][1]) ? Object.fromEntries(redacted) : value) as T;
}
