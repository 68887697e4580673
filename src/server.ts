import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { QueryLimits } from './config';
import type { Context } from './context';
import type { Logger } from './logger';
import { queryCostLimit } from './query-cost';
import { isVendorError } from './sources/errors';

/**
 * The Apollo server, without listening (tests execute operations on it directly, or start it on
 * port 0). Stack traces never reach clients, and unexpected errors are logged and masked so no
 * URL, SQL or internal message leaks. Documents over the token limit are not parsed, and operations
 * over the cost limit are refused before anything resolves.
 */
export function createGraphQLServer(schema: GraphQLSchema, logger: Logger, limits: QueryLimits, plugins: ApolloServerPlugin<Context>[] = []): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [queryCostLimit(schema, limits.maxCost), ...plugins],
    // index.ts owns SIGINT/SIGTERM: Apollo's own handler would re-raise the signal and kill the
    // process before the datasources, simulators and database are closed.
    stopOnTerminationSignals: false,
    // The one place where errors from below the resolvers become GraphQL errors.
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      if (formatted.extensions?.['code'] !== 'INTERNAL_SERVER_ERROR') return formatted;
      const cause = unwrapResolverError(error);
      // A vendor that failed nulls its own fields only, with a stable code and the vendor named.
      if (isVendorError(cause)) {
        return { ...formatted, message: cause.message, extensions: { code: cause.code, source: cause.source, retryable: cause.retryable } };
      }
      logger.error({ err: cause, path: formatted.path }, 'unexpected error while resolving');
      return { ...formatted, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
