import type { GreenArrowCreateInput, MailClassRef, PermissionsInput as DomainPermissionsInput, Source } from '../../domain/types';
import { SOURCES } from '../../domain/types';
import type { CreateUserInput, MailClassInput, PermissionsInput, UpdateUserInput } from '../../schema/mutation-inputs';
import type { UserError } from '../../schema/user-error.type';
import type { Sources } from '../../sources';
import { createInputProblems as engagementProblems } from '../../sources/engagement/mapper';
import { VendorConflictError, VendorNotFoundError } from '../../sources/errors';
import { createInputProblems as greenArrowCreateProblems, updateInputProblems as greenArrowUpdateProblems } from '../../sources/greenarrow/mapper';
import { localeProblem, normalizeUserName, passwordProblem, userNameProblem } from '../../sources/rainmaker/contract';
import { createInputProblems as managedCreateProblems, updateInputProblems as managedUpdateProblems } from '../../sources/user-management/mapper';
import { normalizeEmail, type Identity } from '../../store';
import { inputProblem, type StepAction, type WritePlan, type WriteStep } from './types';

/** A vendor's problems, in its own domain field names, as input paths of this mutation. */
function asInputProblems(source: Source, problems: { field: string; message: string }[], rename: Record<string, string> = {}): UserError[] {
  return problems.map((problem) => inputProblem((rename[problem.field] ?? problem.field).split('.'), problem.message, source));
}

/** Sorts the targeted vendors into those to write and those skipped, keeping the caller's order. */
function target(
  requested: readonly Source[] | null | undefined,
  defaults: readonly Source[],
  sources: Sources,
  canDo: (source: Source) => string | null,
): { targets: Source[]; skipped: WritePlan['skipped'] } {
  const skipped: WritePlan['skipped'] = [];
  const targets: Source[] = [];
  for (const source of requested ? [...new Set(requested)] : defaults) {
    const reason = sources[source] === null ? `${source} is not configured` : canDo(source);
    if (reason === null) targets.push(source);
    else skipped.push({ source, code: sources[source] === null ? 'VENDOR_NOT_CONFIGURED' : 'NOT_SUPPORTED', message: reason });
  }
  return { targets, skipped };
}

function mailClassRef(input: MailClassInput | null | undefined): MailClassRef | undefined {
  if (input === undefined) return undefined;
  if (input === null) return null;
  if (input.id != null) return { id: input.id };
  if (input.name != null) return { name: input.name };
  return undefined;
}

function permissionsInput(input: PermissionsInput): DomainPermissionsInput {
  const permissions: DomainPermissionsInput = {};
  if (input.injection != null) permissions.injection = input.injection;
  if (input.api != null) permissions.api = input.api;
  if (input.ui != null) permissions.ui = input.ui;
  if (input.disabled != null) permissions.disabled = input.disabled;
  const mailClass = mailClassRef(input.mailClass);
  if (mailClass !== undefined) permissions.mailClass = mailClass;
  return permissions;
}

/**
 * A conflict on a resumed create may mean the interrupted attempt got through: `existing` finds
 * the record and returns its id only when it is this person's (same email, and same username where
 * the vendor has one); a record of someone else keeps the conflict a failure.
 */
async function createdOrExisting(resuming: boolean, create: () => Promise<string>, existing: (error: VendorConflictError) => Promise<string | undefined> | string | undefined): Promise<string> {
  try {
    return await create();
  } catch (error) {
    if (resuming && error instanceof VendorConflictError) {
      const id = await existing(error);
      if (id !== undefined) return id;
    }
    throw error;
  }
}

export function planCreate(input: CreateUserInput, sources: Sources): WritePlan {
  const { targets, skipped } = target(input.sources, SOURCES.filter((source) => sources[source] !== null), sources, () => null);
  const problems: UserError[] = [];
  const email = input.email?.trim() || undefined;
  const phone = input.phone?.trim() || undefined;
  if (email === undefined && phone === undefined) problems.push(inputProblem(['email'], 'Give an email address or a phone number'));
  if (targets.length === 0) problems.push(inputProblem(['sources'], 'No configured vendor is targeted'));
  const password = input.password ?? undefined;
  const steps: WriteStep[] = [];

  for (const source of targets) {
    if (source === 'RAINMAKER') {
      const client = sources.RAINMAKER!;
      const userName = email ?? phone;
      if (userName !== undefined) {
        const nameProblem = userNameProblem(userName);
        if (nameProblem) problems.push(inputProblem([email ? 'email' : 'phone'], nameProblem, source));
      }
      const passwordIssue = passwordProblem(password);
      if (passwordIssue) problems.push(inputProblem(['password'], passwordIssue, source));
      const localeIssue = localeProblem(input.locale ?? undefined);
      if (localeIssue) problems.push(inputProblem(['locale'], localeIssue, source));
      if (userName === undefined) continue;
      const externalId = normalizeUserName(userName);
      steps.push({
        source,
        action: 'create',
        run: (resuming) =>
          createdOrExisting(resuming, async () => {
            await client.createUser({ userName, password: password!, locale: input.locale ?? undefined });
            return externalId;
          }, () => externalId),
        undo: async (id) => void (await client.deleteUser(id)),
      });
    } else if (source === 'ENGAGEMENT') {
      const client = sources.ENGAGEMENT!;
      const member = {
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        country: input.country ?? '',
        email: email ?? '',
        state: input.state ?? undefined,
        phone,
        subscriptions: {
          email: input.subscriptions?.email ?? false,
          sms: input.subscriptions?.sms ?? false,
          voice: input.subscriptions?.voice ?? false,
        },
      };
      problems.push(...asInputProblems(source, engagementProblems(member)));
      steps.push({
        source,
        action: 'create',
        run: (resuming) =>
          createdOrExisting(resuming, async () => (await client.createMember(member)).externalId, async (error) => {
            // Engagement has no read by id; a resumed create is rare enough to walk the list once.
            for await (const existing of client.members()) {
              if (existing.externalId === error.existingId) return normalizeEmail(existing.email) === normalizeEmail(member.email) ? existing.externalId : undefined;
            }
            return undefined;
          }),
        undo: async (id) => void (await client.deleteMember(id)),
      });
    } else if (source === 'GREENARROW') {
      const client = sources.GREENARROW!;
      const permissions = permissionsInput(input.permissions ?? {});
      const user: GreenArrowCreateInput = {
        email: email ?? '',
        password: password ?? '',
        permissions: { injection: 'NONE', api: 'NONE', ui: 'NONE', ...permissions },
      };
      problems.push(...asInputProblems(source, greenArrowCreateProblems(user), { mailClass: 'permissions.mailClass', disabled: 'permissions.disabled' }));
      steps.push({
        source,
        action: 'create',
        run: (resuming) => createdOrExisting(resuming, async () => (await client.createUser(user)).externalId, async () => (await client.getUser(user.email)).externalId),
        undo: (id) => client.deleteUser(id),
      });
    } else {
      const client = sources.USER_MANAGEMENT!;
      const fullName = [input.firstName, input.lastName].filter(Boolean).join(' ');
      const managed = {
        displayName: input.displayName ?? (fullName || email || ''),
        email: email ?? '',
        accountId: input.accountId ?? '',
        username: input.username ?? '',
        password: password ?? '',
      };
      problems.push(...asInputProblems(source, managedCreateProblems(managed)));
      steps.push({
        source,
        action: 'create',
        run: (resuming) =>
          createdOrExisting(resuming, async () => (await client.addUser(managed)).externalId, async (error) => {
            if (error.existingId === undefined) return undefined;
            const existing = await client.getUser(error.existingId);
            const same = normalizeEmail(existing.email) === normalizeEmail(managed.email) && existing.username.toLowerCase() === managed.username.toLowerCase();
            return same ? existing.externalId : undefined;
          }),
        undo: (id) => client.deleteUser(id),
      });
    }
  }
  return { steps, skipped, problems: dedupe(problems) };
}

/** The vendors' rules overlap (three want a password): say each problem once per field and vendor. */
function dedupe(problems: UserError[]): UserError[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.field?.join('.')}|${problem.source}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The record of each linked vendor, by source. */
export type Links = Partial<Record<Source, Identity>>;

/** A step on an existing record, with not-found meaning the record is gone. */
function existingRecordStep(source: Source, action: StepAction, externalId: string, call: () => Promise<unknown>): WriteStep {
  return { source, action, run: async () => (await call(), externalId) };
}

const UPDATABLE: Record<Source, readonly (keyof UpdateUserInput)[]> = {
  RAINMAKER: [],
  ENGAGEMENT: [],
  GREENARROW: ['email'],
  USER_MANAGEMENT: ['email', 'username', 'displayName', 'accountId', 'active'],
};
const PROFILE_FIELDS = ['email', 'phone', 'username', 'displayName', 'firstName', 'lastName', 'country', 'state', 'locale', 'accountId', 'active'] as const;

export function planUpdate(input: UpdateUserInput, sources: Sources, links: Links): WritePlan {
  const given = PROFILE_FIELDS.filter((field) => input[field] != null);
  const problems: UserError[] = [];
  if (given.length === 0) problems.push(inputProblem([], 'Give at least one field to change'));
  const changes = (source: Source) => given.filter((field) => UPDATABLE[source].includes(field));
  const { targets, skipped } = target(
    input.sources,
    SOURCES.filter((source) => links[source] && changes(source).length > 0),
    sources,
    (source) => {
      if (!links[source]) return `The user has no ${source} record`;
      if (UPDATABLE[source].length === 0) return `${source} cannot change a record after it is created`;
      return changes(source).length === 0 ? `${source} holds none of the given fields` : null;
    },
  );
  const unchangeable = given.filter((field) => !targets.some((source) => UPDATABLE[source].includes(field)));
  for (const field of unchangeable) {
    if (input.sources == null) problems.push(inputProblem([field], `No linked vendor can change ${field}`, null, 'NOT_SUPPORTED'));
  }
  const steps: WriteStep[] = [];
  for (const source of targets) {
    const externalId = links[source]!.externalId;
    if (source === 'GREENARROW') {
      const update = { email: input.email ?? undefined };
      problems.push(...asInputProblems(source, greenArrowUpdateProblems(update)));
      steps.push(existingRecordStep(source, 'update', externalId, () => sources.GREENARROW!.updateUser(externalId, update)));
    } else if (source === 'USER_MANAGEMENT') {
      const update = {
        email: input.email ?? undefined,
        username: input.username ?? undefined,
        displayName: input.displayName ?? undefined,
        accountId: input.accountId ?? undefined,
        active: input.active ?? undefined,
      };
      problems.push(...asInputProblems(source, managedUpdateProblems(update)));
      steps.push(existingRecordStep(source, 'update', externalId, () => sources.USER_MANAGEMENT!.modifyUser(externalId, update)));
    }
  }
  return { steps, skipped, problems: dedupe(problems) };
}

const PASSWORD_SOURCES: readonly Source[] = ['RAINMAKER', 'GREENARROW', 'USER_MANAGEMENT'];

export function planChangePassword(input: { password: string; sources?: Source[] | null }, sources: Sources, links: Links): WritePlan {
  const { targets, skipped } = target(
    input.sources,
    PASSWORD_SOURCES.filter((source) => links[source]),
    sources,
    (source) => (!PASSWORD_SOURCES.includes(source) ? `${source} has no passwords` : links[source] ? null : `The user has no ${source} record`),
  );
  const problems: UserError[] = [];
  if (targets.length === 0) problems.push(inputProblem(['sources'], 'The user has no record at a vendor that keeps a password', null, 'NOT_SUPPORTED'));
  const steps: WriteStep[] = [];
  for (const source of targets) {
    const externalId = links[source]!.externalId;
    if (source === 'RAINMAKER') {
      const issue = passwordProblem(input.password);
      if (issue) problems.push(inputProblem(['password'], issue, source));
      steps.push(existingRecordStep(source, 'password', externalId, () => sources.RAINMAKER!.updatePassword(externalId, input.password)));
    } else if (source === 'GREENARROW') {
      problems.push(...asInputProblems(source, greenArrowUpdateProblems({ password: input.password })));
      steps.push(existingRecordStep(source, 'password', externalId, () => sources.GREENARROW!.updateUser(externalId, { password: input.password })));
    } else {
      problems.push(...asInputProblems(source, managedUpdateProblems({ password: input.password })));
      steps.push(existingRecordStep(source, 'password', externalId, () => sources.USER_MANAGEMENT!.modifyUser(externalId, { password: input.password })));
    }
  }
  return { steps, skipped, problems: dedupe(problems) };
}

export function planSetPermissions(input: { permissions: PermissionsInput }, sources: Sources, links: Links): WritePlan {
  const { targets, skipped } = target(['GREENARROW'], ['GREENARROW'], sources, () => (links.GREENARROW ? null : 'The user has no GREENARROW record'));
  const permissions = permissionsInput(input.permissions);
  const problems = asInputProblems('GREENARROW', greenArrowUpdateProblems({ permissions }), { mailClass: 'permissions.mailClass', disabled: 'permissions.disabled' });
  if (Object.keys(permissions).length === 0) problems.push(inputProblem(['permissions'], 'Give at least one permission to set'));
  const steps = targets.map((source) => {
    const externalId = links[source]!.externalId;
    return existingRecordStep(source, 'permissions', externalId, () => sources.GREENARROW!.updateUser(externalId, { permissions }));
  });
  return { steps, skipped, problems };
}

export function planDelete(input: { sources?: Source[] | null }, sources: Sources, links: Links): WritePlan {
  const { targets, skipped } = target(input.sources, SOURCES.filter((source) => links[source]), sources, (source) =>
    links[source] ? null : `The user has no ${source} record`,
  );
  const steps = targets.map((source): WriteStep => {
    const externalId = links[source]!.externalId;
    const remove: Record<Source, () => Promise<unknown>> = {
      RAINMAKER: () => sources.RAINMAKER!.deleteUser(externalId),
      ENGAGEMENT: () => sources.ENGAGEMENT!.deleteMember(externalId),
      GREENARROW: () => sources.GREENARROW!.deleteUser(externalId),
      USER_MANAGEMENT: () => sources.USER_MANAGEMENT!.deleteUser(externalId),
    };
    return {
      source,
      action: 'delete',
      // A record the vendor no longer has is deleted already: the goal holds.
      run: async () => {
        await remove[source]().catch((error: unknown) => {
          if (!(error instanceof VendorNotFoundError)) throw error;
        });
        return externalId;
      },
    };
  });
  return { steps, skipped, problems: [] };
}
