// First, before anything loads graphql: see the module.
import './platform/production-mode';
import 'reflect-metadata';
import { startApp } from './app';
import { requireAuthentication } from './auth/settings';
import { loadConfig } from './config';
import { runEntryPoint } from './platform/entry-point';
import { createLogger } from './platform/logger';

/**
 * The production entry: the gateway in front of the vendor endpoints the environment names. It
 * never starts simulators; `npm start` runs src/demo.ts, which does. It refuses to start without a
 * way to authenticate callers (AUTH_JWT_SECRET, AUTH_JWKS_URL, AUTH_JWKS_FILE or AUTH_API_KEYS)
 * unless authentication is switched off with AUTH=off. It runs graphql-js in production mode unless
 * NODE_ENV says otherwise (src/platform/production-mode.ts).
 */
runEntryPoint({
  configure() {
    const config = loadConfig();
    requireAuthentication(config.auth);
    return { config, log: createLogger({ level: config.logLevel }) };
  },
  start: ({ config, log }) => startApp(config, log),
  readyMessage: 'usergraph is up; press Ctrl-C to stop',
});
