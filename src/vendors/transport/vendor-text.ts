/**
 * A vendor's own words (its failure text, its error code) made fit for the log. A vendor may echo
 * what it was sent, a password or its credentials included, so they are cut out before the words
 * leave the transport, by the rules of src/platform/redaction.ts.
 */
import { maskEmails, redactCredentials, redactValues, secretValues } from '../../platform/redaction';
import { redactCarried } from '../../platform/request-context';

/** How much of a vendor's failure text is kept (for the log): enough to read, not a whole page. */
const VENDOR_TEXT_LIMIT = 500;

/**
 * `text` with every value the current request carried (see redactCarried), every secret the vendor
 * was sent in the body `json` and the vendor's `credentials` cut out, credentials written in the text
 * itself cut out, email addresses masked, and the rest cut to {@link VENDOR_TEXT_LIMIT}.
 */
export function redactVendorText(text: string, json: unknown, credentials: readonly (string | undefined)[]): string {
  const secrets = [...secretValues(json), ...credentials.filter((value): value is string => value !== undefined)];
  const redacted = maskEmails(redactCredentials(redactValues(redactCarried(text), secrets)));
  return redacted.length > VENDOR_TEXT_LIMIT ? `${redacted.slice(0, VENDOR_TEXT_LIMIT)}…` : redacted;
}
