#!/usr/bin/env node
'use strict';
/**
 * Compiles src/ into dist/ only when something the output depends on changed since the last build.
 *
 * Why: `tsc` takes 6 s from scratch and about 3 s even incrementally with nothing to do (it loads
 * itself and re-reads every file), and `npm start` used to pay that on every start. Here a restart
 * with nothing changed costs one walk of src/ comparing sizes and modification times against the
 * stamp the last build left, a few milliseconds. When anything differs, tsc runs incrementally
 * (its own .tsbuildinfo decides what to re-emit) and the stamp is rewritten.
 *
 * `--force` always compiles. Exit code: tsc's.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-stamp');
const buildInfo = join(dist, '.tsbuildinfo');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Every input file as "path size mtime", sorted, so any edit, addition or removal changes the text. */
function fingerprint() {
  const lines = [`node ${process.version}`];
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
      return;
    }
    lines.push(`${relative(root, path)} ${stat.size} ${Math.trunc(stat.mtimeMs)}`);
  };
  for (const input of inputs) visit(join(root, input));
  return lines.join('\n');
}

const force = process.argv.includes('--force');
const current = fingerprint();
const previous = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : null;
if (!force && previous === current && existsSync(join(dist, 'src', 'index.js'))) process.exit(0);

// A stale stamp must not survive a failed compile, or the next start would skip the build.
rmSync(stampFile, { force: true });
const tsc = require.resolve('typescript/bin/tsc');
const result = spawnSync(
  process.execPath,
  [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', buildInfo],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stampFile, current);
