import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A gateway running as its own process, as `npm start` runs it (from source, not a build). */
export interface GatewayProcess {
  /** The GraphQL endpoint, from the process's own "listening" log line. */
  url: string;
  /** Every log line the process wrote so far, parsed (pino JSON). */
  logs: Record<string, unknown>[];
  /** Resolves with the signal or exit code once the process is gone. */
  exited: Promise<NodeJS.Signals | number | null>;
  process: ChildProcess;
}

/**
 * Starts `src/index.ts` in a child process with exactly `env` (plus PATH), and waits for it to
 * listen. The child's output is kept in `logs`; a child that exits first rejects with its stderr.
 */
export function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.js', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  // 'close', not 'exit': only then has every line the process wrote been read.
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '') continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'GraphQL gateway listening') resolve({ url: String(entry['url']), logs, exited, process: child });
      }
    });
    void exited.then((how) => reject(new Error(`the gateway exited (${how}) before listening:\n${stderr}`)));
  });
}

/** Sends one GraphQL request to a gateway process. */
export async function post<Data>(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: Data; errors?: unknown[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: Data; errors?: unknown[] };
}
