import { close, fsync, open } from 'node:fs';
import { promisify } from 'node:util';
import { DatabaseClosedError, DatabaseError } from './errors';

const openFile = promisify(open);
const fsyncFile = promisify(fsync);
const closeFile = promisify(close);

/**
 * Makes the embedded database's commits durable off the event loop, several at a time.
 *
 * The connection runs in WAL mode with `synchronous = NORMAL`: a COMMIT writes its frames to the
 * WAL file (the operating system has them, so a crash of the process loses nothing) without waiting
 * for the disk. `synchronous = FULL` would make each COMMIT wait for an `fsync` of the WAL, on the
 * event loop, since better-sqlite3 is synchronous: 3–11 ms each on the development machine, during
 * which no request moves. Here, once a commit returns, `durable()` resolves after an `fsync` of the
 * WAL file that began after it, run on libuv's thread pool; commits made while one runs share the
 * next. The caller (SqliteDatabase) answers a transaction only then, so a committed journal step
 * survives a power cut as it did with FULL.
 *
 * The file descriptor stays open as long as the database: closing another descriptor of a file
 * would release the process's POSIX locks on it (SQLite keeps none on the WAL, but nothing here
 * depends on that). SQLite keeps the WAL file (same inode, rewritten from its start after a
 * checkpoint) while its connection is open; a checkpoint syncs what it copies itself.
 */
export class WalSync {
  private descriptor: Promise<number> | null = null;
  /** The fsync in flight, if any. */
  private running: Promise<void> | null = null;
  /** The fsync queued behind the running one, shared by every commit made meanwhile. */
  private queued: Promise<void> | null = null;
  private closed = false;
  /** How many fsyncs were made: commits share them, so fewer than the commits under concurrency. */
  syncs = 0;

  constructor(
    private readonly walFile: string,
    private readonly sync: (fd: number) => Promise<void> = fsyncFile,
  ) {}

  /** Resolves once everything committed before the call is on the disk. */
  durable(): Promise<void> {
    if (this.closed) return Promise.reject(new DatabaseClosedError());
    // A running fsync may have begun before this commit: wait for the next one, which begins after it.
    if (this.running !== null) {
      this.queued ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.start();
        });
      return this.queued;
    }
    return this.start();
  }

  /** Closes the descriptor once the syncs under way are done. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.queued, this.running]);
    const descriptor = this.descriptor;
    this.descriptor = null;
    if (descriptor !== null) {
      const fd = await descriptor.catch(() => null);
      if (fd !== null) await closeFile(fd);
    }
  }

  private start(): Promise<void> {
    const run = this.fsync().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async fsync(): Promise<void> {
    let fd: number;
    try {
      this.descriptor ??= openFile(this.walFile, 'r');
      fd = await this.descriptor;
    } catch (error) {
      // The next commit tries to open it again.
      this.descriptor = null;
      // No WAL yet: nothing was committed through it (a statement that wrote nothing), nothing to flush.
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return;
      throw ioError(error, 'opened');
    }
    this.syncs++;
    try {
      await this.sync(fd);
    } catch (error) {
      throw ioError(error, 'flushed to the disk');
    }
  }
}

function ioError(error: unknown, what: string): DatabaseError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? 'EIO';
  return new DatabaseError('SQLITE_IOERR_FSYNC', `the database's write-ahead log could not be ${what} (${code})`, {
    cause: error,
  });
}
