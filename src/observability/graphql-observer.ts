import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import type { GatewayMetrics, OperationOutcome } from './metrics';
import type { Tracing } from './tracing';

/**
 * An Apollo plugin that counts and times every GraphQL request by operation name, type and outcome
 * (success; partial: data with errors, such as a vendor's fields nulled; error: no data), and names
 * the request's server span after its operation (`mutation CreateUser`) with its outcome and error
 * codes. Either part may be off.
 */
export function observeOperations<Context extends object>(parts: {
  metrics: GatewayMetrics | null;
  tracing: Tracing | null;
}): ApolloServerPlugin<Context> {
  const { metrics, tracing } = parts;
  return {
    async requestDidStart() {
      const started = performance.now();
      const span = tracing?.currentSpan();
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          const name = operationName ?? '(anonymous)';
          span?.updateName(`${operation.operation} ${name}`);
          span?.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': name });
        },
        async willSendResponse({ response, operation, operationName }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const errors = body.errors ?? [];
          const hasData = 'data' in body && body.data !== null && body.data !== undefined;
          const outcome: OperationOutcome = errors.length === 0 ? 'success' : hasData ? 'partial' : 'error';
          const type = operation?.operation ?? 'unknown';
          const name = operation ? (operationName ?? '(anonymous)') : '(unknown)';
          metrics?.operationFinished({ name, type, outcome, seconds: (performance.now() - started) / 1000 });
          if (span) {
            const codes = [
              ...new Set(
                errors.map((error) =>
                  typeof error.extensions?.['code'] === 'string' ? error.extensions['code'] : 'UNKNOWN',
                ),
              ),
            ];
            span.setAttributes({
              'usergraph.graphql.outcome': outcome,
              ...(codes.length > 0 ? { 'usergraph.graphql.error_codes': codes } : {}),
            });
            if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] });
          }
        },
      };
    },
  };
}
