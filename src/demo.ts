import 'reflect-metadata';
import { runEntryPoint } from './entry-point';
import { createLogger } from './logger';
import { loadDemoConfig, startDemoGateway } from './simulators/demo-gateway';

/**
 * What `npm start` runs: the gateway with a simulator in front of it for every vendor the
 * environment gives no base URL (`SIMULATORS=none`: none). The production entry is src/index.ts.
 */
runEntryPoint({
  configure() {
    const { gateway } = loadDemoConfig(process.env);
    return { log: createLogger({ level: gateway.logLevel }) };
  },
  start: ({ log }) => startDemoGateway(process.env, log),
  readyMessage: 'usergraph is up; press Ctrl-C to stop',
});
