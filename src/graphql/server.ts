import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { mutationsForAdmins } from '../auth/roles';
import type { RequestServices } from '../services/request-services';
import type { QueryLimits, SchemaExposure } from './settings';
import type { Logger } from '../platform/logger';
import { createErrorFormatter } from './errors/format-error';
import { operationShapeLimits } from './plugins/operation-limits';
import { queryCostLimit } from './plugins/query-cost';

/**
 * The Apollo server, without listening (tests execute operations on it directly, or start it on
 * port 0). Stack traces never reach clients; every error is answered in one place
 * (errors/format-error.ts), where unexpected ones are logged and masked so no URL, SQL or internal
 * message leaks. Documents over the token limit are not parsed; before anything resolves, a
 * mutation from anyone but an admin is refused, then operations over the shape limits (mutation
 * fields, depth, aliases), then those over the cost limit. Introspection and "Did you mean"
 * suggestions are as `exposure` says. No plugin instruments fields one by one.
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
    // The HTTP front checks both before Apollo sees a request: cross-site forgery by its own rule
    // (src/edge/cross-site.ts, which also lets a GET with a Bearer token through), and persisted
    // documents from the manifests only (src/edge/persisted-documents.ts), never registered by clients.
    csrfPrevention: false,
    persistedQueries: false,
    plugins: [
      mutationsForAdmins(),
      operationShapeLimits(limits),
      queryCostLimit(schema, limits.maxCost),
      // Apollo's default cache-control plugin wraps every field's resolver to gather cache hints
      // that nothing reads: the HTTP front answers `cache-control: no-store` whatever they say.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo adds its inline traces (ftv1) to a subgraph's answers for any caller that asks with
      // a header; the gateway's own traces and metrics (docs/observability.md) measure it instead.
      ApolloServerPluginInlineTraceDisabled(),
      ...plugins,
    ],
    // index.ts owns SIGINT/SIGTERM: Apollo's own handler would re-raise the signal and kill the
    // process before the vendor clients, simulators and database are closed.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
  });
}
