import 'reflect-metadata';
import { startApp, type App } from './app';
import { demoAuthEnv, mintDemoTokens, type DemoTokens } from './auth/demo-tokens';
import { loadConfig, type Config } from './config';
import { ConfigError, EnvReader, type Env } from './platform/env';
import { SOURCES, type Source } from './domain/types';
import { loadSimulatorConfig, type SimulatorConfig } from './simulators/config';
import { simulatorEnv, startSimulators, type RunningSimulators } from './simulators';
import { seedIdentityStore } from './simulators/seed-identities';
import { runEntryPoint } from './platform/entry-point';
import { createLogger, type Logger } from './platform/logger';

/** The gateway `npm start` runs, with the simulators it started in front of it. */
export interface DemoGateway extends App {
  simulators: RunningSimulators;
  /** The tokens the demo made and logged, or null when the environment configures authentication itself. */
  tokens: DemoTokens | null;
}

/**
 * What the demo turns on unless the environment says otherwise: a playground that can explore the
 * schema, served as a Federation subgraph so that `_entities` and `_service` (admins only) can be tried.
 */
const DEMO_DEFAULTS: Env = { GRAPHQL_INTROSPECTION: 'true', GRAPHQL_SUGGESTIONS: 'true', GRAPHQL_SUBGRAPH: 'true' };

/**
 * Both configurations the demo reads from one environment, every problem of both reported at
 * once (a variable both read, such as RAINMAKER_MIN_PASSWORD_LENGTH, is named once).
 */
export function loadDemoConfig(env: Env): { gateway: Config; simulators: SimulatorConfig } {
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const gateway = attempt(() => loadConfig(env));
  const simulators = attempt(() => loadSimulatorConfig(env));
  if (gateway === undefined || simulators === undefined) throw new ConfigError(problems);
  return { gateway, simulators };
}

/**
 * Prints the demo's tokens, one line each, saying which is which: whoever started the demo uses them
 * in the playground's headers or with curl. They die with the process (their secret is never kept).
 */
function logDemoTokens(tokens: DemoTokens, logger: Logger): void {
  const expiresAt = tokens.expiresAt.toISOString();
  logger.info(
    { role: 'admin', subject: 'demo-admin', expiresAt },
    `Demo ADMIN token (may query and mutate; send it as Authorization: Bearer <token>): ${tokens.admin}`,
  );
  logger.info(
    { role: 'viewer', subject: 'demo-viewer', expiresAt },
    `Demo VIEWER token (may only query; send it as Authorization: Bearer <token>): ${tokens.viewer}`,
  );
}

/** Whether the gateway listens on a loopback address only (HOST), so its playground reaches no one but this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The vendors the demo simulates: with `SIMULATORS=auto`, every vendor the environment gives no base URL. */
export function simulatedSources(config: SimulatorConfig, env: Env): Source[] {
  if (config.mode === 'none') return [];
  const read = new EnvReader(env);
  return SOURCES.filter((source) => read.raw(`${source}_BASE_URL`) === undefined);
}

/**
 * Starts what `npm start` runs: a simulator for every vendor without a base URL (unless
 * `SIMULATORS=none`), then the gateway, configured from `env` with the simulators' URLs and fresh
 * credentials laid over it, exactly as if they had been set by hand, with introspection and
 * suggestions on unless `env` says otherwise and, unless `env` configures authentication, a fresh
 * HS256 secret and an admin and a viewer token it logs; then links the simulators'
 * sample records in the gateway's identity store (the gateway already answers meanwhile; the
 * promise resolves once they are linked). `stop()` stops the gateway, then the simulators. Nothing
 * is left running when any step fails.
 */
export async function startDemoGateway(env: Env, logger: Logger): Promise<DemoGateway> {
  const { simulators: config } = loadDemoConfig(env);
  const simulators = await startSimulators(config, simulatedSources(config, env));
  let app: App | undefined;
  let tokens: DemoTokens | null = null;
  try {
    for (const [source, simulator] of Object.entries(simulators.simulators)) {
      logger.info({ source, url: simulator.url }, `${source} simulator listening`);
    }
    const demoAuth = demoAuthEnv(env);
    const gatewayConfig = loadConfig({ ...DEMO_DEFAULTS, ...env, ...simulatorEnv(simulators), ...demoAuth });
    if (demoAuth['AUTH_JWT_SECRET'] !== undefined) tokens = await mintDemoTokens(gatewayConfig.auth.jwt);
    // The playground hands the tokens to whoever opens it: only where no one but this machine can.
    const offered = tokens !== null && isLoopback(gatewayConfig.host) ? tokens : undefined;
    app = await startApp(gatewayConfig, logger, offered ? { demoTokens: offered } : {});
    if (tokens !== null) logDemoTokens(tokens, logger);
    await seedIdentityStore(app.store.identities, simulators);
    // Fields of a vendor that can only be listed are read from the gateway's mirror of it: fill it now.
    if (Object.keys(simulators.simulators).length > 0) await app.mirror.refresh();
  } catch (error) {
    try {
      await app?.stop();
    } finally {
      await simulators.close();
    }
    throw error;
  }
  const gateway = app;
  let stopped: Promise<void> | null = null;
  return {
    ...gateway,
    simulators,
    tokens,
    stop() {
      stopped ??= gateway.stop().finally(() => simulators.close());
      return stopped;
    },
  };
}

/**
 * What `npm start` runs: the gateway with a simulator in front of it for every vendor the
 * environment gives no base URL (`SIMULATORS=none`: none). The production entry is src/index.ts.
 * Run only as the process's entry: tests import this module for startDemoGateway.
 */
if (require.main === module) {
  runEntryPoint({
    configure() {
      const { gateway } = loadDemoConfig(process.env);
      return { log: createLogger({ level: gateway.logLevel }) };
    },
    start: ({ log }) => startDemoGateway(process.env, log),
    readyMessage: 'usergraph is up; press Ctrl-C to stop',
  });
}
