import type { Source } from '../../domain/types';
import type { SourceResult } from '../../schema/source-result.type';
import type { UserError } from '../../schema/user-error.type';

export type StepAction = 'create' | 'update' | 'password' | 'permissions' | 'delete';

/** One vendor write of a mutation: what to call, and how to undo it if it was a create. */
export interface WriteStep {
  source: Source;
  action: StepAction;
  /**
   * Performs the write and returns the vendor's id of the record. `resuming` is true when an
   * earlier attempt may already have done it (a crash mid-call): a conflict then means "done".
   */
  run(resuming: boolean): Promise<string>;
  /** Deletes what a successful create made (rollback); absent for other actions. */
  undo?(externalId: string): Promise<void>;
}

/** Everything decided before the first vendor call. */
export interface WritePlan {
  steps: WriteStep[];
  /** Targeted vendors that will not be written, with the reason. */
  skipped: { source: Source; code: string; message: string }[];
  /** Invalid input; when not empty, nothing is written. */
  problems: UserError[];
}

/** What a mutation answers, before the user is resolved; this is also what the journal records. */
export interface RecordedPayload {
  userId: string | null;
  results: SourceResult[];
  userErrors: UserError[];
}

export function inputProblem(field: string[], message: string, source: Source | null = null, code = 'INVALID_INPUT'): UserError {
  return { field: ['input', ...field], message, code, source };
}
