import { ConfigError } from './env';
import { StartupError } from './startup-error';

/** What an entry point says about its life: a pino logger, or plain lines on stderr. */
export interface EntryLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
  fatal(fields: object, message: string): void;
}

/** What an entry point starts: something that stops cleanly. */
export interface Running {
  stop(): Promise<void>;
  /** The longest `stop()` may take; past it the process exits with 1 all the same. */
  readonly stopWithinMs?: number;
}

export interface EntryPoint<Settings> {
  /** Reads the configuration and makes the log; a ConfigError it throws stops the process with its message. */
  configure(): Settings & { log: EntryLog };
  /** Starts everything; what it returns runs until SIGINT or SIGTERM. */
  start(settings: Settings & { log: EntryLog }): Promise<Running>;
  /** Logged once everything has started. */
  readyMessage: string;
}

/**
 * The process wiring the entry points share. A configuration problem (ConfigError) prints its
 * message on stderr and exits with 2; a startup problem the operator fixes (StartupError, such as a
 * busy port) prints its one sentence and exits with 1; any other startup failure is logged as fatal
 * and exits with 1. SIGINT or SIGTERM stops everything (once it has started, when it comes during
 * startup) and exits with 0, or with 1 when the stop failed or took longer than it said it would
 * (`stopWithinMs`); a second one ends the process at once.
 */
export function runEntryPoint<Settings>(entry: EntryPoint<Settings>): void {
  let settings: Settings & { log: EntryLog };
  try {
    settings = entry.configure();
  } catch (error) {
    exitForOperator(error);
    throw error;
  }
  const { log } = settings;
  const started = entry.start(settings);
  // Listening from the start: a signal during startup stops what started once it has, and the
  // ready line can only be read once a signal would be handled.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    started
      .then((running) => {
        if (running.stopWithinMs !== undefined) {
          // The stop bounds itself; this only catches a stop that hangs all the same.
          setTimeout(() => {
            log.error({ stopWithinMs: running.stopWithinMs }, 'the stop took longer than it may; exiting');
            process.exit(1);
          }, running.stopWithinMs).unref();
        }
        return running.stop();
      })
      .then(
        () => {
          log.info({}, 'stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'unclean stop');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  started.then(
    () => log.info({}, entry.readyMessage),
    (error: unknown) => {
      exitForOperator(error);
      log.fatal({ err: error }, 'startup failed');
      process.exit(1);
    },
  );
}

/** Ends the process with the plain message of an error the operator fixes; returns for any other error. */
function exitForOperator(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
