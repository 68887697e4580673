import {
  inputProblem,
  type ChangePasswordCommand,
  type CreateUserCommand,
  type DeleteUserCommand,
  type MutationName,
  type MutationOutcome,
  type PartialFailurePolicy,
  type Problem,
  type RecordedOutcome,
  type SetPermissionsCommand,
  type SourceOutcome,
  type UpdateUserCommand,
} from '../../domain/commands';
import type { Logger } from '../../platform/logger';
import type { GatewayLookups, LinkedRecord } from '../../vendors/kit/adapter';
import { isVendorError } from '../../vendors/transport/errors';
import type { Adapters } from '../../vendors/registry';
import {
  claimName,
  hashInput,
  inputSecrets,
  withoutSecrets,
  type Operation,
  type OperationStep,
  type Settler,
  type Store,
  type StoreInTransaction,
} from '../../store';
import { mirrorCreated } from '../../sync/seen-records';
import { auditFacts } from './audit-facts';
import { fanOut, settleFanOut } from './fan-out';
import { inputBoundProblems, type InputBounds } from './input-bounds';
import {
  planChangePassword,
  planCreate,
  planDelete,
  planSetPermissions,
  planUpdate,
  type CheckedPlan,
  type Links,
} from './plans';

/** What lives as long as the process and every request shares; a request's services are made from it. */
export interface MutationDeps {
  adapters: Adapters;
  store: Store;
  /** Key of the HMAC that lets the journal compare inputs (and fingerprint their secrets) without keeping them. */
  journalKey: string;
  logger: Logger;
  /** Operations running in this process, by idempotency key: a concurrent replay waits on them. */
  inFlight: Map<string, Promise<RecordedOutcome>>;
  /** The lengths and characters inputs are held to; DEFAULT_INPUT_BOUNDS when not given. */
  inputBounds?: InputBounds;
}

interface Job {
  /** The plan, given the user's current links (none for a create). */
  plan(links: Links): CheckedPlan;
  /** Reads that must agree before any write: the gateway's database, then the vendors' (concurrently). */
  preflight(plan: CheckedPlan, links: Links): Promise<Problem[]>;
  policy: PartialFailurePolicy | null;
  /** Whether a plan with nothing to write is the caller's mistake (not so for a delete). */
  requiresWrite: boolean;
  /**
   * The person's unique keys this operation writes (`claimName`): held from before its first
   * vendor call until it is settled, so that no other operation writes them meanwhile.
   */
  claims: string[];
  /**
   * Whether it also claims the person's own email address, as a create of that person claimed it: a
   * delete must not run while the person's create is unsettled, or that create's recovery would link
   * the records the delete has just removed.
   */
  claimsPerson?: boolean;
  /**
   * Brings the identity store in line with what the vendors now hold; returns the user id. Runs in
   * the transaction that records the operation's outcome (`tx`), so it may run more than once.
   */
  settle(results: SourceOutcome[], userId: string | null, links: Links, tx: StoreInTransaction): Promise<string | null>;
}

/**
 * The five mutations. Each: journal (idempotency key or not), validate everything for every
 * targeted vendor, check with reads what the vendors would refuse, write concurrently, roll back
 * or keep, update identity links, record the payload.
 */
export class MutationService {
  private readonly lookups: GatewayLookups;

  constructor(private readonly deps: MutationDeps) {
    this.lookups = {
      usernameOwner: async (source, username) =>
        (await deps.store.identities.userIdsByUsernames(source, [username])).get(username) ?? null,
      mirroredHolders: async (source, keys) => {
        const { byEmail, byPhone } = await deps.store.records.externalIdsByKeys(source, keys);
        return { email: byEmail, phone: byPhone };
      },
    };
  }

  createUser(command: CreateUserCommand): Promise<MutationOutcome> {
    return this.execute('createUser', command, null, this.createJob(command));
  }

  updateUser(command: UpdateUserCommand): Promise<MutationOutcome> {
    return this.execute('updateUser', command, command.id, this.updateJob(command));
  }

  changePassword(command: ChangePasswordCommand): Promise<MutationOutcome> {
    return this.execute('changePassword', command, command.id, this.changePasswordJob(command));
  }

  setPermissions(command: SetPermissionsCommand): Promise<MutationOutcome> {
    return this.execute('setPermissions', command, command.id, this.setPermissionsJob(command));
  }

  deleteUser(command: DeleteUserCommand): Promise<MutationOutcome> {
    return this.execute('deleteUser', command, command.id, this.deleteJob(command));
  }

  /**
   * Settles an interrupted operation without its caller: the gateway's recovery calls it for an
   * operation nobody replayed (at startup for one without an idempotency key; after the replay
   * wait for a keyed one), and so may anything else that has found an operation whose process is
   * gone, once it is INTERRUPTED. It takes the operation over (atomically: of two callers, or a
   * caller and a replay of its key, one gets it), rebuilds it from the input the journal kept
   * without secrets, settles each vendor step (see `settleFanOut`: a create that may have landed is
   * looked up, never sent again), rolls back or keeps by the operation's `onPartialFailure`, brings
   * the gateway's links in line with what the vendors hold, and records the outcome as settled by
   * RECOVERY. Answers the operation as it now is; null when it was not INTERRUPTED (any more). A
   * vendor that cannot be asked now leaves it INTERRUPTED, for a later attempt, and rejects.
   */
  async recover(operationId: string): Promise<Operation | null> {
    const { journal } = this.deps.store;
    const operation = await journal.resume(operationId);
    if (operation === null) return null;
    const key = operation.idempotencyKey;
    const running = (async () => {
      const command = operation.recovery;
      if (command === null || typeof command !== 'object')
        throw new TypeError(`operation ${operation.id} has no recovery input: it cannot be settled without its caller`);
      const userId = operation.mutation === 'createUser' ? null : ((command as { id?: string }).id ?? null);
      const job = this.jobFor(operation.mutation as MutationName, command);
      return this.run(operation, userId, job, await journal.steps(operation.id), 'RECOVERY');
    })().catch(async (error: unknown) => {
      await journal.release(operation.id).catch((releaseError: unknown) => {
        this.deps.logger.error(
          { err: releaseError, operation: operation.id },
          'could not give an operation back after a failed recovery; the next start will',
        );
      });
      throw error;
    });
    // A replay of its key meanwhile waits for this settling instead of being told it is in flight.
    if (key !== null) this.deps.inFlight.set(key, running);
    try {
      await running;
    } finally {
      if (key !== null) this.deps.inFlight.delete(key);
    }
    return journal.operation(operation.id);
  }

  /** The job of a mutation, from its command (as the journal's recovery input keeps it). */
  private jobFor(mutation: MutationName, command: object): Job {
    switch (mutation) {
      case 'createUser':
        return this.createJob(command as CreateUserCommand);
      case 'updateUser':
        return this.updateJob(command as UpdateUserCommand);
      case 'changePassword':
        return this.changePasswordJob(command as ChangePasswordCommand);
      case 'setPermissions':
        return this.setPermissionsJob(command as SetPermissionsCommand);
      case 'deleteUser':
        return this.deleteJob(command as DeleteUserCommand);
    }
  }

  private createJob(command: CreateUserCommand): Job {
    const { adapters, store, logger } = this.deps;
    return {
      plan: () => planCreate(command, adapters),
      preflight: async (plan) => {
        // A gateway user with this email already holding a record at a targeted vendor: that create would conflict.
        const owner = command.email
          ? (await store.identities.userIdsByEmails([command.email])).get(command.email)
          : undefined;
        const owned =
          owner === undefined ? [] : ((await store.identities.identitiesByUserIds([owner])).get(owner) ?? []);
        const problems = plan.targets
          .filter((adapter) => owned.some((identity) => identity.source === adapter.source))
          .map((adapter) =>
            inputProblem(
              ['email'],
              `This person already has a ${adapter.displayName} record`,
              adapter.source,
              'EMAIL_TAKEN',
            ),
          );
        // The gateway's own answer is enough: no vendor needs asking.
        if (problems.length > 0) return problems;
        return this.vendorChecks(plan, (adapter) => adapter.preflightCreate?.(command, this.lookups));
      },
      policy: command.onPartialFailure,
      requiresWrite: true,
      claims: claimsOf({ email: command.email, username: command.username }),
      settle: async (results, _userId, _links, { identities, records }) => {
        // A record an earlier attempt of this operation linked, and its rollback (by recovery) removed since, is no one's.
        const unlinked = [];
        for (const { status, source, externalId } of results)
          if (status === 'ROLLED_BACK' && externalId !== null && (await identities.unlink(source, externalId)))
            unlinked.push(source);
        const written = results.filter((result) => result.status === 'SUCCEEDED' && result.externalId !== null);
        if (written.length === 0) {
          if (unlinked.length > 0 && command.email) await forgetIfUnlinked(identities, command.email);
          return null;
        }
        // In the outcome's transaction: the user and all its links appear together or not at all.
        const phone = command.phone ?? null;
        const user = command.email
          ? (await identities.findOrCreateByEmail(command.email, { phone })).user
          : await identities.createUser({ phone });
        for (const { source, externalId } of written) {
          const link = {
            source,
            externalId: externalId!,
            status: 'ACTIVE' as const,
            email: command.email ?? null,
            username: this.usernameAt(source, command.username),
          };
          const { previousUserId } = await identities.claim(user.id, link);
          if (previousUserId !== null && previousUserId !== user.id) {
            // No externalId: at RainMaker it is the email address, and warn lines hold none.
            logger.warn(
              { source, from: previousUserId, to: user.id },
              'a stale identity link moved: the vendor has just created this record for another user',
            );
          }
          const values = adapters.get(source)?.rememberCreated?.(command);
          if (values) await identities.saveProfile(user.id, source, values, new Date());
          await mirrorCreated(records, adapters.get(source), command, externalId!, new Date());
        }
        return user.id;
      },
    };
  }

  private updateJob(command: UpdateUserCommand): Job {
    const { adapters, store } = this.deps;
    const { email, username } = command.changes;
    return {
      plan: (links) => planUpdate(command, adapters, links),
      preflight: async (plan, links) => {
        const problems: Problem[] = [];
        // The gateway keeps one person per email and per username: taking another's would fail after the writes.
        if (email !== undefined) {
          const owner = (await store.identities.userIdsByEmails([email])).get(email);
          if (owner !== undefined && owner !== command.id)
            problems.push(inputProblem(['email'], 'Another user has this email address', null, 'EMAIL_TAKEN'));
        }
        if (username !== undefined) {
          for (const adapter of plan.targets) {
            const owner = await this.lookups.usernameOwner(adapter.source, username);
            if (owner !== null && owner !== command.id)
              problems.push(
                inputProblem(
                  ['username'],
                  `Another user has this username at ${adapter.displayName}`,
                  adapter.source,
                  'USERNAME_TAKEN',
                ),
              );
          }
        }
        if (problems.length > 0) return problems;
        return this.vendorChecks(plan, (adapter) =>
          adapter.preflightUpdate?.(command, links[adapter.source]!, this.lookups),
        );
      },
      policy: null,
      requiresWrite: true,
      claims: claimsOf({ email, username }),
      settle: async (results, userId, _links, { identities }) => {
        const succeeded = results.filter((result) => result.status === 'SUCCEEDED');
        // Each record keeps the values its vendor really holds: only the vendors written changed.
        for (const { source, externalId } of succeeded) {
          await identities.link(userId!, {
            source,
            externalId: externalId!,
            status: 'ACTIVE',
            email: email ?? null,
            username: this.usernameAt(source, username),
          });
        }
        const allWritten = results.every((result) => result.status !== 'FAILED');
        if (email !== undefined && allWritten && succeeded.length > 0) await identities.updateUser(userId!, { email });
        return userId;
      },
    };
  }

  private changePasswordJob(command: ChangePasswordCommand): Job {
    return {
      plan: (links) => planChangePassword(command, this.deps.adapters, links),
      preflight: async () => [],
      policy: null,
      requiresWrite: true,
      claims: [],
      settle: async (_, userId) => userId,
    };
  }

  private setPermissionsJob(command: SetPermissionsCommand): Job {
    return {
      plan: (links) => planSetPermissions(command, this.deps.adapters, links),
      preflight: (plan) => this.vendorChecks(plan, (adapter) => adapter.preflightSetPermissions?.(command.permissions)),
      policy: null,
      requiresWrite: true,
      claims: [],
      settle: async (_, userId) => userId,
    };
  }

  private deleteJob(command: DeleteUserCommand): Job {
    const { adapters } = this.deps;
    return {
      plan: (links) => planDelete(command, adapters, links),
      preflight: async () => [],
      policy: null,
      requiresWrite: false,
      claims: [],
      claimsPerson: true,
      settle: async (results, userId, _links, { identities, records }) => {
        for (const result of results) {
          if (result.status !== 'SUCCEEDED' || result.externalId === null) continue;
          await identities.unlink(result.source, result.externalId);
          await records.remove(result.source, [result.externalId]);
        }
        const left = (await identities.identitiesByUserIds([userId!])).get(userId!) ?? [];
        if (left.length > 0) return userId;
        await identities.deleteUser(userId!);
        return null;
      },
    };
  }

  /** The username a record holds at this vendor after a write: only the vendor that keeps usernames has one. */
  private usernameAt(source: CheckedPlan['steps'][number]['source'], username: string | undefined): string | null {
    return username !== undefined && this.deps.adapters.get(source)?.capabilities.holds.includes('username')
      ? username
      : null;
  }

  /**
   * Runs each target's pre-flight reads concurrently. A vendor that cannot be read now cannot be
   * checked: the mutation stops there, with nothing written, rather than guess.
   */
  private async vendorChecks(
    plan: CheckedPlan,
    check: (adapter: CheckedPlan['targets'][number]) => Promise<Problem[]> | undefined,
  ): Promise<Problem[]> {
    const answers = await Promise.all(
      plan.targets.map(async (adapter): Promise<Problem[]> => {
        try {
          return (await check(adapter)) ?? [];
        } catch (error) {
          if (!isVendorError(error)) throw error;
          this.deps.logger.warn(
            { source: adapter.source, code: error.code, status: error.status },
            'a pre-flight read failed; nothing was written',
          );
          return [
            {
              field: null,
              code: error.code,
              source: adapter.source,
              message: `${adapter.displayName} could not be asked whether it would accept this, so nothing was written; try again later`,
            },
          ];
        }
      }),
    );
    return answers.flat();
  }

  private async execute(
    mutation: MutationName,
    command: { idempotencyKey?: string },
    userId: string | null,
    job: Job,
  ): Promise<MutationOutcome> {
    const { journal } = this.deps.store;
    // Before anything else, the journal included: an input out of bounds is not kept anywhere.
    const outOfBounds = inputBoundProblems(command, this.deps.inputBounds);
    if (outOfBounds.length > 0) {
      const idProblem = outOfBounds.some((problem) => problem.field?.[1] === 'id');
      return { userId: idProblem ? null : userId, results: [], userErrors: outOfBounds, replayed: false };
    }
    const key = command.idempotencyKey ?? null;
    if (key !== null && key.trim() === '') {
      return {
        userId,
        results: [],
        userErrors: [inputProblem(['idempotencyKey'], 'An idempotency key must not be empty')],
        replayed: false,
      };
    }
    const { idempotencyKey: _key, ...rest } = command;
    const input = { mutation, input: rest };
    const begun = await journal.begin({
      mutation,
      idempotencyKey: key,
      inputHash: hashInput(this.deps.journalKey, input),
      secrets: key === null ? null : inputSecrets(this.deps.journalKey, input),
      audit: auditFacts(command, userId),
      recovery: withoutSecrets(rest),
    });

    let operation: Operation = begun.operation;
    let previous: OperationStep[] = [];
    if (begun.status === 'KEY_REUSED') {
      return {
        userId,
        results: [],
        replayed: false,
        userErrors: [
          inputProblem(
            ['idempotencyKey'],
            'This idempotency key was used for a different mutation or input',
            null,
            'IDEMPOTENCY_KEY_REUSED',
          ),
        ],
      };
    }
    if (begun.status === 'REPLAY') {
      if (operation.state === 'COMPLETED' || operation.state === 'FAILED')
        return { ...(operation.payload as RecordedOutcome), replayed: true };
      const running = key === null ? undefined : this.deps.inFlight.get(key);
      if (running) return { ...(await running), replayed: true };
      const resumed = operation.state === 'INTERRUPTED' ? await journal.resume(operation.id) : null;
      if (resumed === null) {
        return {
          userId,
          results: [],
          replayed: false,
          userErrors: [
            inputProblem(
              ['idempotencyKey'],
              'An operation with this idempotency key is still running; try again shortly',
              null,
              'IDEMPOTENCY_KEY_IN_FLIGHT',
            ),
          ],
        };
      }
      operation = resumed;
      previous = await journal.steps(operation.id);
    }

    const running = this.run(operation, userId, job, previous, 'REQUEST').catch(async (error: unknown) => {
      // Vendors may have been written: leave the operation resumable by its key, not stuck PENDING.
      await journal.release(operation.id).catch((releaseError: unknown) => {
        // The original error is the one to report; a failed release only delays the resume to the next start.
        this.deps.logger.error(
          { err: releaseError, operation: operation.id },
          'could not release a failed operation for resuming',
        );
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

  /**
   * Runs an operation begun (or resumed) in the journal to its end. `settledBy` RECOVERY: the
   * gateway settles an interrupted one without its caller, so nothing is refused or checked anew
   * (its checks passed before its first write) and its steps are settled, not run (`settleFanOut`).
   */
  private async run(
    operation: Operation,
    userId: string | null,
    job: Job,
    previous: OperationStep[],
    settledBy: Settler,
  ): Promise<RecordedOutcome> {
    const { store, logger, adapters } = this.deps;
    const recovering = settledBy === 'RECOVERY';
    // The outcome and the claims' release in one commit.
    const record = async ({ journal, claims }: StoreInTransaction, payload: RecordedOutcome, failed: boolean) => {
      // A create's user is known only now; the journal keeps the one it began with otherwise (a deleted user's too).
      if (failed) await journal.fail(operation.id, payload, payload.userId, settledBy);
      else await journal.complete(operation.id, payload, payload.userId, settledBy);
      await claims.release(operation.id);
      return payload;
    };
    const finish = (payload: RecordedOutcome, failed: boolean) =>
      store.transaction((tx) => record(tx, payload, failed));
    let links: Links = {};
    const claims = [...job.claims];
    if (userId !== null) {
      const user = (await store.identities.usersByIds([userId])).get(userId);
      if (!user)
        return finish(
          {
            userId: null,
            results: [],
            userErrors: [inputProblem(['id'], 'No user has this id', null, 'USER_NOT_FOUND')],
          },
          true,
        );
      if (job.claimsPerson) claims.push(...claimsOf({ email: user.email ?? undefined }));
      const identities = (await store.identities.identitiesByUserIds([userId])).get(userId) ?? [];
      links = Object.fromEntries(
        identities.map((identity): [string, LinkedRecord] => [
          identity.source,
          { externalId: identity.externalId, email: identity.email },
        ]),
      );
    }
    const plan = job.plan(links);
    // Recovery's input has no secrets, so a plan from it names the missing password: no reason to stop.
    if (plan.problems.length > 0 && !recovering)
      return finish({ userId, results: [], userErrors: plan.problems }, true);
    if (plan.steps.length === 0 && job.requiresWrite && !recovering) {
      const nothing = inputProblem(
        ['sources'],
        'None of the targeted vendors can do this for this user; see `results` for why',
        null,
        'NOT_SUPPORTED',
      );
      return finish({ userId, results: plan.skipped, userErrors: [nothing] }, true);
    }
    // Before the first vendor call (the pre-flight reads included). An operation that wrote before
    // holds its claims already, and cannot be refused now in any case.
    const taken = await store.claims.acquire(operation.id, claims);
    if (taken !== null && previous.length === 0 && !recovering) {
      const refusal = { userId, results: [], userErrors: [claimedElsewhere(taken.name)] };
      await store.journal.refuse(operation.id, refusal);
      return refusal;
    }
    // A resumed operation passed its checks before its first write; its own writes would fail them now.
    const problems = previous.length > 0 || recovering ? [] : await job.preflight(plan, links);
    if (problems.length > 0) return finish({ userId, results: [], userErrors: problems }, true);

    const { results, uncertain, unrecorded } = await (recovering ? settleFanOut : fanOut)(plan, {
      adapters,
      journal: store.journal,
      operationId: operation.id,
      policy: job.policy,
      previous,
      logger,
    });
    const userErrors = results.filter((result) => result.status === 'FAILED').map((result) => result.error!);
    if (uncertain.length === 0) {
      // The steps' ends, the links and the outcome in one commit.
      try {
        return await store.transaction(async (tx) => {
          await tx.journal.stepsFinished(operation.id, unrecorded);
          const settledUserId = await job.settle(results, userId, links, tx);
          return record(tx, { userId: settledUserId, results, userErrors }, false);
        });
      } catch (error) {
        // What the vendors did is worth keeping even so: recovery then has nothing to look up.
        await store.journal.stepsFinished(operation.id, unrecorded).catch(() => undefined);
        throw error;
      }
    }
    const settledUserId = await store.transaction((tx) => job.settle(results, userId, links, tx));
    // Some vendor may or may not have done its write, and could not be asked: the caller hears so,
    // and the operation is left INTERRUPTED (its claims held) for the gateway's recovery, or a
    // replay of its key, to find out and settle, so the journal never says what it does not know.
    await store.journal.release(operation.id);
    logger.warn(
      { operation: operation.id, uncertain },
      "a vendor write's outcome is unknown: the operation is left for the gateway's recovery to settle",
    );
    return { userId: settledUserId, results, userErrors };
  }
}

/** Deletes the gateway user holding `email` when none of its records is left linked (its create was rolled back). */
async function forgetIfUnlinked(identities: StoreInTransaction['identities'], email: string): Promise<void> {
  const owner = (await identities.userIdsByEmails([email])).get(email);
  if (owner === undefined) return;
  if (((await identities.identitiesByUserIds([owner])).get(owner) ?? []).length === 0)
    await identities.deleteUser(owner);
}

/** The claims of the keys a command writes (blank ones are no key). */
function claimsOf(keys: { email?: string; username?: string }): string[] {
  const claims: string[] = [];
  if (keys.email !== undefined && keys.email.trim() !== '') claims.push(claimName('email', keys.email));
  if (keys.username !== undefined && keys.username.trim() !== '') claims.push(claimName('username', keys.username));
  return claims;
}

/** The answer to an operation whose key another one is writing right now: nothing was done, so it may be sent again. */
function claimedElsewhere(name: string): Problem {
  return name.startsWith('username:')
    ? inputProblem(
        ['username'],
        'Another request is writing a user with this username right now; nothing was done: send this again shortly',
        null,
        'USERNAME_IN_USE',
      )
    : inputProblem(
        ['email'],
        'Another request is writing a user with this email address right now; nothing was done: send this again shortly',
        null,
        'EMAIL_IN_USE',
      );
}
