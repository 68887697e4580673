import type { PartialFailurePolicy, Problem, SourceOutcome } from '../../domain/commands';
import { SOURCES, type Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { currentRequest, runInRequest } from '../../platform/request-context';
import type { WriteStep } from '../../vendors/kit/adapter';
import { isVendorError, outcomeUnknown } from '../../vendors/transport/errors';
import type { Adapters } from '../../vendors/registry';
import type { Journal, OperationStep, StepAction as JournalAction } from '../../store';

/** Everything decided before the first vendor call. */
export interface WritePlan {
  steps: WriteStep[];
  /** Targeted vendors that will not be written, with the reason. */
  skipped: SourceOutcome[];
}

export interface FanOutOptions {
  adapters: Adapters;
  journal: Journal;
  operationId: string;
  /** ROLLBACK undoes successful creates when another step failed; null never undoes. */
  policy: PartialFailurePolicy | null;
  /** Steps an earlier, interrupted run of this operation recorded. */
  previous: readonly OperationStep[];
  logger: Logger;
}

function journalAction(action: WriteStep['action']): JournalAction {
  return action === 'create' || action === 'delete' ? action : 'update';
}

type Outcome =
  { step: WriteStep; ok: true; externalId: string } | { step: WriteStep; ok: false; result: SourceOutcome };

/**
 * Runs every step of a plan concurrently, journaling each before and after its vendor call, then
 * undoes successful creates if the policy says so. Never throws as a whole: one result per vendor.
 * A step an interrupted run finished is not called again. A create whose answer never came is
 * looked up before anything else happens: what it made is adopted (and undone with the rest on a
 * rollback), so a retry never meets an orphan of its own.
 */
export async function fanOut(plan: WritePlan, options: FanOutOptions): Promise<SourceOutcome[]> {
  const { journal, operationId } = options;
  const earlier = (step: WriteStep, action: JournalAction) =>
    options.previous.find((recorded) => recorded.source === step.source && recorded.action === action);

  const outcomes = await Promise.all(
    plan.steps.map(async (step): Promise<Outcome> => {
      const action = journalAction(step.action);
      const before = earlier(step, action);
      if (before?.state === 'SUCCEEDED' && before.externalId !== null)
        return { step, ok: true, externalId: before.externalId };
      await journal.stepStarted(operationId, step.source, action);
      try {
        const externalId = await runOrRecover(step, before !== undefined, options.logger);
        await journal.stepFinished(operationId, step.source, action, { state: 'SUCCEEDED', externalId });
        return { step, ok: true, externalId };
      } catch (error) {
        const failure = describe(error, step, options);
        await journal.stepFinished(operationId, step.source, action, {
          state: 'FAILED',
          error: { code: failure.problem.code, message: failure.problem.message, retryable: failure.retryable },
        });
        return {
          step,
          ok: false,
          result: {
            source: step.source,
            status: 'FAILED',
            externalId: null,
            retryable: failure.retryable,
            error: failure.problem,
          },
        };
      }
    }),
  );

  const failed = outcomes.some((outcome) => !outcome.ok);
  const results = await Promise.all(
    outcomes.map(async (outcome): Promise<SourceOutcome> => {
      if (!outcome.ok) return outcome.result;
      const { step, externalId } = outcome;
      const succeeded: SourceOutcome = {
        source: step.source,
        status: 'SUCCEEDED',
        externalId,
        error: null,
        retryable: false,
      };
      if (!(failed && options.policy === 'ROLLBACK' && step.undo)) return succeeded;
      return undo(step, externalId, options, earlier(step, 'compensate'));
    }),
  );
  results.push(...plan.skipped);
  return results.sort((a, b) => SOURCES.indexOf(a.source) - SOURCES.indexOf(b.source));
}

/** Runs a step; when a create's answer never came, looks for what it made before calling it failed. */
async function runOrRecover(step: WriteStep, resuming: boolean, logger: Logger): Promise<string> {
  try {
    return await step.run(resuming);
  } catch (error) {
    if (!(step.findCreated && outcomeUnknown(error))) throw error;
    let found: string | null;
    try {
      found = await outsideBudget(() => step.findCreated!());
    } catch (lookupError) {
      logger.warn(
        { source: step.source, err: lookupError },
        'a create that timed out could not be looked up; its record may exist',
      );
      throw error;
    }
    if (found === null) throw error;
    logger.info(
      { source: step.source, externalId: found },
      'a create that timed out had landed: its record is adopted',
    );
    return found;
  }
}

/** Compensates one create; idempotent (a record already gone is undone), and reported when it fails. */
async function undo(
  step: WriteStep,
  externalId: string,
  options: FanOutOptions,
  before: OperationStep | undefined,
): Promise<SourceOutcome> {
  const rolledBack: SourceOutcome = {
    source: step.source,
    status: 'ROLLED_BACK',
    externalId,
    error: null,
    retryable: false,
  };
  if (before?.state === 'COMPENSATED') return rolledBack;
  await options.journal.stepStarted(options.operationId, step.source, 'compensate');
  try {
    await outsideBudget(() => step.undo!(externalId));
    await options.journal.stepFinished(options.operationId, step.source, 'compensate', {
      state: 'COMPENSATED',
      externalId,
    });
    return rolledBack;
  } catch (error) {
    const failure = describe(error, step, options);
    await options.journal.stepFinished(options.operationId, step.source, 'compensate', {
      state: 'FAILED',
      error: { code: failure.problem.code, message: failure.problem.message, retryable: true },
    });
    return {
      source: step.source,
      status: 'SUCCEEDED',
      externalId,
      retryable: true,
      error: {
        field: null,
        code: 'ROLLBACK_FAILED',
        message: `The record was created but could not be rolled back: ${failure.problem.message}`,
        source: step.source,
      },
    };
  }
}

/**
 * Runs an undo, or the look-up of what a timed-out create made, free of the request's budgets (its
 * vendor calls and its time): a person left half-created at the vendors is worse than a few calls
 * or seconds over them, there is at most one of each per create, and each attempt is still bounded
 * by the vendor's own timeout.
 */
function outsideBudget<T>(call: () => Promise<T>): Promise<T> {
  const scope = currentRequest();
  return scope ? runInRequest({ ...scope, vendorCallsLeft: null, deadlineAt: null }, call) : call();
}

/** A failure as results and the journal carry it, in the adapter's words; anything else is logged and masked. */
function describe(error: unknown, step: WriteStep, options: FanOutOptions): { problem: Problem; retryable: boolean } {
  const source: Source = step.source;
  if (isVendorError(error)) {
    // The vendor's own words were logged, redacted, by its client; the caller and the journal get the adapter's.
    options.logger.warn(
      { source, action: step.action, code: error.code, status: error.status },
      'a vendor write failed',
    );
    const adapter = options.adapters.get(source);
    const problem = adapter
      ? adapter.describeFailure(error, step.action)
      : { field: null, message: error.message, code: error.code, source };
    return { problem, retryable: error.retryable };
  }
  options.logger.error({ err: error, source }, 'unexpected error in a vendor write');
  return {
    problem: { field: null, code: 'INTERNAL_ERROR', message: 'Internal error while writing to the vendor', source },
    retryable: true,
  };
}
