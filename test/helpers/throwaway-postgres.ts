import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

/** The machine's PostgreSQL 15 programs (Debian's layout); USERGRAPH_TEST_PG_BIN names another directory. */
const BIN = process.env['USERGRAPH_TEST_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory on a free loopback port, for tests
 * that stop, pause or restart the server: the shared one on 5432 is never touched. Its user
 * `postgres` needs `password` (SCRAM), so tests can check where a password does not go.
 */
export interface ThrowawayPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  password: string;
  start(): Promise<void>;
  /** A fast shutdown: sessions are ended, the server is down until `start()`. */
  stop(): Promise<void>;
  /** Freezes the server and every backend (SIGSTOP): connections stay open and nothing answers. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user. */
const asRoot = userInfo().uid === 0;

async function as(command: string, args: readonly string[]): Promise<void> {
  const program = join(BIN, command);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', program, ...args]);
  else await run(program, [...args]);
}

export async function startThrowawayPostgres(password: string): Promise<ThrowawayPostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'usergraph-pg-'));
  const data = join(directory, 'data');
  const passwordFile = join(directory, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (asRoot) {
    const postgres = await run('id', ['-u', 'postgres']);
    const group = await run('id', ['-g', 'postgres']);
    for (const path of [directory, passwordFile]) chownSync(path, Number(postgres.stdout), Number(group.stdout));
    chmodSync(directory, 0o700);
  }
  await as('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '--no-sync',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => as('pg_ctl', ['start', '-w', '-D', data, '-l', join(directory, 'server.log'), '-o', options]);
  const stop = () => as('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', data]);
  /** The postmaster and its children (backends and auxiliary processes). */
  const processes = async (): Promise<number[]> => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
    return [
      postmaster,
      ...stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(Number),
    ];
  };
  const signal = async (name: NodeJS.Signals) => {
    for (const pid of await processes()) process.kill(pid, name);
  };
  await start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    password,
    start,
    stop,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    destroy: async () => {
      try {
        await signal('SIGCONT');
        await stop();
      } catch {
        // Already stopped.
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
