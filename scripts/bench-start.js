#!/usr/bin/env node
'use strict';
/**
 * How long `npm start` takes to answer its first GraphQL request: a cold start (dist/ removed, so
 * everything compiles) and then a restart with nothing changed, both on a fresh data directory and
 * free ports. Prints the figures; asserts nothing (timings belong in figures, not in tests).
 *
 *   npm run bench:start            cold start, then a warm restart
 *   npm run bench:start -- --warm  two warm restarts only (keeps dist/)
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function firstAnswer(port, child, deadline) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no answer within 120 s');
}

async function timeStart(label, port) {
  const dataDir = mkdtempSync(join(tmpdir(), 'usergraph-bench-start-'));
  const started = process.hrtime.bigint();
  const child = spawn(npm, ['start', '--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SIM_RAINMAKER_PORT: '0',
      SIM_ENGAGEMENT_PORT: '0',
      SIM_GREENARROW_PORT: '0',
      SIM_USER_MANAGEMENT_PORT: '0',
    },
    detached: true,
  });
  try {
    await firstAnswer(port, child, Date.now() + 120_000);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s to the first GraphQL answer`);
    return ms;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const port = 40_000 + Math.floor(Math.random() * 10_000);
  const warmOnly = process.argv.includes('--warm');
  const figures = [];
  if (!warmOnly) {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    figures.push(await timeStart('first start (compiles src/)', port));
  }
  figures.push(await timeStart('restart, nothing changed', port));
  if (warmOnly) figures.push(await timeStart('restart, nothing changed', port));
  if (figures.length === 2 && !warmOnly) console.log(`ratio first/restart: ${(figures[0] / figures[1]).toFixed(1)}x`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
