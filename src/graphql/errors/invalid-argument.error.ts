/**
 * An argument the schema cannot constrain is wrong: a page size out of range, a cursor from another
 * connection, two arguments where exactly one is wanted. Resolvers throw it; the server's error
 * formatter (format-error.ts) answers it as BAD_USER_INPUT, naming the argument when one is at fault.
 */
export class InvalidArgumentError extends Error {
  readonly code = 'BAD_USER_INPUT';

  constructor(
    message: string,
    readonly argumentName?: string,
  ) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}
