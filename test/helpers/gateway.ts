import type { ExecutionResult } from 'graphql';
import type { App } from '../../src/app';
import type { DemoTokens } from '../../src/auth/demo-tokens';
import { createLogger, type Logger } from '../../src/platform/logger';
import { runInRequest, type Role } from '../../src/platform/request-context';
import { startDemoGateway, type DemoGateway } from '../../src/demo';
import { testDatabaseEnv } from './test-store';
import { SIMULATORS_ON_FREE_PORTS } from './vendor-fixture';

/** The gateway and the simulators in front of it, as bootGateway starts them. */
export type BootedGateway = DemoGateway;

/**
 * What `npm start` runs (src/demo.ts: the simulators, then the gateway in front of them), isolated
 * per suite: everything on free ports, the database in memory (under `npm run test:pg`, a fresh
 * PostgreSQL schema of its own), and only the variables given here (nothing from this process's
 * environment).
 */
export async function bootGateway(
  env: Record<string, string> = {},
  logger: Logger = createLogger({ level: 'silent' }),
): Promise<BootedGateway> {
  return startDemoGateway(
    {
      PORT: '0',
      DATA_DIR: ':memory:',
      ...(await testDatabaseEnv()),
      ...SIMULATORS_ON_FREE_PORTS,
      ...env,
    },
    logger,
  );
}

/** A gateway to send requests to: its URL and, for the demo, the tokens it made. */
export type Reachable = Pick<App, 'url'> & { tokens?: Pick<DemoTokens, 'admin'> | null };

/** The Authorization header carrying `token`, or no header for null. */
export function bearer(token: string | null | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Sends one GraphQL request over HTTP, as a client would: with the demo's admin token unless
 * `options.token` names another (null: no Authorization header at all).
 */
export async function graphql<Data = Record<string, unknown>>(
  app: Reachable,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string | null } = {},
): Promise<ExecutionResult<Data> & { status: number }> {
  const token = options.token === undefined ? app.tokens?.admin : options.token;
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as ExecutionResult<Data>) };
}

/**
 * Runs `fn` as a request of an actor with `role` would run: for operations executed in process
 * (`app.graphql.executeOperation`), which do not pass through the HTTP front that authenticates.
 */
export function asActor<T>(role: Role, fn: () => T): T {
  return runInRequest(
    {
      requestId: `test-${role}`,
      actor: { subject: `test-${role}`, role, method: 'jwt' },
      clientAddress: null,
      carried: new Set(),
      vendorCallsLeft: null,
    },
    fn,
  );
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
