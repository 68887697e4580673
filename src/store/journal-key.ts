import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key of the journal's input hashes. It must outlive the process (a replay after a restart
 * compares hashes made before it), so without JOURNAL_KEY one is generated once and kept, readable
 * by its owner only, next to the database. An in-memory database gets a key for this process.
 */
export function journalKeyFor(store: { dataDir: string; journalKey?: string }): string {
  if (store.journalKey !== undefined) return store.journalKey;
  if (store.dataDir === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(store.dataDir, 'journal.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(store.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
