import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSchema, printSortedSchema } from './schema';

/**
 * `npm run schema:emit` writes schema/schema.graphql; `npm run schema:check` fails when the code
 * and the committed file differ, naming the first differing line.
 */
const SCHEMA_FILE = join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');

async function main(): Promise<void> {
  const printed = printSortedSchema(await createSchema());
  if (!process.argv.includes('--check')) {
    writeFileSync(SCHEMA_FILE, printed);
    process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    process.stderr.write(`schema:check: ${SCHEMA_FILE} is missing; run npm run schema:emit and commit it\n`);
    process.exit(1);
  }
  if (committed === printed) {
    process.stdout.write('schema:check: schema/schema.graphql matches the code\n');
    return;
  }
  const a = committed.split('\n');
  const b = printed.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  process.stderr.write(
    `schema:check: schema/schema.graphql differs from the code at line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  code:      ${b[at] ?? '(end of file)'}\nRun npm run schema:emit and commit the result.\n`,
  );
  process.exit(1);
}

void main();
