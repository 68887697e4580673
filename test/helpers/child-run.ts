import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Runs a TypeScript script of the repository (`script`, from its root) in a child Node run with
 * --expose-gc, to its end, and resolves with the JSON line it printed last on stdout, after passing
 * its report (stderr) through. The child gets no environment but PATH and `env`, and must end by
 * itself: one that does not (a leaked socket or timer) is killed at `timeoutMs` and rejects.
 */
export function runScript(
  script: string,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '-r', 'reflect-metadata', '-r', './test/support/register-ts.js', script],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      process.stdout.write(stderr);
      if (code !== 0)
        return reject(
          new Error(
            `${script} ended with ${signal ?? `exit code ${code}`} (a process that does not end by itself leaked a socket or timer)\n${stderr}`,
          ),
        );
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, any>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
