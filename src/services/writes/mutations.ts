import { SOURCES, type Source } from '../../domain/types';
import type { Logger } from '../../logger';
import type { PartialFailurePolicy } from '../../schema/enums';
import type {
  ChangePasswordInput,
  CreateUserInput,
  DeleteUserInput,
  SetPermissionsInput,
  UpdateUserInput,
} from '../../schema/mutation-inputs';
import type { SourceResult } from '../../schema/source-result.type';
import type { UserError } from '../../schema/user-error.type';
import type { Sources } from '../../sources';
import { hashInput, normalizeEmail, type Operation, type OperationStep, type ProfileValues, type Store } from '../../store';
import { fanOut } from './fan-out';
import { planChangePassword, planCreate, planDelete, planSetPermissions, planUpdate, type Links } from './plans';
import { inputProblem, type RecordedPayload, type WritePlan } from './types';

type MutationName = 'createUser' | 'updateUser' | 'changePassword' | 'setPermissions' | 'deleteUser';

export interface MutationDeps {
  sources: Sources;
  store: Store;
  /** Key of the HMAC that lets the journal compare inputs without keeping them. */
  journalKey: string;
  logger: Logger;
  /** Operations running in this process, by idempotency key: a concurrent replay waits on them. */
  inFlight: Map<string, Promise<RecordedPayload>>;
}

export type MutationOutcome = RecordedPayload & { replayed: boolean };

interface Job {
  /** The plan, given the user's current links; null user id for create. */
  plan(links: Links): WritePlan;
  /** Problems only the gateway's own database can see, checked with the plan's before any write. */
  check?(): Promise<UserError[]>;
  policy: PartialFailurePolicy | null;
  /** Brings the identity store in line with what the vendors now hold; returns the user id. */
  settle(results: SourceResult[], userId: string | null): Promise<string | null>;
}

/**
 * The five mutations. Each: journal (idempotency key or not), validate everything for every
 * targeted vendor, write concurrently, roll back or keep, update identity links, record the payload.
 */
export class MutationService {
  constructor(private readonly deps: MutationDeps) {}

  createUser(input: CreateUserInput): Promise<MutationOutcome> {
    const { sources, store, logger } = this.deps;
    return this.execute('createUser', input, null, {
      plan: () => planCreate(input, sources),
      policy: input.onPartialFailure ?? 'ROLLBACK',
      settle: async (results) => {
        const written = results.filter((result) => result.status === 'SUCCEEDED' && result.externalId !== null);
        if (written.length === 0) return null;
        const profiles: Partial<Record<Source, ProfileValues>> = {
          RAINMAKER: { locale: (input.locale || 'no_locale').toLowerCase() },
          ENGAGEMENT: { active: true, voiceSubscription: input.subscriptions?.voice ?? false },
          USER_MANAGEMENT: { username: input.username ?? null, active: true },
        };
        // One transaction: the user and all its links appear together or not at all.
        return store.transaction(async ({ identities }) => {
          const email = normalizeEmail(input.email);
          const phone = input.phone ?? null;
          const user = email === null ? await identities.createUser({ phone }) : (await identities.findOrCreateByEmail(email, { phone })).user;
          for (const result of written) {
            const { source, externalId } = result;
            const { previousUserId } = await identities.claim(user.id, { source, externalId: externalId!, status: 'ACTIVE' });
            if (previousUserId !== null && previousUserId !== user.id) {
              logger.warn({ source, externalId, from: previousUserId, to: user.id }, 'a stale identity link moved: the vendor has just created this record for another user');
            }
            const values = profiles[source];
            if (values) await identities.saveProfile(user.id, source, values, new Date());
          }
          return user.id;
        });
      },
    });
  }

  updateUser(input: UpdateUserInput): Promise<MutationOutcome> {
    const { sources, store } = this.deps;
    return this.execute('updateUser', input, input.id, {
      plan: (links) => planUpdate(input, sources, links),
      // The gateway keeps one user per email: taking another user's would fail after the writes.
      check: async () => {
        if (input.email == null) return [];
        const owner = (await store.identities.userIdsByEmails([input.email])).get(input.email);
        return owner === undefined || owner === input.id ? [] : [inputProblem(['email'], 'Another user has this email address', null, 'EMAIL_TAKEN')];
      },
      policy: null,
      settle: async (results, userId) => {
        const allWritten = results.every((result) => result.status !== 'FAILED');
        if (input.email != null && allWritten) await store.identities.updateUser(userId!, { email: input.email });
        return userId;
      },
    });
  }

  changePassword(input: ChangePasswordInput): Promise<MutationOutcome> {
    return this.execute('changePassword', input, input.id, {
      plan: (links) => planChangePassword(input, this.deps.sources, links),
      policy: null,
      settle: async (_, userId) => userId,
    });
  }

  setPermissions(input: SetPermissionsInput): Promise<MutationOutcome> {
    return this.execute('setPermissions', input, input.id, {
      plan: (links) => planSetPermissions(input, this.deps.sources, links),
      policy: null,
      settle: async (_, userId) => userId,
    });
  }

  deleteUser(input: DeleteUserInput): Promise<MutationOutcome> {
    const { store } = this.deps;
    return this.execute('deleteUser', input, input.id, {
      plan: (links) => planDelete(input, this.deps.sources, links),
      policy: null,
      settle: async (results, userId) => {
        for (const result of results) {
          if (result.status === 'SUCCEEDED' && result.externalId !== null) await store.identities.unlink(result.source, result.externalId);
        }
        const left = (await store.identities.identitiesByUserIds([userId!])).get(userId!) ?? [];
        if (left.length > 0) return userId;
        await store.identities.deleteUser(userId!);
        return null;
      },
    });
  }

  private async execute(mutation: MutationName, input: { idempotencyKey?: string | null }, userId: string | null, job: Job): Promise<MutationOutcome> {
    const { journal } = this.deps.store;
    const key = input.idempotencyKey ?? null;
    if (key !== null && key.trim() === '') {
      return { userId, results: [], userErrors: [inputProblem(['idempotencyKey'], 'An idempotency key must not be empty')], replayed: false };
    }
    const { idempotencyKey: _key, ...rest } = input;
    const begun = await journal.begin({ mutation, idempotencyKey: key, inputHash: hashInput(this.deps.journalKey, { mutation, input: rest }) });

    let operation: Operation = begun.operation;
    let previous: OperationStep[] = [];
    if (begun.status === 'KEY_REUSED') {
      return { userId, results: [], replayed: false, userErrors: [inputProblem(['idempotencyKey'], 'This idempotency key was used for a different mutation or input', null, 'IDEMPOTENCY_KEY_REUSED')] };
    }
    if (begun.status === 'REPLAY') {
      if (operation.state === 'COMPLETED' || operation.state === 'FAILED') return { ...(operation.payload as RecordedPayload), replayed: true };
      const running = key === null ? undefined : this.deps.inFlight.get(key);
      if (running) return { ...(await running), replayed: true };
      const resumed = operation.state === 'INTERRUPTED' ? await journal.resume(operation.id) : null;
      if (resumed === null) {
        return { userId, results: [], replayed: false, userErrors: [inputProblem(['idempotencyKey'], 'An operation with this idempotency key is still running; try again shortly', null, 'IDEMPOTENCY_KEY_IN_FLIGHT')] };
      }
      operation = resumed;
      previous = await journal.steps(operation.id);
    }

    const running = this.run(operation, userId, job, previous).catch(async (error: unknown) => {
      // Vendors may have been written: leave the operation resumable by its key, not stuck PENDING.
      await journal.release(operation.id).catch((releaseError: unknown) => {
        // The original error is the one to report; a failed release only delays the resume to the next start.
        this.deps.logger.error({ err: releaseError, operation: operation.id }, 'could not release a failed operation for resuming');
      });
      throw error;
    });
    if (key !== null) this.deps.inFlight.set(key, running);
    try {
      return { ...(await running), replayed: previous.length > 0 };
    } finally {
      if (key !== null) this.deps.inFlight.delete(key);
    }
  }

  private async run(operation: Operation, userId: string | null, job: Job, previous: OperationStep[]): Promise<RecordedPayload> {
    const { store, logger } = this.deps;
    const finish = async (payload: RecordedPayload, failed: boolean) => {
      if (failed) await store.journal.fail(operation.id, payload);
      else await store.journal.complete(operation.id, payload);
      return payload;
    };
    let links: Links = {};
    if (userId !== null) {
      const user = (await store.identities.usersByIds([userId])).get(userId);
      if (!user) return finish({ userId: null, results: [], userErrors: [inputProblem(['id'], 'No user has this id', null, 'USER_NOT_FOUND')] }, true);
      const identities = (await store.identities.identitiesByUserIds([userId])).get(userId) ?? [];
      links = Object.fromEntries(identities.map((identity) => [identity.source, identity]));
    }
    const plan = job.plan(links);
    const problems = [...plan.problems, ...((await job.check?.()) ?? [])];
    if (problems.length > 0) return finish({ userId, results: [], userErrors: problems }, true);

    const results = await fanOut(plan, { journal: store.journal, operationId: operation.id, policy: job.policy, previous, logger });
    const settledUserId = await job.settle(results, userId);
    const userErrors = results.filter((result) => result.status === 'FAILED').map((result) => result.error!);
    return finish({ userId: settledUserId, results, userErrors }, false);
  }
}

export { SOURCES };
