import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSubgraphSdl } from './federation/subgraph-schema';
import { createSchema, createSubgraphSchema, printSortedSchema } from './schema';

/**
 * `npm run schema:emit` writes schema/schema.graphql (the standalone schema, sorted) and
 * schema/subgraph.graphql (the Federation subgraph's SDL, with its directives, as a router
 * composes it); `npm run schema:check` fails when the code and a committed file differ, naming the
 * first differing line.
 */
const SCHEMA_DIR = join(__dirname, '..', '..', '..', 'schema');

/** Each committed file with what the code prints for it now. */
async function printed(): Promise<{ file: string; text: string }[]> {
  return [
    { file: join(SCHEMA_DIR, 'schema.graphql'), text: printSortedSchema(await createSchema()) },
    // Who may read `_service` changes nothing in the SDL.
    { file: join(SCHEMA_DIR, 'subgraph.graphql'), text: printSubgraphSdl(await createSubgraphSchema('admin')) },
  ];
}

/** Why `committed` is not `text`, naming the first line that differs; null when they are the same. */
function difference(file: string, committed: string, text: string): string | null {
  if (committed === text) return null;
  const a = committed.split('\n');
  const b = text.split('\n');
  const line = a.findIndex((content, index) => content !== b[index]);
  const at = line === -1 ? a.length : line;
  return `schema:check: ${file} differs from the code at line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  code:      ${b[at] ?? '(end of file)'}\n`;
}

async function main(): Promise<void> {
  const files = await printed();
  if (!process.argv.includes('--check')) {
    for (const { file, text } of files) {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    }
    return;
  }
  let failed = false;
  for (const { file, text } of files) {
    let committed: string;
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      process.stderr.write(`schema:check: ${file} is missing; run npm run schema:emit and commit it\n`);
      failed = true;
      continue;
    }
    const problem = difference(file, committed, text);
    if (problem !== null) process.stderr.write(problem);
    failed ||= problem !== null;
  }
  if (failed) {
    process.stderr.write('Run npm run schema:emit and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema:check: schema/schema.graphql and schema/subgraph.graphql match the code\n');
}

void main();
