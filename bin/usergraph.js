#!/usr/bin/env node
'use strict';
/**
 * `npx usergraph <command> [options]` in this repository (npm links a package's own `bin` for
 * `npm exec`). Compiles src/ when it changed since the last build (scripts/build.js), then runs the
 * command in this process, so signals (Ctrl-C) and the exit code are the command's own.
 *
 * Commands: `sync` (src/cli/sync.ts: import the vendors' users; `npx usergraph sync --help`),
 * `migrate` (src/cli/migrate.ts: bring the database's schema up to date and say what was applied).
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const COMMANDS = {
  sync: join(root, 'dist', 'src', 'cli', 'sync.js'),
  migrate: join(root, 'dist', 'src', 'cli', 'migrate.js'),
};
const USAGE = `usage: npx usergraph <command> [options]\ncommands: ${Object.keys(COMMANDS).join(', ')}\n`;

const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  process.exit(2);
}
// The build writes tsc's own messages; a failed one ends here with its code.
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.js')], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (build.status !== 0) process.exit(build.status ?? 1);
process.argv = [process.argv[0], COMMANDS[command], ...args];
require(COMMANDS[command]);
