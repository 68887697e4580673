import type { ChangePasswordCommand, PermissionsChange, Problem, UpdateUserCommand } from '../../domain/commands';
import type { Source } from '../../domain/types';
import type { AdapterCapabilities, Health, LinkedRecord, StepPlan, WriteStep } from './adapter';
import { describeVendorFailure, skip, transportHealth } from './adapter-support';
import type { VendorError } from '../transport/errors';
import type { VendorHttp } from '../transport/http';

/** What an adapter needs of its client here: its transport (for health) and a way to close it. */
export interface AdapterClient {
  readonly http: VendorHttp;
  close(): Promise<void>;
}

/**
 * What the four adapters would otherwise each write again: health and closing through the
 * client, a step on an existing record, the wording of a failure, and the plans of what a
 * vendor cannot do (no permissions, no passwords, no updates), derived from its capabilities.
 * An adapter overrides the plans its vendor does support.
 */
export abstract class AdapterBase<Client extends AdapterClient> {
  abstract readonly source: Source;
  abstract readonly displayName: string;
  abstract readonly capabilities: AdapterCapabilities;
  /** The input field a uniqueness conflict at this vendor is about, and how to say it. */
  protected abstract readonly conflict: { field: string[]; message: string };

  protected constructor(protected readonly client: Client) {}

  planUpdate(command: UpdateUserCommand, _record: LinkedRecord): StepPlan {
    const held = Object.keys(command.changes).filter((field) =>
      (this.capabilities.holds as readonly string[]).includes(field),
    );
    return held.length === 0
      ? skip('NOT_SUPPORTED', `${this.displayName} holds none of the given fields`)
      : skip(
          'NOT_SUPPORTED',
          `${this.displayName} cannot change ${held.join(', ')}: it has no update, so it keeps the old value`,
        );
  }

  planChangePassword(_command: ChangePasswordCommand, _record: LinkedRecord): StepPlan {
    return skip('NOT_SUPPORTED', `${this.displayName} keeps no passwords`);
  }

  planSetPermissions(_permissions: PermissionsChange, _record: LinkedRecord): StepPlan {
    return skip('NOT_SUPPORTED', `${this.displayName} has no permissions`);
  }

  describeFailure(error: VendorError, action: WriteStep['action']): Problem {
    return describeVendorFailure(this.source, this.displayName, error, action, this.conflict);
  }

  health(): Promise<Health> {
    return transportHealth(this.client.http);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A write on an existing record, which answers that record's id. */
  protected step(action: WriteStep['action'], record: LinkedRecord, call: () => Promise<unknown>): WriteStep {
    return { source: this.source, action, run: async () => (await call(), record.externalId) };
  }
}
