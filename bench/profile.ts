/**
 * Where a CPU profile (node --cpu-prof) spent its time: self time by package, by folder of the
 * gateway's own code, by Node module, and garbage collection, as shares of the time the process was
 * not idle; and the functions with the most self time. `npm run bench -- --profile DIR` prints it
 * per scenario; on its own:
 *
 *   node -r ./test/support/register-ts.js bench/profile.ts FILE.cpuprofile...
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** Milliseconds sampled while not idle. */
  busyMs: number;
  categories: ProfileShare[];
  functions: ProfileShare[];
}

/** What a frame is part of: a package, a folder of the gateway, a Node module, or one of V8's own entries. */
export function categoryOf(frame: CallFrame): string {
  const { functionName, url } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 and native code (program)';
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1];
  const ours = /\/dist\/src\/([^/]+)\//.exec(url) ?? /\/src\/([^/]+)\//.exec(url);
  if (ours) return `usergraph src/${ours[1]}/`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  return url;
}

function where(frame: CallFrame): string {
  const short = frame.url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/dist\//, '')
    .replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${short}${short === '' ? '' : `:${frame.lineNumber + 1}`}`;
}

function shares(totals: Map<string, number>, busyUs: number): ProfileShare[] {
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / busyUs }))
    .sort((a, b) => b.ms - a.ms);
}

export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  // Each sample stands for the time until the next one.
  for (let index = 0; index < profile.samples.length - 1; index += 1) {
    const frame = frames.get(profile.samples[index])!;
    if (frame.functionName === '(idle)') continue;
    const us = profile.timeDeltas[index + 1];
    busyUs += us;
    const category = categoryOf(frame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const name = where(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  return {
    file,
    busyMs: busyUs / 1000,
    categories: shares(byCategory, busyUs),
    functions: shares(byFunction, busyUs).slice(0, 30),
  };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const summary = summarizeProfile(file);
    process.stdout.write(`\n${file}: ${(summary.busyMs / 1000).toFixed(1)} s busy\n  by package or folder:\n`);
    for (const item of summary.categories.slice(0, 20))
      process.stdout.write(`  ${item.percent.toFixed(1).padStart(5)}%  ${item.name}\n`);
    process.stdout.write('  functions with the most self time:\n');
    for (const item of summary.functions.slice(0, 25))
      process.stdout.write(`  ${item.percent.toFixed(1).padStart(5)}%  ${item.name}\n`);
  }
}
