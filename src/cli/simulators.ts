import { spawnSync } from 'node:child_process';
import { closeSync, fchmodSync, openSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { runEntryPoint, type EntryLog } from '../platform/entry-point';
import { StartupError } from '../platform/startup-error';
import { loadSimulatorConfig } from '../simulators/config';
import { simulatorEnv, startSimulators } from '../simulators';

/**
 * `npm run simulators [-- --env-file FILE]`: the four simulators alone, seeded, on their ports
 * (SIM_<VENDOR>_PORT, default 4101 to 4104), keeping their records under DATA_DIR/simulators, until
 * Ctrl-C. It prints the environment a gateway needs to use them (base URLs and this run's fresh
 * credentials, `NAME=value` lines on stdout), or writes it to FILE, readable by its owner only, and
 * prints where. Then, for example:
 *
 *   set -a; . ./sim.env; set +a; SIMULATORS=none npm start
 *
 * Everything else it says goes to stderr, so stdout is only the environment.
 *
 * The npm script runs `node -- cli.js`: Node 20 reads an `--env-file` even after the script name
 * as its own option (and stops when the file does not exist yet); `--` ends its options.
 */

const USAGE = 'usage: npm run simulators [-- --env-file FILE]';

/** The command line: only `--env-file FILE` (or `--env-file=FILE`). Anything else is answered with the usage and exit code 2. */
function parseArguments(args: readonly string[]): { envFile: string | null } {
  let envFile: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value =
      arg === '--env-file' ? args[++i] : arg.startsWith('--env-file=') ? arg.slice('--env-file='.length) : undefined;
    if (value === undefined || value === '' || envFile !== null) {
      process.stderr.write(
        `${arg === '--env-file' || arg.startsWith('--env-file=') ? `${arg} needs one file name` : `unknown argument ${JSON.stringify(arg)}`}\n${USAGE}\n`,
      );
      process.exit(2);
    }
    envFile = value;
  }
  return { envFile };
}

/** A value as `sh`'s `.` reads it back unchanged: bare when that is safe, otherwise single-quoted. */
function shellValue(value: string): string {
  return /^[A-Za-z0-9_.,:/@+=-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value` lines, for `set -a; . FILE; set +a` or any reader of env files. */
function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${shellValue(value)}\n`)
    .join('');
}

/** Writes the text to `file` readable by its owner only, even when the file existed with a wider mode: it holds credentials. */
function writePrivateFile(file: string, text: string): void {
  try {
    const fd = openSync(file, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new StartupError(`The environment file ${file} could not be written: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Whether git would offer `file` for a commit: it lies in a git working tree and no ignore rule
 * covers it (git's own answer, `git check-ignore`). False when git is missing or there is no tree.
 * The repository ignores sim.env and *.env, but an env file may be given any name.
 */
function committable(file: string): boolean {
  const answer = spawnSync('git', ['check-ignore', '-q', '--', basename(file)], {
    cwd: dirname(resolve(file)),
    stdio: 'ignore',
  });
  // 0: ignored; 1: not ignored, inside a working tree; anything else: not a working tree, or no git.
  return answer.status === 1;
}

/** Plain sentences on stderr: stdout carries only the environment. */
const stderrLog: EntryLog = {
  info: (_fields, message) => process.stderr.write(`${message}\n`),
  error: (fields, message) => process.stderr.write(`${message}: ${errorText(fields)}\n`),
  fatal: (fields, message) => process.stderr.write(`${message}: ${errorText(fields)}\n`),
};

function errorText(fields: object): string {
  const error = (fields as { err?: unknown }).err;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

runEntryPoint({
  configure() {
    const { envFile } = parseArguments(process.argv.slice(2));
    return { config: loadSimulatorConfig(process.env), envFile, log: stderrLog };
  },
  async start({ config, envFile, log }) {
    const running = await startSimulators(config);
    for (const [source, simulator] of Object.entries(running.simulators))
      log.info({}, `${source} simulator listening on ${simulator.url}`);
    const text = envFileText(simulatorEnv(running));
    try {
      if (envFile === null) process.stdout.write(text);
      else {
        writePrivateFile(envFile, text);
        process.stdout.write(`Wrote the simulators' base URLs and credentials to ${resolve(envFile)}\n`);
        if (committable(envFile))
          process.stderr.write(
            `Warning: ${resolve(envFile)} holds this run's credentials and git would commit it (no .gitignore rule covers it): add it to .gitignore, or write it outside the working tree\n`,
          );
      }
    } catch (error) {
      await running.close();
      throw error;
    }
    return { stop: () => running.close() };
  },
  readyMessage: 'The simulators are running; press Ctrl-C to stop them',
});
