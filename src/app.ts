import type { Config } from './config';
import type { Logger } from './logger';
import { startSimulators, type RunningSimulators } from './simulators';
import { closeSources, createSources, type Sources } from './sources';

/** Everything `npm start` runs, with one way to stop it. No process-level wiring: tests import it. */
export interface App {
  simulators: RunningSimulators;
  sources: Sources;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const simulators = await startSimulators(config);
  for (const [source, simulator] of Object.entries(simulators.simulators)) {
    logger.info({ source, url: simulator.url }, `${source} simulator listening`);
  }
  const sources = createSources(config.vendors, simulators.endpoints, { logger });
  for (const source of Object.keys(sources) as (keyof Sources)[]) {
    const placement = config.vendors[source].mode;
    const ready = sources[source] !== null;
    logger.info({ source, placement, configured: ready }, `${source} datasource ${ready ? 'ready' : 'not configured'}`);
  }
  let stopped: Promise<void> | null = null;
  return {
    simulators,
    sources,
    stop() {
      stopped ??= closeSources(sources).then(() => simulators.close());
      return stopped;
    },
  };
}
