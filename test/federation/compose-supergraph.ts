import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ORDERS_SDL_FILE } from './orders-subgraph';

const ROOT = join(__dirname, '..', '..');
/** The user graph's subgraph SDL as `npm run schema:emit` writes it. */
export const USERGRAPH_SDL_FILE = join(ROOT, 'schema', 'subgraph.graphql');

/** One subgraph as the composer takes it. */
export interface SubgraphDefinition {
  name: string;
  /** Where the router sends this subgraph's fetches. */
  url: string;
  sdl: string;
}

/** Composition failed: each problem as the composer words it, with its code. */
export class CompositionFailedError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the supergraph does not compose:\n  ${problems.join('\n  ')}`);
    this.name = 'CompositionFailedError';
  }
}

/**
 * The supergraph SDL of `subgraphs`, composed by The Guild's open-source composer (the one Hive
 * Gateway uses), or a CompositionFailedError listing every problem.
 */
export function composeSupergraph(subgraphs: readonly SubgraphDefinition[]): string {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parsed(name, sdl) })));
  if (compositionHasErrors(result))
    throw new CompositionFailedError(
      result.errors.map((error) => {
        const code = error.extensions['code'];
        return `${typeof code === 'string' ? code : 'ERROR'}: ${error.message}`;
      }),
    );
  return result.supergraphSdl;
}

/** The SDL's syntax tree; SDL that does not parse is a composition problem of its subgraph. */
function parsed(name: string, sdl: string): DocumentNode {
  try {
    return parse(sdl);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    throw new CompositionFailedError([`${name}: ${error.message}`]);
  }
}

/**
 * `npm run federation:compose [FILE]`: composes the user graph's SDL (schema/subgraph.graphql, or
 * FILE) with the sample orders subgraph's and exits 1 on any composition error, so that CI fails
 * on a change that would break the supergraph (a `@key` removed, a field the sample relies on
 * renamed, a type made to clash).
 */
function main(): void {
  const file = process.argv[2] ?? USERGRAPH_SDL_FILE;
  const subgraphs = [
    { name: 'usergraph', url: 'http://127.0.0.1:4000/graphql', sdl: readFileSync(file, 'utf8') },
    { name: 'orders', url: 'http://127.0.0.1:4001/graphql', sdl: readFileSync(ORDERS_SDL_FILE, 'utf8') },
  ];
  const shown = (path: string) => (relative(ROOT, path).startsWith('..') ? path : relative(ROOT, path));
  const names = `${shown(file)} with ${shown(ORDERS_SDL_FILE)}`;
  try {
    const supergraph = composeSupergraph(subgraphs);
    const types = parse(supergraph).definitions.length;
    process.stdout.write(`federation:compose: ${names} compose (${types} definitions in the supergraph)\n`);
  } catch (error) {
    if (!(error instanceof CompositionFailedError)) throw error;
    process.stderr.write(`federation:compose: ${names}: ${error.message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
