/**
 * `npm run bench -- --baseline REF`: the gateway as it was at a git commit, built beside the
 * current one, so a change is measured against what it replaced in the same run, round for round
 * (on a shared machine two runs minutes apart see different noise).
 *
 * The commit's src/ and tsconfig files are extracted into .bench/baseline-<sha>/ and compiled
 * there; its dist/ then loads the packages of this checkout's node_modules (Node looks for them up
 * the tree), so a commit whose dependencies differ from the checkout's is not measured as it was.
 * A build is kept and reused for the same commit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes';

/** The production entry of `ref` as built, compiling it first when it has not been. */
export function baselineEntry(ref: string): string {
  const revParse = spawnSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' });
  if (revParse.status !== 0) throw new Error(`--baseline: git knows no commit ${JSON.stringify(ref)}`);
  const sha = revParse.stdout.trim();
  const dir = join(ROOT, '.bench', `baseline-${sha.slice(0, 12)}`);
  const entry = join(dir, 'dist', 'src', 'index.js');
  if (existsSync(entry)) return entry;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', sha, 'src', 'tsconfig.json', 'tsconfig.build.json'], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  if (archive.status !== 0) throw new Error(`--baseline: git archive ${sha} failed: ${archive.stderr.toString()}`);
  const unpacked = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (unpacked.status !== 0) throw new Error(`--baseline: unpacking ${sha} failed: ${unpacked.stderr.toString()}`);
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')],
    {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (tsc.status !== 0 || !existsSync(entry)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`--baseline: ${sha} does not compile`);
  }
  return entry;
}
