import { SOURCES } from '../../domain/types';
import type { Logger } from '../../logger';
import type { PartialFailurePolicy } from '../../schema/enums';
import type { SourceResult } from '../../schema/source-result.type';
import { VendorNotFoundError, isVendorError } from '../../sources/errors';
import type { Journal, OperationStep, StepAction as JournalAction } from '../../store';
import type { StepAction, WritePlan, WriteStep } from './types';

export interface FanOutOptions {
  journal: Journal;
  operationId: string;
  /** ROLLBACK undoes successful creates when another step failed; null never undoes. */
  policy: PartialFailurePolicy | null;
  /** Steps an earlier, interrupted run of this operation recorded. */
  previous: readonly OperationStep[];
  logger: Logger;
}

function journalAction(action: StepAction): JournalAction {
  return action === 'create' || action === 'delete' ? action : 'update';
}

type Outcome = { step: WriteStep; ok: true; externalId: string } | { step: WriteStep; ok: false; result: SourceResult };

/**
 * Runs every step of a plan concurrently, journaling each before and after its vendor call, then
 * undoes successful creates if the policy says so. Never throws as a whole: one result per vendor.
 * A step an interrupted run finished is not called again.
 */
export async function fanOut(plan: WritePlan, options: FanOutOptions): Promise<SourceResult[]> {
  const { journal, operationId } = options;
  const earlier = (step: WriteStep, action: JournalAction) =>
    options.previous.find((recorded) => recorded.source === step.source && recorded.action === action);

  const outcomes = await Promise.all(
    plan.steps.map(async (step): Promise<Outcome> => {
      const action = journalAction(step.action);
      const before = earlier(step, action);
      if (before?.state === 'SUCCEEDED' && before.externalId !== null) return { step, ok: true, externalId: before.externalId };
      await journal.stepStarted(operationId, step.source, action);
      try {
        const externalId = await step.run(before !== undefined);
        await journal.stepFinished(operationId, step.source, action, { state: 'SUCCEEDED', externalId });
        return { step, ok: true, externalId };
      } catch (error) {
        const failure = describe(error, options.logger);
        await journal.stepFinished(operationId, step.source, action, { state: 'FAILED', error: failure });
        return {
          step,
          ok: false,
          result: { source: step.source, status: 'FAILED', externalId: null, retryable: failure.retryable, error: { field: null, message: failure.message, code: failure.code, source: step.source } },
        };
      }
    }),
  );

  const failed = outcomes.some((outcome) => !outcome.ok);
  const results = await Promise.all(
    outcomes.map(async (outcome): Promise<SourceResult> => {
      if (!outcome.ok) return outcome.result;
      const { step, externalId } = outcome;
      const succeeded: SourceResult = { source: step.source, status: 'SUCCEEDED', externalId, error: null, retryable: false };
      if (!(failed && options.policy === 'ROLLBACK' && step.undo)) return succeeded;
      return undo(step, externalId, options, earlier(step, 'compensate'));
    }),
  );
  for (const skipped of plan.skipped) {
    results.push({ source: skipped.source, status: 'SKIPPED', externalId: null, retryable: false, error: { field: null, message: skipped.message, code: skipped.code, source: skipped.source } });
  }
  return results.sort((a, b) => SOURCES.indexOf(a.source) - SOURCES.indexOf(b.source));
}

/** Compensates one create; idempotent (a record already gone is undone), and reported when it fails. */
async function undo(step: WriteStep, externalId: string, options: FanOutOptions, before: OperationStep | undefined): Promise<SourceResult> {
  const rolledBack: SourceResult = { source: step.source, status: 'ROLLED_BACK', externalId, error: null, retryable: false };
  if (before?.state === 'COMPENSATED') return rolledBack;
  await options.journal.stepStarted(options.operationId, step.source, 'compensate');
  try {
    await step.undo!(externalId).catch((error: unknown) => {
      if (!(error instanceof VendorNotFoundError)) throw error;
    });
    await options.journal.stepFinished(options.operationId, step.source, 'compensate', { state: 'COMPENSATED', externalId });
    return rolledBack;
  } catch (error) {
    const failure = describe(error, options.logger);
    await options.journal.stepFinished(options.operationId, step.source, 'compensate', { state: 'FAILED', error: failure });
    return {
      source: step.source,
      status: 'SUCCEEDED',
      externalId,
      retryable: true,
      error: { field: null, code: 'ROLLBACK_FAILED', message: `The record was created but could not be rolled back: ${failure.message}`, source: step.source },
    };
  }
}

/** A vendor failure as results and the journal carry it; anything else is logged and masked. */
function describe(error: unknown, logger: Logger): { code: string; message: string; retryable: boolean } {
  if (isVendorError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
  logger.error({ err: error }, 'unexpected error in a vendor write');
  return { code: 'INTERNAL_ERROR', message: 'Internal error while writing to the vendor', retryable: true };
}
