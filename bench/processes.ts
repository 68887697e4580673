/**
 * The processes `npm run bench` starts (the vendors, the sync, a gateway and a floor per scenario),
 * and what /proc says about them. Every child is registered in {@link Children}, which stops them
 * all on the way out, whatever the way out is (the end, an error, Ctrl-C, SIGTERM).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VendorAnswer, VendorRequest, VendorsReady } from './vendors-protocol';

export const ROOT = join(__dirname, '..');
/** Runs the project's TypeScript without a build (the harness and the vendors; never the gateway or the floor). */
const REGISTER_TS = join(ROOT, 'test', 'support', 'register-ts.js');

/** The children still running, stopped together on any way out. */
export class Children {
  private readonly running = new Set<ChildProcess>();

  constructor() {
    // A synchronous last resort: whatever is still running when the harness exits is killed.
    process.once('exit', () => {
      for (const child of this.running) child.kill('SIGKILL');
    });
  }

  add(child: ChildProcess): ChildProcess {
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL for a child that has not exited after `graceMs`. */
  async stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.stop(child)));
  }
}

/** Lines of a child's stdout as they come, every line also written to `logFile`. */
function onLines(child: ChildProcess, logFile: string, line: (text: string) => void): void {
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr?.pipe(log);
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const text of lines) if (text.trim() !== '') line(text);
  });
}

/** Resolves with what `found` makes of a line once it makes something; rejects when the child exits first. */
function awaitLine<T>(
  child: ChildProcess,
  logFile: string,
  what: string,
  found: (text: string) => T | null,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`${what} exited (${code}) before it was ready; see ${logFile}`));
    child.once('exit', exited);
    onLines(child, logFile, (text) => {
      const value = found(text);
      if (value === null) return;
      child.off('exit', exited);
      resolve(value);
    });
  });
}

/** Each member of a union without its `id` (Omit over a union would keep only the common members). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The simulators' process (bench/vendors.ts) and its requests over IPC. */
export class Vendors {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: VendorAnswer) => void>();

  private constructor(
    readonly process: ChildProcess,
    readonly ready: VendorsReady,
  ) {
    process.on('message', (answer: VendorAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  static async start(children: Children, logFile: string): Promise<Vendors> {
    const child = children.add(
      fork(join(__dirname, 'vendors.ts'), [], {
        cwd: ROOT,
        execArgv: ['-r', REGISTER_TS],
        env: { PATH: process.env['PATH'] ?? '' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
    );
    onLines(child, logFile, () => undefined);
    const ready = await new Promise<VendorsReady>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the vendors exited (${code}) before they were ready; see ${logFile}`));
      child.once('exit', exited);
      child.once('message', (message: VendorsReady) => {
        child.off('exit', exited);
        resolve(message);
      });
    });
    return new Vendors(child, ready);
  }

  async request(request: WithoutId<VendorRequest>): Promise<VendorAnswer> {
    const id = this.nextId++;
    const answer = await new Promise<VendorAnswer>((resolve) => {
      this.waiting.set(id, resolve);
      this.process.send({ ...request, id });
    });
    if (answer.error !== undefined) throw new Error(`the vendors failed ${request.type}: ${answer.error}`);
    return answer;
  }

  stop(): void {
    // The vendors stop when their IPC channel closes.
    if (this.process.connected) this.process.disconnect();
  }
}

/** A server under load: its process and where it answers GraphQL. */
export interface Server {
  process: ChildProcess;
  url: string;
}

/** The production entry as `npm run build` makes it. */
export const GATEWAY_ENTRY = join(ROOT, 'dist', 'src', 'index.js');

/** A production gateway (`entry`: {@link GATEWAY_ENTRY} or a baseline's), as a user runs it; with `cpuProfile`, under --cpu-prof. */
export function startGateway(
  children: Children,
  entry: string,
  env: Record<string, string>,
  logFile: string,
  cpuProfile?: { dir: string; name: string },
): Promise<Server> {
  const profiling = cpuProfile
    ? ['--cpu-prof', '--cpu-prof-dir', cpuProfile.dir, '--cpu-prof-name', cpuProfile.name]
    : [];
  const child = children.add(
    spawn(process.execPath, [...profiling, entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let url: string | null = null;
  return awaitLine(child, logFile, 'the gateway', (text) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (entry['msg'] === 'GraphQL gateway listening') url = String(entry['url']);
    return entry['msg'] === 'usergraph is up; press Ctrl-C to stop' && url !== null ? { process: child, url } : null;
  });
}

/** The hand-written floor (bench/floor.js), plain JavaScript run by plain node. */
export function startFloor(children: Children, env: Record<string, string>, logFile: string): Promise<Server> {
  const child = children.add(
    spawn(process.execPath, [join(__dirname, 'floor.js')], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  return awaitLine(child, logFile, 'the floor', (text) => {
    const url = (JSON.parse(text) as { url?: string }).url;
    return url === undefined ? null : { process: child, url };
  });
}

/** `npm run sync` as built: imports the vendors' people into the gateway's database; rejects unless it ends with 0. */
export async function runSync(children: Children, env: Record<string, string>, logFile: string): Promise<void> {
  const child = children.add(
    spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'sync.js'), '--json'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  onLines(child, logFile, () => undefined);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the sync exited with ${code}; see ${logFile}`);
}

/** Clock ticks per second, as /proc counts CPU time (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU a process has used, all its threads (user and system), from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: the fields are counted from after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kib === undefined ? 0 : Number(kib) / 1024;
}

/** Milliseconds of CPU the whole machine has been busy (all cores), from /proc/stat. */
export function machineBusyMs(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is work.
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

/** The highest RSS of a process while it runs, sampled every `intervalMs`. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}
