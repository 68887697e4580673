import type { Source } from '../domain/types';
import type { Database } from './database';
import { assertSource, assertString, iso } from './values';

/** Where one walk of a vendor's listing (or of one account) stands. */
export interface Checkpoint {
  source: Source;
  /** '' for a vendor's whole listing, the account id for an account's members. */
  scope: string;
  /** When the walk began; records not seen since then, once it completes, are gone at the vendor. */
  runStartedAt: Date;
  /** The next page to read; null for the first. */
  cursor: string | null;
  state: 'RUNNING' | 'DONE';
  /** Records read so far in this walk. */
  records: number;
  /** How many the vendor said it holds, when it says. */
  total: number | null;
  /** When the last complete walk ended. */
  finishedAt: Date | null;
  updatedAt: Date;
}

interface Row {
  source: string;
  scope: string;
  run_started_at: string;
  cursor: string | null;
  state: string;
  records: number | string;
  total: number | string | null;
  finished_at: string | null;
  updated_at: string;
}

const COLUMNS = 'source, scope, run_started_at, cursor, state, records, total, finished_at, updated_at';

/**
 * The sync's checkpoints (table `sync_checkpoints`), one per vendor listing or account. A page's
 * records and the checkpoint after it are written in one transaction, so a walk stopped at any
 * moment resumes at the first page it had not finished.
 */
export class CheckpointStore {
  constructor(private readonly db: Database) {}

  on(db: Database): CheckpointStore {
    return new CheckpointStore(db);
  }

  async get(source: Source, scope: string): Promise<Checkpoint | null> {
    assertSource(source);
    assertString(scope, 'get() scope');
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM sync_checkpoints WHERE source = $1 AND scope = $2`, [
      source,
      scope,
    ]);
    return rows[0] === undefined ? null : toCheckpoint(rows[0]);
  }

  /** Every checkpoint, by source and scope. */
  async all(): Promise<Checkpoint[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM sync_checkpoints ORDER BY source, scope`);
    return rows.map(toCheckpoint);
  }

  /** Starts a new walk from the first page (a finished walk's `finishedAt` is kept). */
  async begin(source: Source, scope: string, at: Date): Promise<Checkpoint> {
    assertSource(source);
    assertString(scope, 'begin() scope');
    const now = iso(at, 'begin() at');
    const rows = await this.db.query<Row>(
      `INSERT INTO sync_checkpoints (${COLUMNS}) VALUES ($1, $2, $3, NULL, 'RUNNING', 0, NULL, NULL, $3)
       ON CONFLICT (source, scope) DO UPDATE SET run_started_at = excluded.run_started_at, cursor = NULL, state = 'RUNNING',
         records = 0, total = NULL, updated_at = excluded.updated_at
       RETURNING ${COLUMNS}`,
      [source, scope, now],
    );
    return toCheckpoint(rows[0]);
  }

  /** Records that the walk has read `records` records and goes on at `cursor`. */
  async advance(
    source: Source,
    scope: string,
    progress: { cursor: string | null; records: number; total: number | null },
    at: Date,
  ): Promise<void> {
    assertSource(source);
    await this.db.run(
      'UPDATE sync_checkpoints SET cursor = $1, records = $2, total = $3, updated_at = $4 WHERE source = $5 AND scope = $6',
      [progress.cursor, progress.records, progress.total, iso(at, 'advance() at'), source, scope],
    );
  }

  /** Forgets a walk (an account that no longer exists). */
  async remove(source: Source, scope: string): Promise<void> {
    assertSource(source);
    await this.db.run('DELETE FROM sync_checkpoints WHERE source = $1 AND scope = $2', [source, scope]);
  }

  /** Marks the walk complete. */
  async finish(source: Source, scope: string, at: Date): Promise<void> {
    assertSource(source);
    const now = iso(at, 'finish() at');
    await this.db.run(
      "UPDATE sync_checkpoints SET state = 'DONE', cursor = NULL, finished_at = $1, updated_at = $1 WHERE source = $2 AND scope = $3",
      [now, source, scope],
    );
  }
}

function toCheckpoint(row: Row): Checkpoint {
  return {
    source: row.source as Source,
    scope: row.scope,
    runStartedAt: new Date(row.run_started_at),
    cursor: row.cursor,
    state: row.state as Checkpoint['state'],
    records: Number(row.records),
    total: row.total === null ? null : Number(row.total),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    updatedAt: new Date(row.updated_at),
  };
}
