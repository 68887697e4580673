import 'reflect-metadata';
import { startApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';

/** Process wiring only: configuration, logger, start, and a clean stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const app = await startApp(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'startup failed');
    process.exit(1);
  });
  logger.info('usergraph is up; press Ctrl-C to stop');

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
