import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/platform/logger';
import { openDatabase, openSqliteDatabase, type Database } from '../../src/store';
import { testDatabaseEnv, testPostgresSettings, TEST_ENGINE } from '../helpers/test-store';

/** What the sync tests share: the command as a child process, a gateway in process, a scratch directory. */

const ROOT = join(__dirname, '..', '..');

/** A fresh directory for one suite's databases; `remove()` deletes it. */
export function scratchDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'usergraph-sync-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const databases = new Map<string, Promise<Record<string, string>>>();

/**
 * The variables that put the gateway's database of `dataDir` on the engine under test: nothing for
 * SQLite (the file in `dataDir`), a PostgreSQL schema of its own per `dataDir` (the same one for the
 * sync command and the gateway given that directory) under `npm run test:pg`.
 */
export function databaseEnvFor(dataDir: string | undefined): Promise<Record<string, string>> {
  if (TEST_ENGINE === 'sqlite' || dataDir === undefined) return Promise.resolve({});
  let env = databases.get(dataDir);
  if (env === undefined) {
    env = testDatabaseEnv();
    databases.set(dataDir, env);
  }
  return env;
}

/** One JSON line the sync printed (non-terminal output). */
export type SyncEvent = Record<string, unknown> & { event: string };

export interface SyncRun {
  process: ChildProcess;
  /** Every event printed so far. */
  events: SyncEvent[];
  stderr(): string;
  /** Resolves once it has exited, with its exit code (null when killed by a signal) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `npm run sync` as the project runs it from source (src/cli/sync.ts through
 * test/support/register-ts.js), with exactly `env` (plus PATH), stdout a pipe: JSON lines.
 */
export function startSync(env: Record<string, string>, args: readonly string[] = []): SyncRun {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.js', '--', 'src/cli/sync.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: SyncEvent[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      // Usage text (--help) is not JSON: kept as a `text` event.
      try {
        events.push(JSON.parse(line) as SyncEvent);
      } catch {
        events.push({ event: 'text', text: line });
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': only then has every line been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, events, stderr: () => stderr, exited };
}

/** Runs the sync to its end: its exit code, its events, and the summary and report it ended with. */
export async function runSync(env: Record<string, string>, args: readonly string[] = []) {
  const run = startSync({ ...env, ...(await databaseEnvFor(env['DATA_DIR'])) }, args);
  const { code } = await run.exited;
  const summary = run.events.find((event) => event.event === 'summary') as
    (SyncEvent & { changes: Record<string, number>; elapsedMs: number; maxRssKb: number }) | undefined;
  const report = run.events.find((event) => event.event === 'reconciliation');
  return { code, events: run.events, summary, report, stderr: run.stderr() };
}

/** Whether every change a summary counts is zero. */
export function noChanges(changes: Record<string, number>): boolean {
  return Object.values(changes).every((count) => count === 0);
}

/**
 * The production gateway (src/app.ts, as src/index.ts starts it, never with simulators) on `dataDir`,
 * in process, on a free port, with the vendors `vendorEnv` names. Authentication off, so requests
 * carry no token; the mirror refresher off, so only the sync under test walks a listing.
 */
export async function startGateway(
  vendorEnv: Record<string, string>,
  dataDir: string,
  extra: Record<string, string> = {},
): Promise<App> {
  const database = await databaseEnvFor(dataDir);
  return startApp(
    loadConfig({
      ...vendorEnv,
      DATA_DIR: dataDir,
      ...database,
      PORT: '0',
      AUTH: 'off',
      MIRROR_REFRESH_INTERVAL_S: '0',
      ...extra,
    }),
    silentLogger,
  );
}

/** One GraphQL request over HTTP. */
export async function query<Data>(
  url: string,
  text: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: Data; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await response.json()) as { data?: Data; errors?: { message: string }[] };
}

/** Reads the database the sync writes (another connection, as another process would). */
export async function withDatabase<T>(dataDir: string, read: (db: Database) => Promise<T>): Promise<T> {
  const { DATABASE_SCHEMA: schema } = await databaseEnvFor(dataDir);
  const db =
    schema === undefined
      ? openSqliteDatabase({ file: join(dataDir, 'usergraph.db') })
      : await openDatabase({ postgres: testPostgresSettings({ schema }) });
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}
