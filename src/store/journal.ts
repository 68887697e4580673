import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Source } from '../domain/types';
import { placeholders, type Database, type SqlValue } from './database';
import { ConstraintViolationError, OperationNotFoundError, OperationNotPendingError } from './errors';
import { timeOrderedIds } from './ids';
import { refuseSecretKeys } from './secrets';
import { assertOneOf, assertSource, assertText, iso } from './values';
import type { InputSecrets } from './input-fingerprint';

export {
  canonicalJson,
  hashInput,
  inputSecrets,
  withoutSecrets,
  SCRYPT_PARAMETERS,
  type InputSecrets,
} from './input-fingerprint';

export const OPERATION_STATES = ['PENDING', 'COMPLETED', 'INTERRUPTED', 'FAILED'] as const;
/** PENDING while its process runs it; INTERRUPTED once that process is known dead. */
export type OperationState = (typeof OPERATION_STATES)[number];

export const STEP_STATES = ['STARTED', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'COMPENSATED'] as const;
/** STARTED is written before the vendor call: a step left STARTED may or may not have reached it. */
export type StepState = (typeof STEP_STATES)[number];
export const FINISHED_STEP_STATES = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'COMPENSATED'] as const;
export type FinishedStepState = (typeof FINISHED_STEP_STATES)[number];

export const STEP_ACTIONS = ['create', 'update', 'delete', 'compensate'] as const;

export const SETTLERS = ['REQUEST', 'RECOVERY'] as const;
/**
 * Who settled an operation: REQUEST, the request that ran it (or a replay of its key); RECOVERY,
 * the gateway itself, finishing an interrupted one nobody replayed.
 */
export type Settler = (typeof SETTLERS)[number];
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Who asked for an operation: the request's authenticated actor. */
export interface OperationActor {
  /** The token's subject, or the API key's name. */
  subject: string;
  role: string;
}

/**
 * The audit trail of an operation, so an operator can tell who changed a person: who asked, from
 * where, under which request, about which user, and the names of the input fields it changes (never
 * their values).
 */
export interface OperationAudit {
  /** The gateway user the operation is about; a create's is known when it completes. */
  userId?: string | null;
  actor?: OperationActor | null;
  clientAddress?: string | null;
  requestId?: string | null;
  /** Dotted paths of the input fields given (`email`, `permissions.api`, `password`): names only. */
  fieldsChanged?: readonly string[];
}

/** What a field name may look like: a path of identifiers, so that no value can pass for a name. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** One mutation as the journal recorded it. */
export interface Operation {
  id: string;
  idempotencyKey: string | null;
  mutation: string;
  /** `hashInput()` of the mutation's input without its secrets' values: compares inputs without storing them. */
  inputHash: string;
  /** The slow, salted fingerprint of the input's secrets (`InputSecrets`), kept only for a keyed input with secrets. */
  secretFingerprint: string | null;
  state: OperationState;
  /** The recorded response, as JSON values; null until the operation completes or fails. */
  payload: unknown;
  /** The process running it (see `PROCESS_OWNER`). */
  owner: string;
  createdAt: Date;
  updatedAt: Date;
  /** The gateway user it is about, when known. */
  userId: string | null;
  /** Who asked; null when it ran outside an authenticated request. */
  actor: OperationActor | null;
  clientAddress: string | null;
  requestId: string | null;
  /** The input fields it changes, by name. */
  fieldsChanged: string[];
  /**
   * The input without its secrets, as begin was given it (`BeginInput.recovery`): what recovery
   * needs to finish the operation without its caller. Kept only while it is unsettled; null after.
   */
  recovery: unknown;
  /** Who settled it; null while it is unsettled. */
  settledBy: Settler | null;
}

/** What a failed step reports; stored as JSON, so never a vendor request or a secret. */
export interface StepError {
  code: string;
  message: string;
  retryable?: boolean;
}

/** One vendor call of an operation. */
export interface OperationStep {
  operationId: string;
  source: Source;
  action: StepAction;
  state: StepState;
  /** The vendor's id of the record written, once known. */
  externalId: string | null;
  error: StepError | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface BeginInput {
  mutation: string;
  idempotencyKey?: string | null;
  inputHash: string;
  /**
   * The input's secrets (`inputSecrets()`), for the reuse check of a keyed operation: a replay
   * must carry the same ones. Ignored without an idempotency key, where nothing is compared.
   */
  secrets?: InputSecrets | null;
  audit?: OperationAudit;
  /**
   * The input without any secret (no password, at any depth: refused with a TypeError), kept until
   * the operation is settled so that the gateway's recovery can finish it if its process dies.
   */
  recovery?: object | null;
}

/**
 * What `begin` found. STARTED: a new PENDING operation for this process. REPLAY: the key's
 * operation with the same mutation and input, in whatever state it is (COMPLETED: answer its
 * payload; PENDING: in flight elsewhere; INTERRUPTED: `resume` it). KEY_REUSED: the key belongs to
 * a different mutation or input (IDEMPOTENCY_KEY_REUSED).
 */
export type BeginResult =
  | { status: 'STARTED'; operation: Operation }
  | { status: 'REPLAY'; operation: Operation }
  | { status: 'KEY_REUSED'; operation: Operation };

/** Which step of an operation: its vendor and action. */
export interface StepKey {
  source: Source;
  action: StepAction;
}

/** A step and how it ended, for `stepsFinished`. */
export interface StepFinish extends StepKey {
  outcome: StepOutcome;
}

export interface StepOutcome {
  state: FinishedStepState;
  /** Kept from an earlier write of the step when omitted. */
  externalId?: string | null;
  error?: StepError | null;
}

export interface JournalOptions {
  /** Who runs the operations this journal begins; defaults to this process. */
  owner?: string;
  clock?: () => Date;
  /**
   * How long an operation this journal begins or resumes is known to be running without a
   * `heartbeat` (`OPERATION_LEASE_TTL_S`): once it has passed, another process sharing the database
   * may take the operation over (`expireLeases`). {@link DEFAULT_OPERATION_LEASE_TTL_MS} by default.
   */
  leaseTtlMs?: number;
}

/** How long an operation's lease lasts without a heartbeat when nothing else is said. */
export const DEFAULT_OPERATION_LEASE_TTL_MS = 30_000;

interface OperationRow {
  id: string;
  idempotency_key: string | null;
  mutation: string;
  input_hash: string;
  state: string;
  payload: string | null;
  owner: string;
  created_at: string;
  updated_at: string;
  secret_fingerprint: string | null;
  user_id: string | null;
  actor_subject: string | null;
  actor_role: string | null;
  client_address: string | null;
  request_id: string | null;
  fields_changed: string | null;
  recovery: string | null;
  settled_by: string | null;
}

interface StepRow {
  operation_id: string;
  source: string;
  action: string;
  state: string;
  external_id: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

const OPERATION_COLUMNS =
  'id, idempotency_key, mutation, input_hash, state, payload, owner, created_at, updated_at, secret_fingerprint, user_id, actor_subject, actor_role, client_address, request_id, fields_changed, recovery, settled_by';

/** Which operations a listing answers; every condition given must hold. */
export interface OperationFilter {
  /** Only operations about this gateway user. */
  userId?: string;
  /** Only this mutation (`deleteUser`). */
  mutation?: string;
}

export interface OperationPageRequest extends OperationFilter {
  first: number;
  /** The id of the last operation of the previous page: the page holds older ones. */
  before?: string;
}
const STEP_COLUMNS = 'operation_id, source, action, state, external_id, error, started_at, finished_at';

/** This process among all gateways sharing a database: `pid@host#nonce`; the nonce tells a restarted PID 1 apart. */
export const PROCESS_OWNER = `${process.pid}@${hostname()}#${randomBytes(4).toString('hex')}`;

const OWNER_PATTERN = /^(\d+)@(.+)#([0-9a-f]+)$/;

/**
 * An `ownerIsAlive` for `markInterrupted` that knows this host: an owner here is dead when its
 * process is gone, or when it is this process's PID with another nonce (a previous incarnation).
 * Owners on other hosts, or in another format, count as alive: they are not ours to judge.
 */
export function ownerIsAliveOnThisHost(owner: string): boolean {
  if (owner === PROCESS_OWNER) return true;
  const match = OWNER_PATTERN.exec(owner);
  if (!match || match[2] !== hostname()) return true;
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The journal of mutations, so that no vendor write is lost or done twice: each operation and each
 * of its vendor steps is written before and after the vendor call, so a crash leaves a record of
 * exactly which vendors were written. It compares inputs by a keyed hash of the input without its
 * secrets and a slow fingerprint of the secrets (see input-fingerprint.ts); it keeps the input without
 * any secret only until the operation is settled (for recovery), and refuses payloads naming a password.
 */
export class Journal {
  readonly owner: string;
  private readonly db: Database;
  private shared: { clock: () => Date; nextOperationId: (timeMs: number) => string; leaseTtlMs: number };

  constructor(db: Database, options: JournalOptions = {}) {
    this.db = db;
    this.owner = options.owner ?? PROCESS_OWNER;
    assertText(this.owner, 'owner');
    const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_OPERATION_LEASE_TTL_MS;
    if (!Number.isInteger(leaseTtlMs) || leaseTtlMs < 1)
      throw new TypeError(`an operation lease's ttl must be a positive integer of milliseconds, got ${leaseTtlMs}`);
    this.shared = { clock: options.clock ?? (() => new Date()), nextOperationId: timeOrderedIds('op_'), leaseTtlMs };
  }

  /** How long an operation's lease lasts without a heartbeat. */
  get leaseTtlMs(): number {
    return this.shared.leaseTtlMs;
  }

  /** This journal over another handle (a transaction's), with the same owner, clock and ids. */
  on(db: Database): Journal {
    const journal = new Journal(db, { owner: this.owner });
    journal.shared = this.shared;
    return journal;
  }

  /**
   * Starts an operation, or finds the one its idempotency key already names. Atomic: of two
   * concurrent begins with one key, exactly one gets STARTED. A keyed input with secrets costs one
   * slow fingerprint: made and stored when the key is new, compared when it is not.
   */
  async begin(input: BeginInput): Promise<BeginResult> {
    assertText(input.mutation, 'begin() mutation');
    assertText(input.inputHash, 'begin() inputHash');
    const key = input.idempotencyKey ?? null;
    if (key !== null) assertText(key, 'begin() idempotencyKey');
    // Without a key nothing is ever compared, so no fingerprint is kept.
    const secrets = key === null ? null : (input.secrets ?? null);
    let fingerprint: string | null = null;
    if (secrets !== null) {
      const existing = await this.operationByKey(key!);
      if (existing) return this.replayOrReused(existing, input, secrets);
      fingerprint = await secrets.fingerprint();
    }
    const audit = auditColumns(input.audit ?? {});
    const recovery = input.recovery ?? null;
    if (recovery !== null) refuseSecretKeys(recovery, "an operation's recovery input");
    const now = this.shared.clock();
    const inserted = await this.db.query<OperationRow>(
      `INSERT INTO operations (id, idempotency_key, mutation, input_hash, state, payload, owner, created_at, updated_at, secret_fingerprint,
                               user_id, actor_subject, actor_role, client_address, request_id, fields_changed, recovery, lease_expires_at)
       VALUES ($1, $2, $3, $4, 'PENDING', NULL, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${OPERATION_COLUMNS}`,
      [
        this.shared.nextOperationId(now.getTime()),
        key,
        input.mutation,
        input.inputHash,
        this.owner,
        iso(now, 'the journal clock'),
        fingerprint,
        ...audit,
        recovery === null ? null : JSON.stringify(recovery),
        this.leaseExpiry(now),
      ],
    );
    if (inserted.length > 0) return { status: 'STARTED', operation: toOperation(inserted[0]) };
    return this.replayOrReused((await this.operationByKey(key!))!, input, secrets);
  }

  /**
   * Records that a vendor call is about to be made. Starting a step again (after a crash or a
   * failure) resets it to STARTED; a step that finished otherwise is returned as it is, so the
   * caller sees from `state !== 'STARTED'` that it must not call the vendor again. Only the
   * operation's owner, while it is PENDING, may start a step (OperationNotPendingError otherwise):
   * a process that lost its operation to another (its lease expired) stops before its next vendor
   * call instead of writing beside the one that took it over.
   */
  async stepStarted(operationId: string, source: Source, action: StepAction): Promise<OperationStep> {
    assertStep(operationId, source, action);
    const rows = await this.writeStep(
      `INSERT INTO operation_steps (${STEP_COLUMNS})
       SELECT $1, $2, $3, 'STARTED', NULL, NULL, $4, NULL
       WHERE EXISTS (SELECT 1 FROM operations WHERE id = $1 AND state = 'PENDING' AND owner = $5)
       ON CONFLICT (operation_id, source, action) DO UPDATE
         SET state = 'STARTED', error = NULL, started_at = excluded.started_at, finished_at = NULL
         WHERE operation_steps.state IN ('STARTED', 'FAILED')
       RETURNING ${STEP_COLUMNS}`,
      [operationId, source, action, this.now(), this.owner],
      operationId,
    );
    if (rows.length > 0) return toStep(rows[0]);
    const operation = await this.operation(operationId);
    if (!operation) throw new OperationNotFoundError(operationId);
    if (operation.state !== 'PENDING' || operation.owner !== this.owner)
      throw new OperationNotPendingError(operationId, operation.state, operation.owner);
    const existing = await this.db.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM operation_steps WHERE operation_id = $1 AND source = $2 AND action = $3`,
      [operationId, source, action],
    );
    return toStep(existing[0]);
  }

  /** Records how a vendor call ended (or that it was skipped without one). */
  async stepFinished(
    operationId: string,
    source: Source,
    action: StepAction,
    outcome: StepOutcome,
  ): Promise<OperationStep> {
    const error = checkedOutcome(operationId, source, action, outcome);
    const rows = await this.writeStep(
      `INSERT INTO operation_steps (${STEP_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (operation_id, source, action) DO UPDATE
         SET state = excluded.state, external_id = COALESCE(excluded.external_id, operation_steps.external_id),
             error = excluded.error, finished_at = excluded.finished_at
       RETURNING ${STEP_COLUMNS}`,
      [
        operationId,
        source,
        action,
        outcome.state,
        outcome.externalId ?? null,
        error === null ? null : JSON.stringify(error),
        this.now(),
      ],
      operationId,
    );
    return toStep(rows[0]);
  }

  /**
   * `stepStarted` for several steps of one operation in one statement (one commit): the vendor
   * calls about to be made at once, each recorded before any of them is sent.
   */
  async stepsStarted(operationId: string, steps: readonly StepKey[]): Promise<void> {
    if (steps.length === 0) return;
    const params: SqlValue[] = [operationId, this.now()];
    const rows = steps.map(({ source, action }) => {
      assertStep(operationId, source, action);
      params.push(source, action);
      return `($1, $${params.length - 1}, $${params.length}, 'STARTED', NULL, NULL, $2, NULL)`;
    });
    await this.writeStep(
      `INSERT INTO operation_steps (${STEP_COLUMNS})
       VALUES ${rows.join(', ')}
       ON CONFLICT (operation_id, source, action) DO UPDATE
         SET state = 'STARTED', error = NULL, started_at = excluded.started_at, finished_at = NULL
         WHERE operation_steps.state IN ('STARTED', 'FAILED')
       RETURNING operation_id`,
      params,
      operationId,
    );
  }

  /** `stepFinished` for several steps of one operation in one statement (one commit). */
  async stepsFinished(operationId: string, finished: readonly StepFinish[]): Promise<void> {
    if (finished.length === 0) return;
    const params: SqlValue[] = [operationId, this.now()];
    const rows = finished.map(({ source, action, outcome }) => {
      const error = checkedOutcome(operationId, source, action, outcome);
      params.push(
        source,
        action,
        outcome.state,
        outcome.externalId ?? null,
        error === null ? null : JSON.stringify(error),
      );
      const at = params.length - 4;
      return `($1, $${at}, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $2, $2)`;
    });
    await this.writeStep(
      `INSERT INTO operation_steps (${STEP_COLUMNS})
       VALUES ${rows.join(', ')}
       ON CONFLICT (operation_id, source, action) DO UPDATE
         SET state = excluded.state, external_id = COALESCE(excluded.external_id, operation_steps.external_id),
             error = excluded.error, finished_at = excluded.finished_at
       RETURNING operation_id`,
      params,
      operationId,
    );
  }

  /**
   * Records the operation's response and marks it COMPLETED; only its PENDING owner may. `userId`
   * records the user it was about when begin did not know it (a create's new user). Its recovery
   * input is dropped: a settled operation needs none.
   */
  async complete(
    operationId: string,
    payload: unknown,
    userId: string | null = null,
    settledBy: Settler = 'REQUEST',
  ): Promise<Operation> {
    return this.finish(operationId, 'COMPLETED', payload, userId, settledBy);
  }

  /** Records the operation's response and marks it FAILED; only its PENDING owner may. */
  async fail(
    operationId: string,
    payload: unknown,
    userId: string | null = null,
    settledBy: Settler = 'REQUEST',
  ): Promise<Operation> {
    return this.finish(operationId, 'FAILED', payload, userId, settledBy);
  }

  /**
   * Records a refusal that wrote nothing anywhere and that its caller may send again as it is (the
   * person's email address was being written by another operation): FAILED with its answer, and its
   * idempotency key given up, so that the same request sent later runs anew instead of being
   * answered this refusal for ever. Only its PENDING owner may, before any step.
   */
  async refuse(operationId: string, payload: unknown): Promise<Operation> {
    assertText(operationId, 'refuse() operationId');
    refuseSecretKeys(payload, 'a journal payload');
    const rows = await this.db.query<OperationRow>(
      `UPDATE operations SET state = 'FAILED', payload = $1, updated_at = $2, idempotency_key = NULL, recovery = NULL,
                             settled_by = 'REQUEST'
       WHERE id = $3 AND state = 'PENDING' AND owner = $4
         AND NOT EXISTS (SELECT 1 FROM operation_steps WHERE operation_steps.operation_id = operations.id)
       RETURNING ${OPERATION_COLUMNS}`,
      [JSON.stringify(payload), this.now(), operationId, this.owner],
    );
    if (rows[0]) return toOperation(rows[0]);
    const existing = await this.operation(operationId);
    if (!existing) throw new OperationNotFoundError(operationId);
    throw new OperationNotPendingError(operationId, existing.state, existing.owner);
  }

  /**
   * Claims an INTERRUPTED operation for this process (PENDING again, owned here), so that one
   * replay finishes its missing steps. Null when it is not interrupted (any more): another process
   * claimed it first, or it does not exist.
   */
  async resume(operationId: string): Promise<Operation | null> {
    assertText(operationId, 'resume() operationId');
    const now = this.shared.clock();
    const rows = await this.db.query<OperationRow>(
      `UPDATE operations SET state = 'PENDING', owner = $1, updated_at = $2, lease_expires_at = $4
       WHERE id = $3 AND state = 'INTERRUPTED'
       RETURNING ${OPERATION_COLUMNS}`,
      [this.owner, iso(now, 'the journal clock'), operationId, this.leaseExpiry(now)],
    );
    return rows[0] ? toOperation(rows[0]) : null;
  }

  /**
   * Gives up an operation this process owns and cannot finish (an unexpected error after vendor
   * calls): it becomes INTERRUPTED at once, so a replay of its key resumes it instead of being told
   * it is still in flight until this process stops. False when it is not this process's PENDING one.
   */
  async release(operationId: string): Promise<boolean> {
    assertText(operationId, 'release() operationId');
    const { changes } = await this.db.run(
      `UPDATE operations SET state = 'INTERRUPTED', updated_at = $1 WHERE id = $2 AND state = 'PENDING' AND owner = $3`,
      [this.now(), operationId, this.owner],
    );
    return changes > 0;
  }

  /**
   * On startup: PENDING operations whose owner `ownerIsAlive` reports dead become INTERRUPTED.
   * Returns them, oldest first. `ownerIsAliveOnThisHost` is the usual judge.
   */
  async markInterrupted(ownerIsAlive: (owner: string) => boolean | Promise<boolean>): Promise<Operation[]> {
    if (typeof ownerIsAlive !== 'function')
      throw new TypeError('markInterrupted() needs a function telling whether an owner is alive');
    const owners = await this.db.query<{ owner: string }>(
      `SELECT DISTINCT owner FROM operations WHERE state = 'PENDING'`,
    );
    const dead: string[] = [];
    for (const { owner } of owners) if (!(await ownerIsAlive(owner))) dead.push(owner);
    if (dead.length === 0) return [];
    const rows = await this.db.query<OperationRow>(
      `UPDATE operations SET state = 'INTERRUPTED', updated_at = $1
       WHERE state = 'PENDING' AND owner IN (${placeholders(dead.length, 2)})
       RETURNING ${OPERATION_COLUMNS}`,
      [this.now(), ...dead],
    );
    return rows.map(toOperation).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Renews the lease of every operation this process is running (PENDING and owned here), in one
   * statement: what keeps other processes sharing the database from taking them over. Resolves
   * with how many it renewed.
   */
  async heartbeat(): Promise<number> {
    const { changes } = await this.db.run(
      `UPDATE operations SET lease_expires_at = $1 WHERE state = 'PENDING' AND owner = $2`,
      [this.leaseExpiry(this.shared.clock()), this.owner],
    );
    return changes;
  }

  /**
   * PENDING operations of other processes whose lease expired (their owner stopped renewing it: it
   * died, or lost the database) become INTERRUPTED, as a restart finds a dead owner's: the
   * gateway's recovery settles them, or a replay of their key resumes them. One conditional UPDATE,
   * so of several processes looking at once each operation goes to exactly one. Returns the
   * operations this call interrupted, oldest first. Never this process's own: it is alive.
   */
  async expireLeases(): Promise<Operation[]> {
    const now = this.now();
    const rows = await this.db.query<OperationRow>(
      `UPDATE operations SET state = 'INTERRUPTED', updated_at = $1
       WHERE state = 'PENDING' AND owner <> $2 AND lease_expires_at IS NOT NULL AND lease_expires_at < $1
       RETURNING ${OPERATION_COLUMNS}`,
      [now, this.owner],
    );
    return rows.map(toOperation).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * INTERRUPTED operations the gateway's recovery may settle now, oldest first, at most `limit`:
   * every one without an idempotency key, and keyed ones left alone (not replayed) since before
   * `keyedBefore`. Operations without a recovery input (begun before the gateway kept one) are not
   * among them: there is nothing to settle them with.
   */
  async settleable(keyedBefore: Date, limit: number): Promise<Operation[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError(`settleable() limit must be a positive integer, got ${limit}`);
    const rows = await this.db.query<OperationRow>(
      `SELECT ${OPERATION_COLUMNS} FROM operations
       WHERE state = 'INTERRUPTED' AND recovery IS NOT NULL AND (idempotency_key IS NULL OR updated_at < $1)
       ORDER BY id LIMIT ${limit}`,
      [iso(keyedBefore, 'settleable() keyedBefore')],
    );
    return rows.map(toOperation);
  }

  async operation(id: string): Promise<Operation | null> {
    assertText(id, 'operation() id');
    const rows = await this.db.query<OperationRow>(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE id = $1`, [id]);
    return rows[0] ? toOperation(rows[0]) : null;
  }

  /** The operation an idempotency key names, if any: what an operator looks up after a crash. */
  async operationByKey(idempotencyKey: string): Promise<Operation | null> {
    assertText(idempotencyKey, 'operationByKey() idempotencyKey');
    const rows = await this.db.query<OperationRow>(
      `SELECT ${OPERATION_COLUMNS} FROM operations WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return rows[0] ? toOperation(rows[0]) : null;
  }

  /** A page of operations, newest first (by id, which follows creation time), and whether older ones follow. */
  async page(request: OperationPageRequest): Promise<{ operations: Operation[]; hasNextPage: boolean }> {
    if (!Number.isInteger(request.first) || request.first < 1)
      throw new TypeError(`page() first must be a positive integer, got ${request.first}`);
    const { where, params } = operationConditions(request, request.before);
    const rows = await this.db.query<OperationRow>(
      `SELECT ${OPERATION_COLUMNS} FROM operations ${where} ORDER BY id DESC LIMIT ${request.first + 1}`,
      params,
    );
    return { operations: rows.slice(0, request.first).map(toOperation), hasNextPage: rows.length > request.first };
  }

  /** How many operations meet the filter. */
  async count(filter: OperationFilter = {}): Promise<number> {
    const { where, params } = operationConditions(filter);
    const rows = await this.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM operations ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** The steps of several operations in one query, by operation id, each in the order they started. */
  async stepsOf(operationIds: readonly string[]): Promise<Map<string, OperationStep[]>> {
    const byOperation = new Map<string, OperationStep[]>(operationIds.map((id) => [id, []]));
    if (operationIds.length === 0) return byOperation;
    operationIds.forEach((id) => assertText(id, 'stepsOf() operation id'));
    const rows = await this.db.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM operation_steps WHERE operation_id IN (${placeholders(operationIds.length)}) ORDER BY started_at, source, action`,
      [...operationIds],
    );
    for (const row of rows) byOperation.get(row.operation_id)?.push(toStep(row));
    return byOperation;
  }

  /** The operation's steps in the order they started (to the millisecond; ties by source and action). */
  async steps(operationId: string): Promise<OperationStep[]> {
    assertText(operationId, 'steps() operationId');
    const rows = await this.db.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM operation_steps WHERE operation_id = $1 ORDER BY started_at, source, action`,
      [operationId],
    );
    return rows.map(toStep);
  }

  /** REPLAY when the key's operation is of the same mutation, input and secrets; KEY_REUSED otherwise. */
  private async replayOrReused(
    existing: Operation,
    input: BeginInput,
    secrets: InputSecrets | null,
  ): Promise<BeginResult> {
    const stored = existing.secretFingerprint;
    if (
      existing.mutation !== input.mutation ||
      existing.inputHash !== input.inputHash ||
      (stored === null) !== (secrets === null)
    ) {
      return { status: 'KEY_REUSED', operation: existing };
    }
    if (stored === null || secrets === null) return { status: 'REPLAY', operation: existing };
    const same = await secrets.matches(stored);
    // The slow comparison gave the operation time to move on (its first run may have finished): answer it as it is now.
    return { status: same ? 'REPLAY' : 'KEY_REUSED', operation: (await this.operation(existing.id)) ?? existing };
  }

  private now(): string {
    return iso(this.shared.clock(), 'the journal clock');
  }

  private leaseExpiry(now: Date): string {
    return iso(new Date(now.getTime() + this.shared.leaseTtlMs), 'an operation lease expiry');
  }

  private async finish(
    operationId: string,
    state: 'COMPLETED' | 'FAILED',
    payload: unknown,
    userId: string | null,
    settledBy: Settler,
  ): Promise<Operation> {
    assertText(operationId, 'operationId');
    if (userId !== null) assertText(userId, 'the user id of an operation');
    assertOneOf(SETTLERS, settledBy, 'settledBy');
    refuseSecretKeys(payload, 'a journal payload');
    const json = payload === undefined ? null : JSON.stringify(payload);
    const rows = await this.db.query<OperationRow>(
      `UPDATE operations SET state = $1, payload = $2, updated_at = $3, user_id = COALESCE(user_id, $6), recovery = NULL,
                             settled_by = $7
       WHERE id = $4 AND state = 'PENDING' AND owner = $5
       RETURNING ${OPERATION_COLUMNS}`,
      [state, json, this.now(), operationId, this.owner, userId, settledBy],
    );
    if (rows[0]) return toOperation(rows[0]);
    const existing = await this.operation(operationId);
    if (!existing) throw new OperationNotFoundError(operationId);
    throw new OperationNotPendingError(operationId, existing.state, existing.owner);
  }

  /** A step of an unknown operation fails its foreign key; say so in the journal's words. */
  private async writeStep(sql: string, params: SqlValue[], operationId: string): Promise<StepRow[]> {
    try {
      return await this.db.query<StepRow>(sql, params);
    } catch (error) {
      if (error instanceof ConstraintViolationError && error.kind === 'FOREIGN_KEY')
        throw new OperationNotFoundError(operationId);
      throw error;
    }
  }
}

/** The audit columns of an insert, in OPERATION_COLUMNS' order; a field name that is not a name is refused. */
function auditColumns(audit: OperationAudit): SqlValue[] {
  const fields = audit.fieldsChanged ?? [];
  for (const field of fields) {
    if (typeof field !== 'string' || !FIELD_NAME.test(field))
      throw new TypeError(
        `an operation's changed fields are names like "permissions.api", got ${JSON.stringify(String(field)).slice(0, 40)}`,
      );
  }
  for (const [value, what] of [
    [audit.userId, 'user id'],
    [audit.actor?.subject, 'actor subject'],
    [audit.actor?.role, 'actor role'],
  ] as const) {
    if (value !== undefined && value !== null) assertText(value, `the ${what} of an operation`);
  }
  return [
    audit.userId ?? null,
    audit.actor?.subject ?? null,
    audit.actor?.role ?? null,
    audit.clientAddress ?? null,
    audit.requestId ?? null,
    JSON.stringify(fields),
  ];
}

/** The WHERE clause of a filter (and of a page's start), with its parameters. */
function operationConditions(filter: OperationFilter, before?: string): { where: string; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: (placeholder: string) => string, value: string) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.userId !== undefined) add((p) => `user_id = ${p}`, filter.userId);
  if (filter.mutation !== undefined) add((p) => `mutation = ${p}`, filter.mutation);
  if (before !== undefined) add((p) => `id < ${p}`, before);
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

function toOperation(row: OperationRow): Operation {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    mutation: row.mutation,
    inputHash: row.input_hash,
    state: row.state as OperationState,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown),
    owner: row.owner,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    secretFingerprint: row.secret_fingerprint,
    userId: row.user_id,
    actor: row.actor_subject === null ? null : { subject: row.actor_subject, role: row.actor_role ?? '' },
    clientAddress: row.client_address,
    requestId: row.request_id,
    fieldsChanged: row.fields_changed === null ? [] : (JSON.parse(row.fields_changed) as string[]),
    recovery: row.recovery === null ? null : (JSON.parse(row.recovery) as unknown),
    settledBy: row.settled_by as Settler | null,
  };
}

function toStep(row: StepRow): OperationStep {
  return {
    operationId: row.operation_id,
    source: row.source as Source,
    action: row.action as StepAction,
    state: row.state as StepState,
    externalId: row.external_id,
    error: row.error === null ? null : (JSON.parse(row.error) as StepError),
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

/** A step's outcome as stepFinished takes it, checked; answers its error. */
function checkedOutcome(
  operationId: string,
  source: Source,
  action: StepAction,
  outcome: StepOutcome,
): StepError | null {
  assertStep(operationId, source, action);
  assertOneOf(FINISHED_STEP_STATES, outcome.state, 'stepFinished() state');
  if (outcome.externalId !== undefined && outcome.externalId !== null)
    assertText(outcome.externalId, 'stepFinished() externalId');
  const error = outcome.error ?? null;
  if (error !== null) {
    if (typeof error.code !== 'string' || typeof error.message !== 'string')
      throw new TypeError('stepFinished() error needs a code and a message');
    refuseSecretKeys(error, 'a journal step error');
  }
  return error;
}

function assertStep(operationId: string, source: Source, action: StepAction): void {
  assertText(operationId, 'operationId');
  assertSource(source);
  assertOneOf(STEP_ACTIONS, action, 'step action');
}
