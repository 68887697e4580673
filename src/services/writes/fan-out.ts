import type { PartialFailurePolicy, Problem, SourceOutcome } from '../../domain/commands';
import { SOURCES, type Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { currentRequest, runInRequest } from '../../platform/request-context';
import type { WriteStep } from '../../vendors/kit/adapter';
import { VendorTimeoutError, isVendorError, outcomeUnknown } from '../../vendors/transport/errors';
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

/** What an earlier, interrupted run of the operation recorded of this step, if anything. */
function recorded(options: FanOutOptions, step: WriteStep, action: JournalAction): OperationStep | undefined {
  return options.previous.find((previous) => previous.source === step.source && previous.action === action);
}

/**
 * What one step came to. `uncertain`: the vendor may or may not have done it (no answer came, and
 * looking could not tell); the journal leaves the step STARTED for the gateway's recovery.
 */
type Outcome =
  | { step: WriteStep; ok: true; externalId: string }
  | { step: WriteStep; ok: false; result: SourceOutcome; uncertain?: boolean };

/** Every vendor's result, and the vendors whose write may or may not have landed (left for recovery). */
export interface FanOutResult {
  results: SourceOutcome[];
  uncertain: Source[];
}

/** A write whose answer never came and whose effect could not be looked up now: only a later look can tell. */
class OutcomeStillUnknown extends Error {
  constructor(readonly original: unknown) {
    super('the outcome of a vendor write is not known');
  }
}

/**
 * Runs every step of a plan concurrently, journaling each before and after its vendor call, then
 * undoes successful creates if the policy says so. Never throws as a whole: one result per vendor.
 * A step an interrupted run finished is not called again. A create whose answer never came is
 * looked up before anything else happens: what it made is adopted (and undone with the rest on a
 * rollback), so a retry never meets an orphan of its own. A write whose outcome stays unknown (a
 * create that could not be looked up, any other write or an undo that got no answer) is left
 * STARTED in the journal and named in `uncertain`: its operation is then the gateway's recovery's
 * to settle, once the vendor can be asked.
 */
export async function fanOut(plan: WritePlan, options: FanOutOptions): Promise<FanOutResult> {
  const outcomes = await Promise.all(
    plan.steps.map(async (step): Promise<Outcome> => {
      const before = recorded(options, step, journalAction(step.action));
      if (before?.state === 'SUCCEEDED' && before.externalId !== null)
        return { step, ok: true, externalId: before.externalId };
      return runStep(step, before !== undefined, options);
    }),
  );
  return finishFanOut(plan, outcomes, options);
}

/** One step sent, journaled before and after its vendor call. */
async function runStep(step: WriteStep, resuming: boolean, options: FanOutOptions): Promise<Outcome> {
  const { journal, operationId } = options;
  const action = journalAction(step.action);
  await journal.stepStarted(operationId, step.source, action);
  try {
    const externalId = await runOrRecover(step, resuming, options.logger);
    await journal.stepFinished(operationId, step.source, action, { state: 'SUCCEEDED', externalId });
    return { step, ok: true, externalId };
  } catch (error) {
    const unknown = error instanceof OutcomeStillUnknown;
    const failure = describe(unknown ? error.original : error, step, options);
    // Left STARTED when the vendor may have done it: the journal must not say it did not.
    if (!unknown)
      await journal.stepFinished(operationId, step.source, action, {
        state: 'FAILED',
        error: { code: failure.problem.code, message: failure.problem.message, retryable: failure.retryable },
      });
    return {
      step,
      ok: false,
      uncertain: unknown,
      result: {
        source: step.source,
        status: 'FAILED',
        externalId: null,
        retryable: failure.retryable,
        error: failure.problem,
      },
    };
  }
}

/**
 * The results of a plan's steps, with successful creates undone when another failed and the policy
 * says ROLLBACK, or when an earlier run of the operation had begun undoing them already.
 */
async function finishFanOut(plan: WritePlan, outcomes: Outcome[], options: FanOutOptions): Promise<FanOutResult> {
  const rollingBack = options.previous.some((step) => step.action === 'compensate');
  const failed = rollingBack || outcomes.some((outcome) => !outcome.ok);
  const uncertain = outcomes.filter((outcome) => !outcome.ok && outcome.uncertain).map(({ step }) => step.source);
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
      const undone = await undo(step, externalId, options, recorded(options, step, 'compensate'));
      if (undone.uncertain) uncertain.push(step.source);
      return undone.result;
    }),
  );
  results.push(...plan.skipped);
  return { results: results.sort((a, b) => SOURCES.indexOf(a.source) - SOURCES.indexOf(b.source)), uncertain };
}

/**
 * Settles the steps of an interrupted operation without its caller (the gateway's recovery),
 * journaling what it finds: a step known done stays done; a create that may or may not have landed
 * is looked up with the adapter's `findCreated` and adopted when found, never sent again (the
 * caller's password is not kept, so it could not be); one that cannot be looked up is removed by
 * its known id; an update, a permissions change or a delete that may have landed is sent again
 * (doing it twice does no more than once); a password change cannot be (its password is not kept)
 * and is reported with an unknown outcome; a step never sent is not sent now. Then, as `fanOut`,
 * successful creates are undone when another step failed and the policy says ROLLBACK. A vendor
 * that cannot be asked now rejects the whole settling: what it found so far is journaled, and the
 * next attempt starts from there.
 */
export async function settleFanOut(plan: WritePlan, options: FanOutOptions): Promise<FanOutResult> {
  const { journal, operationId } = options;
  const failedStep = async (step: WriteStep, action: JournalAction, problem: Problem, state: 'FAILED' | 'SKIPPED') => {
    await journal.stepFinished(operationId, step.source, action, {
      state,
      error: { code: problem.code, message: problem.message, retryable: true },
    });
    const result: SourceOutcome = {
      source: step.source,
      status: 'FAILED',
      externalId: null,
      retryable: true,
      error: problem,
    };
    return { step, ok: false, result } as const;
  };
  const name = (step: WriteStep) => options.adapters.get(step.source)?.displayName ?? step.source;
  const problem = (step: WriteStep, code: string, message: string): Problem => ({
    field: null,
    code,
    message,
    source: step.source,
  });

  const outcomes: Outcome[] = [];
  for (const step of plan.steps) {
    const action = journalAction(step.action);
    const before = recorded(options, step, action);
    if (before?.state === 'SUCCEEDED' && before.externalId !== null) {
      outcomes.push({ step, ok: true, externalId: before.externalId });
    } else if (before === undefined) {
      outcomes.push(
        await failedStep(
          step,
          action,
          problem(step, 'INTERRUPTED', `${name(step)} was not written: the gateway stopped before it sent the call`),
          'SKIPPED',
        ),
      );
    } else if (before.state !== 'STARTED') {
      const error = before.error ?? { code: 'INTERRUPTED', message: `${name(step)} was not written` };
      outcomes.push({
        step,
        ok: false,
        result: {
          source: step.source,
          status: 'FAILED',
          externalId: null,
          retryable: error.retryable ?? true,
          error: problem(step, error.code, error.message),
        },
      });
    } else if (step.action === 'create') {
      outcomes.push(await settleCreate(step, action));
    } else if (step.action === 'password') {
      outcomes.push(
        await failedStep(
          step,
          action,
          problem(
            step,
            'OUTCOME_UNKNOWN',
            `The gateway stopped before ${name(step)} answered: the password may or may not have changed there; change it again`,
          ),
          'FAILED',
        ),
      );
    } else {
      outcomes.push(await runStep(step, true, options));
    }
  }
  const settled = await finishFanOut(plan, outcomes, options);
  // Asked again, a vendor still gave no answer: what it did stays unknown, so the operation waits for the next attempt.
  if (settled.uncertain.length > 0)
    throw new Error(`recovery could not learn what ${settled.uncertain.join(', ')} did; it tries again later`);
  return settled;

  async function settleCreate(step: WriteStep, action: JournalAction): Promise<Outcome> {
    if (step.findCreated) {
      const found = await step.findCreated();
      if (found !== null) {
        await journal.stepFinished(operationId, step.source, action, { state: 'SUCCEEDED', externalId: found });
        options.logger.info(
          { source: step.source, operation: operationId },
          'recovery: an interrupted create had landed; its record is adopted',
        );
        return { step, ok: true, externalId: found };
      }
      return failedStep(
        step,
        action,
        problem(
          step,
          'INTERRUPTED',
          `${name(step)} was not written: the create never landed before the gateway stopped`,
        ),
        'FAILED',
      );
    }
    if (step.knownId === undefined || !step.undo)
      throw new TypeError(`recovery cannot settle a ${step.source} create: it can neither look it up nor remove it`);
    await step.undo(step.knownId);
    return failedStep(
      step,
      action,
      problem(
        step,
        'INTERRUPTED',
        `${name(step)} was not kept: the gateway stopped before it answered, and whether it landed cannot be asked without the password, which the gateway never keeps; its record, if any, was removed`,
      ),
      'FAILED',
    );
  }
}

/**
 * Runs a step; when a create's answer never came, looks for what it made before calling it failed.
 * A write whose answer never came and that cannot be looked up (a create whose look-up failed too,
 * any other write) throws OutcomeStillUnknown, and so does a create that timed out and was not
 * found: the vendor may still be working on it (the gateway stopped waiting, not the vendor), and
 * it may land after the look.
 */
async function runOrRecover(step: WriteStep, resuming: boolean, logger: Logger): Promise<string> {
  try {
    return await step.run(resuming);
  } catch (error) {
    if (!outcomeUnknown(error)) throw error;
    if (!step.findCreated) throw new OutcomeStillUnknown(error);
    let found: string | null;
    try {
      found = await outsideBudget(() => step.findCreated!());
    } catch (lookupError) {
      logger.warn(
        { source: step.source, err: lookupError },
        "a create that timed out could not be looked up; the gateway's recovery looks again later",
      );
      throw new OutcomeStillUnknown(error);
    }
    if (found === null) {
      // A create that timed out may still be running at the vendor and land after this look: only a later look can tell.
      if (error instanceof VendorTimeoutError) throw new OutcomeStillUnknown(error);
      throw error;
    }
    logger.info(
      { source: step.source, externalId: found },
      'a create that timed out had landed: its record is adopted',
    );
    return found;
  }
}

/**
 * Compensates one create; idempotent (a record already gone is undone), and reported when it fails.
 * An undo that got no answer stays STARTED in the journal and is `uncertain`: recovery sends it again.
 */
async function undo(
  step: WriteStep,
  externalId: string,
  options: FanOutOptions,
  before: OperationStep | undefined,
): Promise<{ result: SourceOutcome; uncertain: boolean }> {
  const rolledBack: SourceOutcome = {
    source: step.source,
    status: 'ROLLED_BACK',
    externalId,
    error: null,
    retryable: false,
  };
  if (before?.state === 'COMPENSATED') return { result: rolledBack, uncertain: false };
  await options.journal.stepStarted(options.operationId, step.source, 'compensate');
  try {
    await outsideBudget(() => step.undo!(externalId));
    await options.journal.stepFinished(options.operationId, step.source, 'compensate', {
      state: 'COMPENSATED',
      externalId,
    });
    return { result: rolledBack, uncertain: false };
  } catch (error) {
    const failure = describe(error, step, options);
    const uncertain = outcomeUnknown(error);
    if (!uncertain)
      await options.journal.stepFinished(options.operationId, step.source, 'compensate', {
        state: 'FAILED',
        error: { code: failure.problem.code, message: failure.problem.message, retryable: true },
      });
    return {
      uncertain,
      result: {
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
