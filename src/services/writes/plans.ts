/**
 * Which vendors a mutation writes and how, decided before the first vendor call by asking each
 * targeted adapter. Nothing here knows a particular vendor: the adapters say what they can do.
 */
import {
  inputProblem,
  type ChangePasswordCommand,
  type CreateUserCommand,
  type DeleteUserCommand,
  type Problem,
  type SetPermissionsCommand,
  type SourceOutcome,
  type UpdateUserCommand,
} from '../../domain/commands';
import type { Source } from '../../domain/types';
import type { LinkedRecord, StepPlan, VendorAdapter } from '../../vendors/kit/adapter';
import type { Adapters } from '../../vendors/registry';
import type { WritePlan } from './fan-out';

/** A plan, the input problems found on the way, and the reads still to check before writing. */
export interface CheckedPlan extends WritePlan {
  problems: Problem[];
  /** The adapters that will be written, for their pre-flight checks. */
  targets: VendorAdapter[];
}

/** The record of each linked vendor, by source. */
export type Links = Partial<Record<Source, LinkedRecord>>;

function skipped(source: Source, code: string, message: string): SourceOutcome {
  return {
    source,
    status: 'SKIPPED',
    externalId: null,
    retryable: false,
    error: { field: null, message, code, source },
  };
}

/**
 * Asks each targeted vendor's adapter for its step. `requested` (the caller's `sources`) wins over
 * `defaults`; a requested vendor that is not configured, or has no record where one is needed, is
 * reported SKIPPED with the reason.
 */
function planFor(
  adapters: Adapters,
  requested: readonly Source[] | undefined,
  defaults: readonly VendorAdapter[],
  plan: (adapter: VendorAdapter) => StepPlan | { kind: 'skip'; code: string; message: string },
): CheckedPlan {
  const result: CheckedPlan = { steps: [], skipped: [], problems: [], targets: [] };
  const sources = requested ? [...new Set(requested)] : defaults.map((adapter) => adapter.source);
  for (const source of sources) {
    const adapter = adapters.get(source);
    if (adapter === null) {
      result.skipped.push(skipped(source, 'VENDOR_NOT_CONFIGURED', `${source} is not configured`));
      continue;
    }
    const step = plan(adapter);
    if (step.kind === 'skip') {
      result.skipped.push(skipped(source, step.code, step.message));
      continue;
    }
    result.steps.push(step.step);
    result.problems.push(...step.problems);
    result.targets.push(adapter);
  }
  result.problems = dedupe(result.problems);
  return result;
}

/** A step on the user's record at this vendor, or a skip when the user has none there. */
function onRecord(links: Links, adapter: VendorAdapter, plan: (record: LinkedRecord) => StepPlan) {
  const record = links[adapter.source];
  return record
    ? plan(record)
    : ({ kind: 'skip', code: 'NO_RECORD', message: `The user has no ${adapter.displayName} record` } as const);
}

export function planCreate(command: CreateUserCommand, adapters: Adapters): CheckedPlan {
  const plan = planFor(adapters, command.sources, adapters.with('create'), (adapter) => adapter.planCreate(command));
  if (!command.email && !command.phone)
    plan.problems.unshift(inputProblem(['email'], 'Give an email address or a phone number'));
  if (plan.steps.length === 0 && plan.problems.length === 0)
    plan.problems.push(inputProblem(['sources'], 'No configured vendor is targeted'));
  return plan;
}

export function planUpdate(command: UpdateUserCommand, adapters: Adapters, links: Links): CheckedPlan {
  const given = Object.keys(command.changes);
  // By default every linked vendor that holds a given field: one that cannot change it says so.
  const holders = adapters
    .all()
    .filter((adapter) => links[adapter.source] && adapter.capabilities.holds.some((field) => given.includes(field)));
  const plan = planFor(adapters, command.sources, holders, (adapter) =>
    onRecord(links, adapter, (record) => adapter.planUpdate(command, record)),
  );
  if (given.length === 0) plan.problems.push(inputProblem([], 'Give at least one field to change'));
  else if (command.sources === undefined) {
    for (const field of given) {
      const writable = plan.targets.some((adapter) =>
        (adapter.capabilities.updates as readonly string[]).includes(field),
      );
      if (!writable)
        plan.problems.push(
          inputProblem([field], `None of this user's vendors can change ${field}`, null, 'NOT_SUPPORTED'),
        );
    }
  }
  return plan;
}

export function planChangePassword(command: ChangePasswordCommand, adapters: Adapters, links: Links): CheckedPlan {
  const linked = adapters.with('password').filter((adapter) => links[adapter.source]);
  return planFor(adapters, command.sources, linked, (adapter) =>
    onRecord(links, adapter, (record) => adapter.planChangePassword(command, record)),
  );
}

export function planSetPermissions(command: SetPermissionsCommand, adapters: Adapters, links: Links): CheckedPlan {
  const holders = adapters.with('permissions');
  return planFor(adapters, undefined, holders, (adapter) =>
    onRecord(links, adapter, (record) => adapter.planSetPermissions(command.permissions, record)),
  );
}

export function planDelete(command: DeleteUserCommand, adapters: Adapters, links: Links): CheckedPlan {
  const linked = adapters.all().filter((adapter) => links[adapter.source]);
  return planFor(adapters, command.sources, linked, (adapter) =>
    onRecord(links, adapter, (record) => adapter.planDelete(record)),
  );
}

/** The vendors' rules overlap (three want a password): say each problem once per field and vendor. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.field?.join('.')}|${problem.source}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
