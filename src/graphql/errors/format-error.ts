import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../platform/logger';
import { currentRequest } from '../../platform/request-context';
import { StoreUnavailableError } from '../../store/errors';
import { isVendorError } from '../../vendors/transport/errors';
import { InvalidArgumentError } from './invalid-argument.error';

/**
 * Apollo's `formatError`: the one place where errors become what a client reads. Resolvers throw
 * what went wrong (an InvalidArgumentError, a vendor's VendorError, anything unexpected) and build
 * no GraphQL error themselves; graphql-js's own input errors lose the values a client submitted.
 * GraphQL errors raised elsewhere with a code of their own (the plugins' limits and cost, the role
 * checks) carry their HTTP status and pass unchanged.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') {
      const message = withoutSubmittedValues(formatted.message, innerMessage(error));
      return message === formatted.message ? formatted : { ...formatted, message };
    }
    if (code !== 'INTERNAL_SERVER_ERROR') return formatted;
    const cause = unwrapResolverError(error);
    if (cause instanceof InvalidArgumentError) {
      const { argumentName } = cause;
      return {
        ...formatted,
        message: cause.message,
        extensions: { code: cause.code, ...(argumentName !== undefined ? { argumentName } : {}) },
      };
    }
    // A vendor that failed nulls its own fields only, with a stable code and the vendor named.
    if (isVendorError(cause)) {
      return {
        ...formatted,
        message: cause.message,
        extensions: { code: cause.code, source: cause.source, retryable: cause.retryable },
      };
    }
    // The database down or too slow: the engine logged it once; the client may try again shortly.
    if (cause instanceof StoreUnavailableError) {
      return {
        ...formatted,
        message: "The gateway's database is unavailable; try again shortly",
        extensions: { code: cause.code, retryable: true },
      };
    }
    // The client gets the request id to quote; the log line (which carries the same id) gets the error.
    const requestId = currentRequest()?.requestId;
    logger.error({ err: cause, path: formatted.path }, 'unexpected error while resolving');
    return {
      ...formatted,
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId !== undefined ? { requestId } : {}) },
    };
  };
}

/** The message of the error graphql-js wrapped (a scalar's or an input type's own complaint), if any. */
function innerMessage(error: unknown): string | undefined {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  return original instanceof Error ? original.message : undefined;
}

/** A GraphQL name, as field names in an input path are; anything else a client typed is not repeated. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * graphql-js puts the submitted value in its coercion errors (`Variable "$input" got invalid value
 * { email: ..., password: "..." }; ...`), so a password sent with a misspelt field came back in the
 * answer. This keeps what a client needs, the variable, the path inside it and the type expected,
 * and drops every value. Messages without a value pass unchanged.
 */
export function withoutSubmittedValues(message: string, inner: string | undefined): string {
  const variable = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value /.exec(message);
  if (variable) {
    const name = variable[1];
    // The message is `<prefix>; <inner>`; the path ends the prefix, after the value.
    const prefix = inner !== undefined && message.endsWith(`; ${inner}`) ? message.slice(0, -(inner.length + 2)) : '';
    const path = / at "([_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*|\[\d+\])*)"$/.exec(prefix)?.[1];
    return `Variable "$${name}" has an invalid value${path !== undefined ? ` at "${path}"` : ''}: ${expectation(inner)}`;
  }
  const literal = /^Expected value of type "([^"]+)", found /.exec(message);
  if (literal) return `Expected value of type "${literal[1]}"; the value given does not fit it`;
  const argument = /^Argument "([_A-Za-z][_0-9A-Za-z]*)" has invalid value /.exec(message);
  if (argument) return `Argument "${argument[1]}" has an invalid value`;
  return message;
}

/** What the type expected, from graphql-js's inner message, in words that hold no submitted value. */
function expectation(inner: string | undefined): string {
  if (inner === undefined) return 'it does not fit its type.';
  const schemaOnly =
    /^Field "[_A-Za-z][_0-9A-Za-z]*" of required type "[^"]+" was not provided\.$/.exec(inner) ??
    /^Exactly one key must be specified for OneOf type "[^"]+"\.$/.exec(inner);
  if (schemaOnly) return schemaOnly[0];
  const unknown = /^Field "(.*)" is not defined by type "([_A-Za-z][_0-9A-Za-z]*)"\./s.exec(inner);
  if (unknown)
    return NAME.test(unknown[1])
      ? `Field "${unknown[1]}" is not defined by type "${unknown[2]}".`
      : `a field is not defined by type "${unknown[2]}".`;
  const type =
    /^Expected (?:non-nullable )?type "([^"]+)"/.exec(inner)?.[1] ??
    /^Enum "([_A-Za-z][_0-9A-Za-z]*)" cannot represent/.exec(inner)?.[1] ??
    /does not exist in "([_A-Za-z][_0-9A-Za-z]*)" enum/.exec(inner)?.[1] ??
    /^([_A-Za-z][_0-9A-Za-z]*) cannot represent/.exec(inner)?.[1];
  return type !== undefined ? `expected type "${type}".` : 'it does not fit its type.';
}
