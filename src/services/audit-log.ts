/**
 * The audit trail an operator reads (the `operations` query): recent mutations, newest first, each with who
 * asked, from where, the fields it changed, what each vendor did and how it ended. Read from the
 * journal, which never held a secret's value, so nothing here can show one.
 */
import type { Problem, RecordedOutcome, SourceOutcome } from '../domain/commands';
import type { Source } from '../domain/types';
import type {
  Journal,
  Operation,
  OperationActor,
  OperationFilter,
  OperationState,
  OperationStep,
  Settler,
  StepAction,
  StepState,
} from '../store';

/** One vendor call of an operation, as the journal recorded it. */
export interface AuditStep {
  source: Source;
  action: StepAction;
  /** STARTED means the call was sent and no answer was recorded: it may or may not have landed. */
  state: StepState;
  externalId: string | null;
  errorCode: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** One mutation in the audit trail. */
export interface AuditEntry {
  id: string;
  mutation: string;
  state: OperationState;
  /** Who ended it: its request (or a replay), or the gateway's recovery; null while it is not ended. */
  settledBy: Settler | null;
  idempotencyKey: string | null;
  userId: string | null;
  actor: OperationActor | null;
  clientAddress: string | null;
  requestId: string | null;
  fieldsChanged: string[];
  /** What the caller was answered per vendor; null while it runs or after it was interrupted. */
  results: SourceOutcome[] | null;
  /** The problems it was answered with; null while it runs or after it was interrupted. */
  userErrors: Problem[] | null;
  steps: AuditStep[];
  createdAt: Date;
  updatedAt: Date;
}

export interface AuditPageRequest {
  first: number;
  /** The id of the last operation of the previous page. */
  after?: string;
  filter: OperationFilter;
}

export interface AuditPage {
  entries: AuditEntry[];
  hasNextPage: boolean;
  totalCount: number;
}

/** The journal as an operator reads it: a page of recent operations with their steps, in two queries and a count. */
export class AuditLog {
  constructor(private readonly journal: Journal) {}

  async page(request: AuditPageRequest): Promise<AuditPage> {
    const [page, totalCount] = await Promise.all([
      request.first === 0
        ? { operations: [], hasNextPage: false }
        : this.journal.page({ ...request.filter, first: request.first, before: request.after }),
      this.journal.count(request.filter),
    ]);
    const steps = await this.journal.stepsOf(page.operations.map((operation) => operation.id));
    return {
      entries: page.operations.map((operation) => entryOf(operation, steps.get(operation.id) ?? [])),
      hasNextPage: page.hasNextPage,
      totalCount,
    };
  }
}

function entryOf(operation: Operation, steps: OperationStep[]): AuditEntry {
  const payload = operation.payload as RecordedOutcome | null;
  return {
    id: operation.id,
    mutation: operation.mutation,
    state: operation.state,
    settledBy: operation.settledBy,
    idempotencyKey: operation.idempotencyKey,
    userId: operation.userId,
    actor: operation.actor,
    clientAddress: operation.clientAddress,
    requestId: operation.requestId,
    fieldsChanged: operation.fieldsChanged,
    results: payload?.results ?? null,
    userErrors: payload?.userErrors ?? null,
    steps: steps.map((step) => ({
      source: step.source,
      action: step.action,
      state: step.state,
      externalId: step.externalId,
      errorCode: step.error?.code ?? null,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
    })),
    createdAt: operation.createdAt,
    updatedAt: operation.updatedAt,
  };
}
