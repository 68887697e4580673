import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequest } from './request-context';

export type { Logger };

/**
 * Keys whose value is a secret wherever it appears in a logged object: passwords, authorization
 * headers (HTTP Basic and Bearer alike), API keys, tokens, and the SigV4 secret key and session
 * token. The code never logs headers, bodies or settings on purpose; redaction is the second line
 * of defence.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'new_password',
  'secret',
  'clientSecret',
  'secretAccessKey',
  'sessionToken',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'apiKey',
  'api_key',
  'journalKey',
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'X-Api-Key',
  'x-amz-security-token',
  'X-Amz-Security-Token',
];

/** How deep a secret key is looked for: `password`, `input.password`, … down to four objects in. */
const REDACTED_DEPTH = 4;

/** Every key at every depth up to REDACTED_DEPTH, in pino's path syntax (`*.*.password`, `*["x-api-key"]`). */
const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  return Array.from({ length: REDACTED_DEPTH + 1 }, (_, depth) => {
    if (plain) return `${'*.'.repeat(depth)}${key}`;
    return depth === 0 ? `["${key}"]` : `*${'.*'.repeat(depth - 1)}["${key}"]`;
  });
});

/**
 * Credentials inside text, which no path can reach (a message, an error's words): HTTP Basic and
 * Bearer credentials, and a SigV4 signature or session token as a signed request or its canonical
 * form writes them. Replaced in every line as written.
 */
const CREDENTIALS_IN_TEXT: [RegExp, string][] = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, '$1 [redacted]'],
  [/\b(Signature=)[0-9a-f]{16,}/gi, '$1[redacted]'],
  [/\b(Credential=)[A-Za-z0-9/_-]{8,}/gi, '$1[redacted]'],
  [/\b(x-amz-security-token[=:]\s*)[^\s",&]+/gi, '$1[redacted]'],
];

/** An email address in a line; lines at warn and above never hold one (error monitoring is read more widely). */
const EMAIL_IN_LINE = /[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:]+/g;
const WARN_LEVEL = 40;

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
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
          let scrubbed = line;
          for (const [pattern, replacement] of CREDENTIALS_IN_TEXT) scrubbed = scrubbed.replace(pattern, replacement);
          return writing >= WARN_LEVEL ? scrubbed.replace(EMAIL_IN_LINE, '[email]') : scrubbed;
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
