#!/usr/bin/env node
'use strict';
/**
 * Checks package-lock.json for the two faults that have broken a fresh install before:
 *  - an entry without a version (npm 11.19's `npm ci` stops with "Invalid Version"), and
 *  - a production dependency whose `engines.node` excludes a Node this project supports
 *    (package.json `engines.node`: the lowest release of each major it names), which `npm start`
 *    would run on.
 * Development-only packages that want a newer Node are listed as a note: they are loaders of the
 * codegen CLI for remote schemas this project never loads, and helpers of the Hive Gateway that
 * `npm run test:federation` runs on Node 20 (see docs/decisions.md).
 * Exit code 1 when a fault is found.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const semver = require('semver');

const root = join(__dirname, '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The lowest release of each range `engines.node` names (`^20.19.0 || ^22.13.0` gives 20.19.0 and 22.13.0). */
const supported = new semver.Range(manifest.engines.node).set.map(
  (comparators) => semver.minVersion(new semver.Range(comparators.map(String).join(' '))).version,
);

const faults = [];
const devOnly = new Set();
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.link) continue;
  if (!entry.version) faults.push(`${path}: no version (npm ci fails with "Invalid Version")`);
  const wanted = entry.engines?.node;
  if (typeof wanted !== 'string' || supported.every((version) => semver.satisfies(version, wanted))) continue;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (entry.dev) devOnly.add(`${name}@${entry.version} (node ${wanted})`);
  else
    faults.push(
      `${path}@${entry.version}: production dependency needs node ${wanted}, the project supports ${manifest.engines.node}`,
    );
}

if (devOnly.size > 0)
  console.log(
    `note: ${devOnly.size} development-only packages want a newer Node than one the project supports (harmless: the codegen CLI's loaders for remote schemas use them, and codegen.yml reads local files; so does the Hive Gateway of npm run test:federation, which runs and passes on Node 20): ${[...devOnly].join(', ')}`,
  );
if (faults.length > 0) {
  console.error(`package-lock.json has ${faults.length} fault(s):\n  ${faults.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `package-lock.json: ${Object.keys(lock.packages).length - 1} entries, every one with a version; production dependencies all run on node ${supported.join(', ')}`,
);
