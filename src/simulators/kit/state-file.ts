import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The file a simulator keeps its records in, so that a restarted simulator holds what the gateway's
 * database links to. The file names the simulator and a format version around the store's own
 * state, so a file of another simulator or another format is refused instead of half-loaded.
 */

/** Bumped when a store's state changes shape; an older file is then refused, not misread. */
const STATE_VERSION = 1;

/** What every refusal of a file's content tells the operator to do. */
const deleteAdvice = 'delete it to start over';

const stateFileSchema = z.strictObject({
  simulator: z.string(),
  version: z.number().int(),
  state: z.unknown(),
});

/** A state file that cannot be used: its message names the file, what is wrong and what to do. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    simulator: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`The ${simulator} simulator's state file ${file} ${problem}`, options);
    this.name = 'StateFileError';
  }
}

/** Ids and id counters: positive safe integers. */
export const recordId = () => z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Parses a store's state with its schema. A store calls this before touching its records, so a
 * state that does not fit leaves the store as it was; the TypeError names the first bad field.
 */
export function parseState<T>(owner: string, schema: z.ZodType<T>, state: unknown): T {
  const parsed = schema.safeParse(state);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length === 0 ? 'the state' : issue.path.map(String).join('.');
  throw new TypeError(`${owner}: ${where}: ${issue.message}`);
}

/**
 * The state saved for `simulator` in `file`, or undefined when there is no such file. Anything
 * else that is wrong with the file (not JSON, not a state file, another simulator's) throws a
 * StateFileError saying to delete it.
 */
export function readStateFile(file: string, simulator: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, simulator, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, simulator, `is not JSON (corrupt?); ${deleteAdvice}`, { cause: error });
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) throw new StateFileError(file, simulator, `is not a simulator state file; ${deleteAdvice}`);
  const saved = parsed.data;
  if (saved.simulator !== simulator) {
    throw new StateFileError(
      file,
      simulator,
      `holds the state of the ${JSON.stringify(saved.simulator)} simulator; ${deleteAdvice}`,
    );
  }
  if (saved.version !== STATE_VERSION) {
    throw new StateFileError(
      file,
      simulator,
      `has format version ${saved.version}, this simulator reads version ${STATE_VERSION}; ${deleteAdvice}`,
    );
  }
  return saved.state;
}

/**
 * Replaces `file` with `state` atomically: the text goes to `<file>.tmp`, is flushed to disk, then
 * renamed over the file, so a kill at any moment leaves either the old state or the new one, never
 * a torn file. Synchronous on purpose: the simulator answers only after its state is saved, so a
 * record the gateway heard about is never lost. The file holds password hashes: owner-only.
 */
export function writeStateFile(file: string, simulator: string, state: unknown): void {
  const text = `${JSON.stringify({ simulator, version: STATE_VERSION, state }, null, 2)}\n`;
  const temporary = `${file}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'w', 0o600);
    try {
      // A `.tmp` left by an earlier kill keeps its mode when reopened; the state must not.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    throw new StateFileError(file, simulator, `cannot be written: ${(error as Error).message}`, { cause: error });
  }
}
