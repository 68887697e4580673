/**
 * What a vendor's adapter is built from, beside the interface it implements (adapter.ts): the base
 * class with the defaults every adapter would otherwise write again, and the helpers its plans and
 * steps use. Nothing here knows a particular vendor.
 */
import {
  inputProblem,
  type ChangePasswordCommand,
  type PermissionsChange,
  type Problem,
  type UpdateUserCommand,
} from '../../domain/commands';
import type { Source } from '../../domain/types';
import type { AdapterCapabilities, Health, LinkedRecord, StepPlan, WriteStep } from './adapter';
import { VendorConflictError, VendorNotFoundError, type VendorError } from '../transport/errors';
import type { VendorHttp } from '../transport/http';

/** What an adapter needs of its client here: its transport (for health) and a way to close it. */
export interface AdapterClient {
  readonly http: VendorHttp;
  close(): Promise<void>;
}

/**
 * What every adapter would otherwise write again: health and closing through the
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

  /** Health from the transport's probe (which sends nothing while the breaker is open), what it has seen, and its breaker. */
  async health(): Promise<Health> {
    const { http } = this.client;
    const reachable = await http.probe();
    const { lastLatencyMs, lastError, lastSuccessAt } = http.health;
    return {
      reachable,
      latencyMs: lastLatencyMs,
      lastError,
      lastSuccessAt,
      circuit: http.circuit,
      authRejected: http.credentialsRejected,
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A write on an existing record, which answers that record's id. */
  protected step(action: WriteStep['action'], record: LinkedRecord, call: () => Promise<unknown>): WriteStep {
    return { source: this.source, action, run: async () => (await call(), record.externalId) };
  }
}

/** The plan of a write: the step, and the problems the command has at this vendor. */
export function write(step: WriteStep, problems: Problem[] = []): StepPlan {
  return { kind: 'write', step, problems };
}

/** The plan of a command this vendor does not take part in, with the reason. */
export function skip(code: Extract<StepPlan, { kind: 'skip' }>['code'], message: string): StepPlan {
  return { kind: 'skip', code, message };
}

/** A problem in a vendor's own validation, named by the domain path of the field (dots between parts). */
export interface DomainFieldProblem {
  field: string;
  message: string;
}

/** A vendor's validation problems as input problems of the command, prefixed with the vendor's name. */
export function inputProblems(source: Source, vendor: string, problems: readonly DomainFieldProblem[]): Problem[] {
  return problems.map((problem) => inputProblem(problem.field.split('.'), `${vendor}: ${problem.message}`, source));
}

/** A record the vendor no longer has is gone already: for a delete or an undo, the goal holds. */
export async function ignoringNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof VendorNotFoundError)) throw error;
  }
}

/** Emails compare ignoring case and surrounding space, as every vendor here treats them. */
export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * One read per id, at most `concurrency` in flight (the vendor's connections: a batch never fills
 * the vendor's queue by itself), results in key order (an Error where a read failed). The transport
 * makes the reads of concurrent requests take turns (see VendorBulkhead), so a page of single reads
 * neither takes every connection from the other requests nor waits behind all of theirs.
 */
export async function readEach<T>(
  ids: readonly string[],
  concurrency: number,
  read: (id: string) => Promise<T>,
): Promise<(T | Error)[]> {
  const results = new Array<T | Error>(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      results[index] = await read(ids[index]).catch((error: Error) => error);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, ids.length)) }, worker));
  return results;
}

/** What each write was to do, in the words of a failure's message. */
const ACTION_WORDS: Record<WriteStep['action'], string> = {
  create: 'create the user',
  update: 'update the user',
  password: 'change the password',
  permissions: 'change the permissions',
  delete: 'delete the user',
};

/**
 * The failure of a write as a caller reads it, in the gateway's words: vendor text may echo what
 * was sent (a password included), so it never reaches the caller; the log has it. `conflict`
 * names the input field a uniqueness conflict is about, when the vendor has one such key.
 */
function describeVendorFailure(
  source: Source,
  vendor: string,
  error: VendorError,
  action: WriteStep['action'],
  conflict?: { field: string[]; message: string },
): Problem {
  const doing = ACTION_WORDS[action];
  if (error instanceof VendorConflictError && conflict) {
    return { field: ['input', ...conflict.field], message: `${vendor}: ${conflict.message}`, code: error.code, source };
  }
  let message: string;
  switch (error.code) {
    case 'VENDOR_TIMEOUT':
      message =
        error.unsent === undefined
          ? `${vendor} did not answer in time, so it is not known whether it could ${doing}`
          : `${vendor} was not asked to ${doing}: this request ran out of time first`;
      break;
    case 'VENDOR_UNAVAILABLE':
      message = `${vendor} could not be reached or failed, so it could not ${doing}; try again later`;
      break;
    case 'VENDOR_NOT_FOUND':
      message = `${vendor} no longer has this user's record`;
      break;
    case 'VENDOR_CONFLICT':
      message = `${vendor} already has such a user, so it could not ${doing}`;
      break;
    case 'VENDOR_REJECTED':
      message = `${vendor} refused to ${doing}: the input does not meet its rules`;
      break;
    case 'VENDOR_UNAUTHORIZED':
      message = `${vendor} refused the gateway's credentials; an operator must check them`;
      break;
    case 'VENDOR_BAD_RESPONSE':
      message = `${vendor} answered something the gateway cannot read, so it is not known whether it could ${doing}`;
      break;
    case 'VENDOR_NOT_CONFIGURED':
      message = `${vendor} is not configured`;
      break;
    case 'VENDOR_CALL_BUDGET_EXCEEDED':
      message = `${vendor} was not asked to ${doing}: this request has used all the vendor calls it may make`;
      break;
    case 'VENDOR_BUSY':
      message = `${vendor} was not asked to ${doing}: the gateway's connections to it are all busy; try again shortly`;
      break;
  }
  return { field: null, message, code: error.code, source };
}
