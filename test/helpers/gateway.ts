import type { ExecutionResult } from 'graphql';
import type { App } from '../../src/app';
import { createLogger, type Logger } from '../../src/logger';
import { startDemoGateway, type DemoGateway } from '../../src/simulators/demo-gateway';

/** The gateway and the simulators in front of it, as bootGateway starts them. */
export type BootedGateway = DemoGateway;

/**
 * What `npm start` runs (src/demo.ts: the simulators, then the gateway in front of them), isolated
 * per suite: everything on free ports, the database in memory, and only the variables given here
 * (nothing from this process's environment).
 */
export function bootGateway(env: Record<string, string> = {}, logger: Logger = createLogger({ level: 'silent' })): Promise<BootedGateway> {
  return startDemoGateway(
    {
      PORT: '0',
      DATA_DIR: ':memory:',
      SIM_RAINMAKER_PORT: '0',
      SIM_ENGAGEMENT_PORT: '0',
      SIM_GREENARROW_PORT: '0',
      SIM_USER_MANAGEMENT_PORT: '0',
      ...env,
    },
    logger,
  );
}

/** Sends one GraphQL request over HTTP, as a client would. */
export async function graphql<Data = Record<string, unknown>>(
  app: Pick<App, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<ExecutionResult<Data> & { status: number }> {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as ExecutionResult<Data>) };
}

/** Clears every simulator's call log and faults, and the store's query count. */
export function resetCounters(app: BootedGateway): void {
  for (const simulator of Object.values(app.simulators.simulators)) {
    simulator.resetCalls();
    simulator.clearFaults();
  }
  app.store.db.resetQueryCount();
}

/** Every simulator's calls per route, by vendor, leaving out vendors that were not called. */
export function vendorCalls(app: BootedGateway): Record<string, Record<string, number>> {
  const calls: Record<string, Record<string, number>> = {};
  for (const [source, simulator] of Object.entries(app.simulators.simulators)) {
    const counts = simulator.calls();
    if (Object.keys(counts).length > 0) calls[source] = counts;
  }
  return calls;
}
