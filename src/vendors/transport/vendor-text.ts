/**
 * A vendor's own words (its failure text, its error code) made fit for the log. A vendor may echo
 * what it was sent, a password or its credentials included, so they are cut out before the words
 * leave the transport.
 */
import { redactCarried } from '../../platform/request-context';

/** How much of a vendor's failure text is kept (for the log): enough to read, not a whole page. */
const VENDOR_TEXT_LIMIT = 500;

const REDACTED = '[REDACTED]';

/** An email address inside free text; the log at warn and above never holds one. */
const EMAIL_IN_TEXT = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/g;

/** A body key whose value is a secret (`password`, `new_password`, `secret`, `token`). */
const SECRET_KEY = /password|secret|token/i;

/** The string values a request body holds under a secret key, at any depth. */
function secretsSent(value: unknown, secret = false, into: string[] = []): string[] {
  if (typeof value === 'string') {
    if (secret) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) secretsSent(item, secret, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) secretsSent(item, secret || SECRET_KEY.test(key), into);
  }
  return into;
}

/**
 * `text` with every value the current request carried (see redactCarried), every secret the vendor
 * was sent in the body `json` and the vendor's `credentials` (as they are, JSON-escaped or
 * URL-encoded) cut out, email addresses masked, and the rest cut to {@link VENDOR_TEXT_LIMIT}.
 */
export function redactVendorText(text: string, json: unknown, credentials: readonly (string | undefined)[]): string {
  let redacted = redactCarried(text);
  const secrets = [...secretsSent(json), ...credentials.filter((value): value is string => value !== undefined)];
  for (const value of secrets) {
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])) {
      if (form.length >= 4 && redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
    }
  }
  redacted = redacted.replace(EMAIL_IN_TEXT, '[email]');
  return redacted.length > VENDOR_TEXT_LIMIT ? `${redacted.slice(0, VENDOR_TEXT_LIMIT)}…` : redacted;
}
