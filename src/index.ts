import 'reflect-metadata';
import { startApp } from './app';
import { loadConfig } from './config';
import { runEntryPoint } from './entry-point';
import { createLogger } from './logger';

/**
 * The production entry: the gateway in front of the vendor endpoints the environment names. It
 * never starts simulators; `npm start` runs src/demo.ts, which does.
 */
runEntryPoint({
  configure() {
    const config = loadConfig();
    return { config, log: createLogger({ level: config.logLevel }) };
  },
  start: ({ config, log }) => startApp(config, log),
  readyMessage: 'usergraph is up; press Ctrl-C to stop',
});
