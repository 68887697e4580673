/**
 * What the four adapters share: turning a vendor's field problems and failures into what a caller
 * reads, and the small constructors of step plans. Nothing here knows a particular vendor.
 */
import { inputProblem, type Problem } from '../../domain/commands';
import type { Source } from '../../domain/types';
import type { Health, StepPlan, WriteStep } from './adapter';
import {
  VendorBadResponseError,
  VendorConflictError,
  VendorNotFoundError,
  VendorTimeoutError,
  VendorUnavailableError,
  isVendorError,
  type VendorError,
} from '../transport/errors';
import type { VendorHttp } from '../transport/http';

/** A problem in a vendor's own validation, named by the domain path of the field (dots between parts). */
export interface DomainFieldProblem {
  field: string;
  message: string;
}

/** A vendor's validation problems as input problems of the command, prefixed with the vendor's name. */
export function inputProblems(source: Source, vendor: string, problems: readonly DomainFieldProblem[]): Problem[] {
  return problems.map((problem) => inputProblem(problem.field.split('.'), `${vendor}: ${problem.message}`, source));
}

export function write(step: WriteStep, problems: Problem[] = []): StepPlan {
  return { kind: 'write', step, problems };
}

export function skip(code: Extract<StepPlan, { kind: 'skip' }>['code'], message: string): StepPlan {
  return { kind: 'skip', code, message };
}

const ACTION_WORDS: Record<WriteStep['action'], string> = {
  create: 'create the user',
  update: 'update the user',
  password: 'change the password',
  permissions: 'change the permissions',
  delete: 'delete the user',
};

/**
 * The failure of a write as a caller reads it, in the gateway's words: vendor text may echo what
 * was sent (a password included), so it never reaches the caller; the log has it. `conflictField`
 * names the input field a uniqueness conflict is about, when the vendor has one such key.
 */
export function describeVendorFailure(
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

/**
 * Whether a write failed in a way that leaves its outcome unknown: the request may have landed.
 * Never when the transport knows it was not sent (`unsent`: refused, or no connection made). An
 * answer the gateway cannot read (not JSON, too large, not the contract's shape) came after the
 * vendor did whatever it did, so it too leaves the outcome unknown.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (isVendorError(error) && error.unsent !== undefined) return false;
  if (error instanceof VendorTimeoutError || error instanceof VendorBadResponseError) return true;
  // No status means the connection failed; a 5xx status is an answer, and the vendor says it failed.
  return error instanceof VendorUnavailableError && error.status === undefined;
}

/** A record the vendor no longer has is gone already: for a delete or an undo, the goal holds. */
export async function ignoringNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof VendorNotFoundError)) throw error;
  }
}

/** Health from a transport's probe (which sends nothing while the breaker is open), what it has seen, and its breaker. */
export async function transportHealth(http: VendorHttp): Promise<Health> {
  const reachable = await http.probe();
  const { lastLatencyMs, lastError, lastSuccessAt } = http.health;
  return { reachable, latencyMs: lastLatencyMs, lastError, lastSuccessAt, circuit: http.circuit };
}

/** Emails compare ignoring case and surrounding space, as every vendor here treats them. */
export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * One read per id, at most `concurrency` in flight, results in key order (an Error where a read
 * failed). A batch of a hundred single reads sent at once would fill the vendor's queue and turn
 * its own tail into VENDOR_BUSY; this way it takes its turns like everyone else.
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
