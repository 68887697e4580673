import pino, { type DestinationStream, type Logger } from 'pino';
import { maskEmails, mentionsSecretKey, redactCredentials, redactSecretKeys } from './redaction';
import { currentRequest } from './request-context';

export type { Logger };

/** pino's level number of `warn`: lines at it and above never hold an email address (error monitoring is read more widely). */
const WARN_LEVEL = 40;

/**
 * A written line with the value under every secret key (src/platform/redaction.ts), at any depth,
 * replaced. The code never logs headers, bodies or settings on purpose; this is the second line of
 * defence. Done on the line as written, so the error serializer's output and a child logger's
 * bindings pass it too; a line that mentions no secret key anywhere is not parsed at all.
 */
function withoutSecretKeys(line: string): string {
  if (!mentionsSecretKey(line)) return line;
  const entry = JSON.parse(line) as unknown;
  const redacted = redactSecretKeys(entry);
  return redacted === entry ? line : `${JSON.stringify(redacted)}\n`;
}

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read every line back. */
  destination?: DestinationStream;
}

/**
 * Synchronous stdout: a line logged just before `process.exit` (a fatal startup error, the last
 * line of a clean stop) is written, and written in order. At `info` the gateway logs at startup,
 * at shutdown and on errors, not per request, so the blocking write costs nothing on the hot path.
 */
function stdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/** The request id of the request being served, for the line being logged. */
function requestIdOfLine(): { requestId?: string } {
  const scope = currentRequest();
  return scope ? { requestId: scope.requestId } : {};
}

export function createLogger(options: LoggerOptions): Logger {
  // The level of the line being written: pino calls streamWrite inside the log call, with the text only.
  let writing = 0;
  return pino(
    {
      level: options.level,
      base: { service: 'usergraph' },
      hooks: {
        logMethod(args, method, level) {
          writing = level;
          try {
            method.apply(this, args);
          } finally {
            writing = 0;
          }
        },
        streamWrite(line) {
          const scrubbed = redactCredentials(withoutSecretKeys(line));
          return writing >= WARN_LEVEL ? maskEmails(scrubbed) : scrubbed;
        },
      },
      // Every line logged while serving a request names it, so one request's lines can be found together.
      mixin: requestIdOfLine,
    },
    options.destination ?? stdout(),
  );
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
