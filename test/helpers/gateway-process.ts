import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** An admin API key the production entry accepts when started with {@link TEST_AUTH_ENV}. */
export const TEST_API_KEY = 'usergraph-test-admin-key-0123456789abcdef';
/** What a production gateway process needs to start: a way to authenticate (the key above, as its hash). */
export const TEST_AUTH_ENV = {
  AUTH_API_KEYS: `tests:admin:${createHash('sha256').update(TEST_API_KEY).digest('hex')}`,
};

/** A gateway running as its own process, as `npm start` runs it (from source, not a build). */
export interface GatewayProcess {
  /** The GraphQL endpoint, from the process's own "listening" log line. */
  url: string;
  /** Every log line the process wrote so far, parsed (pino JSON). */
  logs: Record<string, unknown>[];
  /** Resolves with the signal or exit code once the process is gone. */
  exited: Promise<NodeJS.Signals | number | null>;
  process: ChildProcess;
  /** The admin token requests carry: the one the demo logged, or the one given to {@link spawnGateway}. */
  token: string | null;
}

export interface SpawnOptions {
  /** The entry to run: `src/demo.ts` (what `npm start` runs, the default) or `src/index.ts` (production, no simulators). */
  entry?: 'src/demo.ts' | 'src/index.ts';
  /** An env file read by the shell first, as a user does: `set -a; . FILE; set +a`. */
  envFile?: string;
  /** The token to send, for a gateway that makes none (the production entry, with {@link TEST_AUTH_ENV}). */
  token?: string;
}

/** Every child process a test of this file started that has not closed yet. */
const running = new Set<ChildProcess>();

// A test that timed out (a slow machine) may leave the process it was waiting for behind, and a
// running child keeps jest from ending: whatever is still running when the file's tests end is killed.
afterAll(async () => {
  const closed = [...running].map((child) => new Promise((resolve) => child.once('close', resolve)));
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(closed);
});

/** Node running one of the project's TypeScript entries from source, through `sh` when an env file is to be sourced first. */
function spawnEntry(
  entry: string,
  args: readonly string[],
  env: Record<string, string>,
  envFile?: string,
): ChildProcess {
  const node = [process.execPath, '-r', './test/support/register-ts.js', '--', entry, ...args];
  const options = {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
  };
  const child =
    envFile === undefined
      ? spawn(node[0], node.slice(1), options)
      : spawn('/bin/sh', ['-c', 'set -a; . "$0"; set +a; exec "$@"', envFile, ...node], options);
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

/**
 * Starts the gateway in a child process with exactly `env` (plus PATH), and waits until it is up
 * (simulators started and linked, for the demo entry). The child's output is kept in `logs`; a
 * child that exits first rejects with its stderr.
 */
export function spawnGateway(env: Record<string, string>, options: SpawnOptions = {}): Promise<GatewayProcess> {
  const child = spawnEntry(options.entry ?? 'src/demo.ts', [], env, options.envFile);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  let url: string | null = null;
  let token = options.token ?? null;
  // 'close', not 'exit': only then has every line the process wrote been read.
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('close', (code, signal) => resolve(signal ?? code)),
  );
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '') continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'GraphQL gateway listening') url = String(entry['url']);
        if (entry['role'] === 'admin' && String(entry['msg']).startsWith('Demo ADMIN token'))
          token = /: (\S+)$/.exec(String(entry['msg']))![1]!;
        if (entry['msg'] === 'usergraph is up; press Ctrl-C to stop' && url !== null)
          resolve({ url, logs, exited, process: child, token });
      }
    });
    void exited.then((how) => reject(new Error(`the gateway exited (${how}) before listening:\n${stderr}`)));
  });
}

/** `npm run simulators` as its own process: its output so far, and how it ended. */
export interface SimulatorsProcess {
  /** What it printed on stdout: the environment, or where it wrote it. */
  stdout(): string;
  stderr(): string;
  exited: Promise<NodeJS.Signals | number | null>;
  process: ChildProcess;
}

/**
 * Starts src/cli/simulators.ts with `args` and exactly `env` (plus PATH), and waits until it said
 * the simulators are running (stderr) and what it says before that arrived on stdout: two pipes,
 * read in either order.
 */
export function spawnSimulators(args: readonly string[], env: Record<string, string>): Promise<SimulatorsProcess> {
  const child = spawnEntry('src/cli/simulators.ts', args, env);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('close', (code, signal) => resolve(signal ?? code)),
  );
  const running: SimulatorsProcess = { stdout: () => stdout, stderr: () => stderr, exited, process: child };
  return new Promise((resolve, reject) => {
    const resolveWhenRunning = () => {
      if (stderr.includes('The simulators are running') && stdout.endsWith('\n')) resolve(running);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      resolveWhenRunning();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      resolveWhenRunning();
    });
    void exited.then((how) => reject(new Error(`the simulators exited (${how}) before running:\n${stderr}`)));
  });
}

/** Runs an entry that is expected to stop by itself (a refused start) and answers how it ended and what it wrote. */
export function runToExit(
  entry: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEntry(entry, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Sends one GraphQL request to a gateway process, with its admin token. */
export async function post<Data>(
  gateway: Pick<GatewayProcess, 'url' | 'token'>,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: Data; errors?: unknown[] }> {
  const headers = {
    'content-type': 'application/json',
    ...(gateway.token !== null ? { authorization: `Bearer ${gateway.token}` } : {}),
  };
  const response = await fetch(gateway.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: Data; errors?: unknown[] };
}

/**
 * The production gateway processes one test starts in turn (a first run, a restart) against one
 * environment, with the test's admin API key; `killAll()` ends whatever is still running.
 */
export class GatewayProcesses {
  readonly started: GatewayProcess[] = [];

  constructor(private readonly env: () => Record<string, string>) {}

  async start(): Promise<GatewayProcess> {
    const gateway = await spawnGateway(this.env(), { entry: 'src/index.ts', token: TEST_API_KEY });
    this.started.push(gateway);
    return gateway;
  }

  async killAll(): Promise<void> {
    for (const gateway of this.started) {
      if (gateway.process.exitCode === null && gateway.process.signalCode === null) gateway.process.kill('SIGKILL');
      await gateway.exited;
    }
  }
}
