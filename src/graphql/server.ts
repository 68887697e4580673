import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { mutationsForAdmins } from '../auth/roles';
import type { RequestServices } from '../services/request-services';
import type { QueryLimits, SchemaExposure } from './settings';
import type { Logger } from '../platform/logger';
import { operationShapeLimits } from './plugins/operation-limits';
import { queryCostLimit } from './plugins/query-cost';
import { currentRequest } from '../platform/request-context';
import { isVendorError } from '../vendors/transport/errors';

/**
 * The Apollo server, without listening (tests execute operations on it directly, or start it on
 * port 0). Stack traces never reach clients, and unexpected errors are logged and masked so no
 * URL, SQL or internal message leaks. Documents over the token limit are not parsed; before
 * anything resolves, a mutation from anyone but an admin is refused, then operations over the
 * shape limits (mutation fields, depth, aliases), then those over the cost limit. Introspection
 * and "Did you mean" suggestions are as `exposure` says.
 */
export function createGraphQLServer(
  schema: GraphQLSchema,
  logger: Logger,
  limits: QueryLimits,
  plugins: ApolloServerPlugin<RequestServices>[] = [],
  exposure: SchemaExposure = { introspection: false, suggestions: false },
): ApolloServer<RequestServices> {
  return new ApolloServer<RequestServices>({
    schema,
    includeStacktraceInErrorResponses: false,
    introspection: exposure.introspection,
    hideSchemaDetailsFromClientErrors: !exposure.suggestions,
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [mutationsForAdmins(), operationShapeLimits(limits), queryCostLimit(schema, limits.maxCost), ...plugins],
    // index.ts owns SIGINT/SIGTERM: Apollo's own handler would re-raise the signal and kill the
    // process before the datasources, simulators and database are closed.
    stopOnTerminationSignals: false,
    // The one place where errors from below the resolvers become GraphQL errors.
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      const code = formatted.extensions?.['code'];
      if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') {
        const message = withoutSubmittedValues(formatted.message, innerMessage(error));
        return message === formatted.message ? formatted : { ...formatted, message };
      }
      if (code !== 'INTERNAL_SERVER_ERROR') return formatted;
      const cause = unwrapResolverError(error);
      // A vendor that failed nulls its own fields only, with a stable code and the vendor named.
      if (isVendorError(cause)) {
        return {
          ...formatted,
          message: cause.message,
          extensions: { code: cause.code, source: cause.source, retryable: cause.retryable },
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
    },
  });
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
