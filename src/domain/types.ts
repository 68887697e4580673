/**
 * Vendor-neutral domain types. Vendor clients map vendor JSON into these with pure functions;
 * nothing outside `src/vendors/<vendor>/` ever sees a vendor's wire format.
 */

/**
 * The vendor systems the gateway federates: the one list of them, which the vendors' and the
 * simulators' registries are checked against. Values are the GraphQL enum `Source`'s values; the
 * order is the order of every per-vendor answer.
 */
export const SOURCES = ['RAINMAKER', 'ENGAGEMENT', 'GREENARROW', 'USER_MANAGEMENT'] as const;
export type Source = (typeof SOURCES)[number];

export type InjectionPermission = 'ALL' | 'SMTP_ONLY' | 'HTTP_ONLY' | 'NONE';
export type AccessLevel = 'FULL' | 'READ_ONLY' | 'STATS_ONLY' | 'NONE';

export interface MailClass {
  id: string;
  name: string;
}

/** GreenArrow's permissions for one user. */
export interface Permissions {
  injection: InjectionPermission;
  api: AccessLevel;
  ui: AccessLevel;
  disabled: boolean;
  mailClass: MailClass | null;
}

/**
 * A mail class reference on write: GreenArrow accepts either its id or its name.
 * `null` clears a forced mail class.
 */
export type MailClassRef = { id: string } | { name: string } | null;

export interface PermissionsInput {
  injection?: InjectionPermission;
  api?: AccessLevel;
  ui?: AccessLevel;
  disabled?: boolean;
  mailClass?: MailClassRef;
}

/** Engagement's channel subscriptions. `voice` is write-only at the vendor: reads return null. */
export interface Subscriptions {
  email: boolean;
  sms: boolean;
  voice: boolean | null;
}

/** One page of a vendor listing, with the opaque position of the next page (null at the end). */
export interface Page<T> {
  items: T[];
  total: number | null;
  next: string | null;
}

/** What a vendor said when it accepted a write that returns no record. */
export interface VendorAck {
  message: string;
}
