/**
 * The vendor's verdict on the gateway's own credentials. A 401 or 403 answer means the vendor
 * refuses them (they were rotated at the vendor, or never right): a configuration fault, not a
 * failure of one request. From then on every call is refused without being sent, like an open
 * breaker, for `holdMs`; then one call goes through as a trial. An answer that is not a 401 or 403
 * (nor a 5xx or 429, which say nothing about credentials) means they are accepted again, and calls
 * flow; a trial refused again, or one without an answer, starts another hold. The rejection is
 * logged once at error, the acceptance once at info, and both are told to the observer (metrics,
 * readiness), so restoring the credentials at either end recovers without a restart.
 */
import type { Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { VendorUnauthorizedError } from './errors';
import type { VendorObserver } from './observer';

export class VendorCredentials {
  /** When the vendor last refused the credentials (Date.now()); null while they are accepted. */
  private rejectedAt: number | null = null;
  /** The status that refused them, for the messages. */
  private rejectedWith = 0;
  /** Whether a trial call is out now. */
  private trial = false;

  constructor(
    private readonly source: Source,
    private readonly holdMs: number,
    private readonly logger: Logger,
    private readonly observer: VendorObserver,
  ) {}

  /** Whether the vendor refuses the gateway's credentials now, as `sources` and readiness show it. */
  get rejected(): boolean {
    return this.rejectedAt !== null;
  }

  /**
   * Refuses a call while the credentials are refused: during the hold, and while a trial is out.
   * After the hold, lets this call through as the trial and answers true: the caller then ends it
   * with {@link trialEnded}, whatever happens to it.
   */
  admit(route: string): boolean {
    if (this.rejectedAt === null) return false;
    if (this.trial || Date.now() - this.rejectedAt < this.holdMs) throw this.refusal(route);
    this.trial = true;
    return true;
  }

  /** Refuses a call, other than the trial, while the credentials are refused (one admitted before that, and waiting since). */
  refuseIfRejected(route: string): void {
    if (this.rejectedAt !== null) throw this.refusal(route);
  }

  /** Judges an answer: a 401 or 403 refuses the credentials; any other answer below 500 but 429 accepts them. */
  answered(status: number, route: string): void {
    if (status === 401 || status === 403) {
      const first = this.rejectedAt === null;
      this.rejectedAt = Date.now();
      this.rejectedWith = status;
      if (!first) return;
      this.logger.error(
        { source: this.source, route, status, holdMs: this.holdMs },
        "the vendor refused the gateway's credentials: calls to it stop until a trial call is accepted; check this vendor's credentials settings",
      );
      this.observer.credentialsChanged({ source: this.source, rejected: true });
      return;
    }
    if (this.rejectedAt === null || status >= 500 || status === 429) return;
    this.rejectedAt = null;
    this.trial = false;
    this.logger.info({ source: this.source, route, status }, "the vendor accepts the gateway's credentials again");
    this.observer.credentialsChanged({ source: this.source, rejected: false });
  }

  private refusal(route: string): VendorUnauthorizedError {
    return new VendorUnauthorizedError(
      this.source,
      `${route} was not sent: the vendor refused the gateway's credentials (HTTP ${this.rejectedWith}); calls resume once a trial call is accepted`,
      { unsent: 'credentials-rejected' },
    );
  }

  /** Ends a trial: when it did not get the credentials accepted, another hold begins. */
  trialEnded(): void {
    this.trial = false;
    if (this.rejectedAt !== null) this.rejectedAt = Date.now();
  }
}
