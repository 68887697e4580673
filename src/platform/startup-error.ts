/**
 * Startup failed for a reason the operator fixes, not a bug: a port already in use, say. Its message
 * is one plain sentence naming what to change, printed as it is (no stack trace, no log line), as a
 * ConfigError is.
 */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * Why a server could not listen, as a StartupError: a busy or forbidden port names the variable
 * that moves it, an address that is not this machine's the variable that sets it.
 */
export function listenFailure(
  what: string,
  at: { host: string; port: number },
  variables: { host: string; port: string },
  error: unknown,
): StartupError {
  const { host, port } = at;
  const code = (error as NodeJS.ErrnoException).code;
  let reason: string;
  if (code === 'EADDRINUSE') reason = `port ${port} is in use (set ${variables.port})`;
  else if (code === 'EACCES') reason = `this user may not listen on port ${port} (set ${variables.port})`;
  else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    reason = `${host} is not an address of this machine (set ${variables.host})`;
  else reason = (error as Error).message;
  return new StartupError(`${what} could not listen on ${host}:${port}: ${reason}`, { cause: error });
}
