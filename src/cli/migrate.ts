import pino from 'pino';
import { loadConfig } from '../config';
import { ConfigError } from '../platform/env';
import { createLogger } from '../platform/logger';
import { describeTarget, migrate, openDatabase, StoreError, storeTarget } from '../store';

/**
 * `npx usergraph migrate`: brings the gateway's database (PostgreSQL with DATABASE_URL, else the
 * SQLite file in DATA_DIR) to this version's schema and says what it applied, for operators who
 * migrate before they deploy. The gateway runs the same migrations at start under the same lock,
 * so running it first is never required, and running it while gateways start is safe.
 *
 * Exit codes: 0 the schema is current; 1 a migration failed or the database could not be reached
 * (nothing of the failed migration stays); 2 bad arguments or configuration.
 */

const USAGE = `usage: npx usergraph migrate

Applies the migrations the database lacks, one transaction each, under the migration lock, and
prints what it applied. Reads the gateway's own configuration: DATABASE_URL (and DATABASE_*) for
PostgreSQL, otherwise DATA_DIR for the SQLite file.

exit codes: 0 the schema is current, 1 a migration failed or the database is unreachable, 2 bad arguments or configuration
`;

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`unknown argument ${JSON.stringify(args[0])}\n${USAGE}`);
    return 2;
  }
  let target;
  try {
    target = storeTarget(loadConfig(process.env).store);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const { engine, database } = describeTarget(target);
  process.stdout.write(`database: ${database} (${engine})\n`);
  // The log goes to stderr, warnings and up: the report below is what this command says.
  const logger = createLogger({ level: 'warn', destination: pino.destination({ dest: 2, sync: true }) });
  const db = await openDatabase(target, logger);
  try {
    const { applied, version } = await migrate(db, { logger });
    if (applied.length === 0) process.stdout.write(`nothing to apply: the schema is at version ${version}\n`);
    else {
      process.stdout.write(`applied ${applied.length} migration(s):\n`);
      for (const migration of applied) process.stdout.write(`  ${migration.version} ${migration.name}\n`);
      process.stdout.write(`the schema is at version ${version}\n`);
    }
    return 0;
  } catch (error) {
    // The store's errors never hold the URL's password; anything else is shown by its message alone.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`migrate failed${error instanceof StoreError ? ` (${error.code})` : ''}: ${message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
