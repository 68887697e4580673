import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Runs a TypeScript script of the repository (`script`, from its root) in a child Node run with
 * --expose-gc, to its end, and returns the JSON line it printed last on stdout, after passing its
 * report (stderr) through. The child gets no environment but PATH and `env`, and must end by itself:
 * one that does not (a leaked socket or timer) is killed at `timeoutMs` and fails the test.
 *
 * The run is synchronous on purpose: the test's own process holds no handle (pipe, timer) of the
 * child's while it runs, so jest's open-handle detection sees only what the test itself leaves.
 */
export function runScript(script: string, timeoutMs: number, env: Record<string, string> = {}): Record<string, any> {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', 'reflect-metadata', '-r', './test/support/register-ts.js', script],
    {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    },
  );
  process.stdout.write(run.stderr ?? '');
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(
      `${script} ended with ${run.signal ?? `exit code ${run.status}`} (a process that does not end by itself leaked a socket or timer)\n${run.stderr}`,
    );
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, any>;
}
