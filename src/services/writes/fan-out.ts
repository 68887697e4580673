import type { PartialFailurePolicy, Problem, SourceOutcome } from '../../domain/commands';
import { SOURCES, type Source } from '../../domain/types';
import type { Logger } from '../../platform/logger';
import { currentRequest, runInRequest } from '../../platform/request-context';
import type { WriteStep } from '../../vendors/kit/adapter';
import { VendorTimeoutError, isVendorError, outcomeUnknown } from '../../vendors/transport/errors';
import type { Adapters } from '../../vendors/registry';
import type { Journal, OperationStep, StepAction as JournalAction, StepFinish } from '../../store';

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

/**
 * How long a step's end may wait for the ends of the operation's other steps, to be journaled with
 * them in one commit: what a crash can leave unwritten (STARTED, looked up by recovery) at most.
 */
export const STEP_END_GROUPING_MS = 25;

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

/**
 * Every vendor's result, the vendors whose write may or may not have landed (left for recovery),
 * and the steps' ends not yet in the journal: when every step succeeded, `fanOut` leaves the last
 * ones to come for the caller to write with the operation's outcome, in one commit (a crash before
 * it leaves them STARTED, which recovery looks up, as for any call whose answer it never saw).
 */
export interface FanOutResult {
  results: SourceOutcome[];
  uncertain: Source[];
  unrecorded: StepFinish[];
}

/** A write whose answer never came and whose effect could not be looked up now: only a later look can tell. */
class OutcomeStillUnknown extends Error {
  constructor(readonly original: unknown) {
    super('the outcome of a vendor write is not known');
  }
}

/**
 * Runs every step of a plan concurrently, journaling them all before their vendor calls (one
 * commit) and each end within STEP_END_GROUPING_MS of its coming (grouped with those that come
 * meanwhile; the last ones left to the caller when all succeeded: see `unrecorded`), then undoes
 * successful creates if the policy says so. Never throws as a whole: one result per vendor.
 * A step an interrupted run finished is not called again. A create whose answer never came is
 * looked up before anything else happens: what it made is adopted (and undone with the rest on a
 * rollback), so a retry never meets an orphan of its own. A write whose outcome stays unknown (a
 * create that could not be looked up, any other write or an undo that got no answer) is left
 * STARTED in the journal and named in `uncertain`: its operation is then the gateway's recovery's
 * to settle, once the vendor can be asked.
 */
export async function fanOut(plan: WritePlan, options: FanOutOptions): Promise<FanOutResult> {
  const { journal, operationId } = options;
  const done = new Map<WriteStep, string>();
  for (const step of plan.steps) {
    const before = recorded(options, step, journalAction(step.action));
    if (before?.state === 'SUCCEEDED' && before.externalId !== null) done.set(step, before.externalId);
  }
  const toRun = plan.steps.filter((step) => !done.has(step));
  // Every call's intent is durable before any call is sent.
  await journal.stepsStarted(
    operationId,
    toRun.map((step) => ({ source: step.source, action: journalAction(step.action) })),
  );
  // Each step's end is journaled within STEP_END_GROUPING_MS of its coming, with the others that
  // came meanwhile, so a crash while a slower vendor is still answering loses none of them for
  // longer than that; ends still waiting when the last one comes are left, with it, to the
  // caller's commit of the outcome.
  let outstanding = toRun.length;
  const pending: StepFinish[] = [];
  const last: StepFinish[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = false;
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    try {
      while (pending.length > 0) await journal.stepsFinished(operationId, pending.splice(0));
    } finally {
      flushing = false;
    }
  };
  const ended = (finish: StepFinish | null) => {
    outstanding -= 1;
    if (outstanding === 0) clearTimeout(timer);
    if (finish === null) return;
    if (outstanding === 0) {
      last.push(finish);
      return;
    }
    pending.push(finish);
    if (timer !== undefined || flushing) return;
    timer = setTimeout(() => {
      timer = undefined;
      flushing = true;
      writing = flush();
      // Awaited below, once every call has ended; until then its failure must not count as unhandled.
      writing.catch(() => undefined);
    }, STEP_END_GROUPING_MS);
  };
  const outcomes = await Promise.all(
    plan.steps.map(async (step): Promise<Outcome> => {
      const externalId = done.get(step);
      if (externalId !== undefined) return { step, ok: true, externalId };
      const { outcome, finish } = await callStep(
        step,
        recorded(options, step, journalAction(step.action)) !== undefined,
        options,
      );
      ended(finish);
      return outcome;
    }),
  );
  clearTimeout(timer);
  await writing;
  const unwritten = [...pending.splice(0), ...last];
  // Anything but a clean success (an undo, an outcome left for recovery) journals the ends first.
  if (outcomes.some((outcome) => !outcome.ok)) {
    await journal.stepsFinished(operationId, unwritten);
    return { ...(await finishFanOut(plan, outcomes, options)), unrecorded: [] };
  }
  return { ...(await finishFanOut(plan, outcomes, options)), unrecorded: unwritten };
}

/** One step sent, journaled before and after its vendor call. */
async function runStep(step: WriteStep, resuming: boolean, options: FanOutOptions): Promise<Outcome> {
  const { journal, operationId } = options;
  await journal.stepStarted(operationId, step.source, journalAction(step.action));
  const { outcome, finish } = await callStep(step, resuming, options);
  if (finish !== null) await journal.stepFinished(operationId, finish.source, finish.action, finish.outcome);
  return outcome;
}

/**
 * One step's vendor call, its journal entry already made, and how it ended for the journal (null:
 * left STARTED, the vendor may have done it and the journal must not say it did not).
 */
async function callStep(
  step: WriteStep,
  resuming: boolean,
  options: FanOutOptions,
): Promise<{ outcome: Outcome; finish: StepFinish | null }> {
  const { source } = step;
  const action = journalAction(step.action);
  try {
    const externalId = await runOrRecover(step, resuming, options.logger);
    return {
      outcome: { step, ok: true, externalId },
      finish: { source, action, outcome: { state: 'SUCCEEDED', externalId } },
    };
  } catch (error) {
    const unknown = error instanceof OutcomeStillUnknown;
    const failure = describe(unknown ? error.original : error, step, options);
    const outcome: Outcome = {
      step,
      ok: false,
      uncertain: unknown,
      result: {
        source,
        status: 'FAILED',
        externalId: null,
        retryable: failure.retryable,
        error: failure.problem,
      },
    };
    if (unknown) return { outcome, finish: null };
    const { code, message } = failure.problem;
    return {
      outcome,
      finish: { source, action, outcome: { state: 'FAILED', error: { code, message, retryable: failure.retryable } } },
    };
  }
}

/**
 * The results of a plan's steps, with successful creates undone when another failed and the policy
 * says ROLLBACK, or when an earlier run of the operation had begun undoing them already.
 */
async function finishFanOut(
  plan: WritePlan,
  outcomes: Outcome[],
  options: FanOutOptions,
): Promise<Omit<FanOutResult, 'unrecorded'>> {
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
  return { ...settled, unrecorded: [] };

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
