import { existsSync } from 'node:fs';
import pino from 'pino';
import { loadConfig, type Config } from '../config';
import { SOURCES, type Source } from '../domain/types';
import { ConfigError } from '../platform/env';
import { createLogger } from '../platform/logger';
import { ReconciliationService } from '../sync/reconciliation';
import { createAdapters } from '../vendors/registry';
import { openStore, storeTarget } from '../store';
import { JsonLinesReporter, TerminalReporter, type SyncReporter } from '../sync/progress';
import { planSync, runSync } from '../sync/run-sync';

/**
 * `npm run sync [-- OPTIONS]` (or `npx usergraph sync [OPTIONS]`): imports the people of every
 * vendor that can list them into the gateway's database, with the gateway's own configuration (the
 * vendors' `*_BASE_URL` and credentials, `DATA_DIR`), links them to gateway users and prints the
 * reconciliation report. Progress bars on a terminal, JSON lines otherwise. Ctrl-C (or SIGTERM)
 * stops it after the page in hand; run it again to resume where it stopped.
 *
 * Exit codes: 0 every vendor was read to the end; 1 a vendor failed (the others were read; run it
 * again to resume); 2 bad arguments or configuration, or no vendor configured; 3 interrupted by a
 * signal (run it again to resume).
 */

export const EXIT_CODES = { done: 0, failed: 1, usage: 2, interrupted: 3 } as const;

const USAGE = `usage: npm run sync -- [--dry-run] [--source SOURCE]... [--accounts ID,ID...] [--report-limit N] [--json]
   or: npx usergraph sync [the same options]

  --dry-run          read the vendors and report what would change; write nothing
  --source SOURCE    sync only this vendor (${SOURCES.join(', ')}); repeatable
  --accounts IDS     accounts to read besides SYNC_ACCOUNT_IDS and those the gateway knows
  --report-limit N   entries per list of the reconciliation report (default 20)
  --json             JSON lines even on a terminal

exit codes: 0 done, 1 a vendor failed (run again to resume), 2 bad arguments or configuration, 3 interrupted (run again to resume)
`;

interface Arguments {
  dryRun: boolean;
  sources: Source[];
  accounts: string[];
  reportLimit: number;
  json: boolean;
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Arguments | 'help' {
  const parsed: Arguments = { dryRun: false, sources: [], accounts: [], reportLimit: 20, json: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const given = inline ?? args[++i];
      if (given === undefined || given === '') throw new UsageError(`${flag} needs a value`);
      return given;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--dry-run':
        parsed.dryRun = true;
        break;
      case '--json':
        parsed.json = true;
        break;
      case '--source': {
        const source = value().toUpperCase();
        if (!(SOURCES as readonly string[]).includes(source))
          throw new UsageError(`--source: expected one of ${SOURCES.join(', ')}, got "${source}"`);
        parsed.sources.push(source as Source);
        break;
      }
      case '--accounts':
        parsed.accounts.push(
          ...value()
            .split(',')
            .map((id) => id.trim())
            .filter((id) => id !== ''),
        );
        break;
      case '--report-limit': {
        const limit = Number(value());
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new UsageError('--report-limit: expected an integer from 1 to 10000');
        parsed.reportLimit = limit;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(args[i])}`);
    }
  }
  return parsed;
}

async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  let args: Arguments | 'help';
  let config: Config;
  try {
    args = parseArguments(argv);
    if (args === 'help') {
      process.stdout.write(USAGE);
      return EXIT_CODES.done;
    }
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}`);
    else if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else throw error;
    return EXIT_CODES.usage;
  }
  // stdout carries the progress and the report; the log goes to stderr.
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: 2, sync: true }) });
  const adapters = createAdapters(config.vendors, { logger });
  if (adapters.all().length === 0) {
    process.stderr.write(
      `No vendor is configured: set ${SOURCES.map((source) => `${source}_BASE_URL`).join(', ')} and their credentials, as for the gateway.\n`,
    );
    return EXIT_CODES.usage;
  }
  // A dry run against a database file that does not exist yet reads an empty one, creating no file.
  const { file, postgres } = config.store;
  const fresh = postgres === null && args.dryRun && file !== ':memory:' && !existsSync(file);
  const store = await openStore({ ...storeTarget(fresh ? { file: ':memory:', postgres } : config.store), logger });
  const stopping = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      process.stderr.write(`${signal} again: stopping now; the next run resumes from the last finished page\n`);
      process.exit(EXIT_CODES.interrupted);
    }
    process.stderr.write(
      `${signal}: stopping after the page in hand; run the sync again to resume (${signal} again to stop at once)\n`,
    );
    stopping.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const plan = await planSync(adapters, store, [...config.sync.accountIds, ...args.accounts], args.sources);
    const reporter: SyncReporter =
      args.json || !process.stdout.isTTY ? new JsonLinesReporter() : new TerminalReporter();
    reporter.begin(plan, args.dryRun);
    const result = await runSync(
      { store, logger },
      plan,
      {
        dryRun: args.dryRun,
        pagesPerSecond: config.sync.pagesPerSecond,
        leaseTtlMs: config.sync.leaseTtlMs,
        signal: stopping.signal,
      },
      reporter,
    );
    const report = await new ReconciliationService(adapters, store).report(args.reportLimit);
    const exitCode = { DONE: EXIT_CODES.done, FAILED: EXIT_CODES.failed, INTERRUPTED: EXIT_CODES.interrupted }[
      result.status
    ];
    reporter.end(result, report, {
      elapsedMs: Math.round(performance.now() - started),
      maxRssKb: process.resourceUsage().maxRSS,
      exitCode,
    });
    return exitCode;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await adapters.close();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_CODES.failed;
  },
);
