import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequest } from './request-context';

export type { Logger };

/**
 * Paths that may carry a secret if someone ever logs a request or an input object. The code never
 * logs headers or bodies on purpose; redaction is the second line of defence.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'input.password',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-amz-security-token"]',
  'authorization',
  'secretAccessKey',
  '*.secretAccessKey',
  'apiKey',
  '*.apiKey',
];

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
  return pino(
    {
      level: options.level,
      base: { service: 'usergraph' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Every line logged while serving a request names it, so one request's lines can be found together.
      mixin: requestIdOfLine,
    },
    options.destination ?? stdout(),
  );
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
