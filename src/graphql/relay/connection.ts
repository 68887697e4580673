import { InvalidArgumentError } from '../errors/invalid-argument.error';
import type { PageInfo } from './page-info.type';

/**
 * Opaque Relay cursors: base64url of `<connection>:<position>`. The connection name makes a cursor
 * from one connection useless in another, with a clear error instead of a wrong page.
 */
export function encodeCursor(connection: string, position: string): string {
  return Buffer.from(`${connection}:${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(connection: string, cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const prefix = `${connection}:`;
  if (!text.startsWith(prefix) || text.length === prefix.length) {
    throw new InvalidArgumentError(
      `\`after\` is not a cursor of this connection (${connection}); pass the endCursor of a previous page`,
      'after',
    );
  }
  return text.slice(prefix.length);
}

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first`; the schema cannot express a range. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}, got ${size}`, 'first');
  }
  return size;
}

/**
 * The page a connection field's arguments (ConnectionArgs) ask for in the connection `name`: its
 * size, and the position of the node it starts after (none for the first page).
 */
export function requestedPage(
  name: string,
  args: { first?: number | null; after?: string | null },
): { size: number; after: string | undefined } {
  return { size: pageSize(args.first), after: args.after == null ? undefined : decodeCursor(name, args.after) };
}

/** One node of a page with its cursor; every `*Edge` type implements it. */
export interface Edge<Node> {
  cursor: string;
  node: Node;
}

/** One page of a Relay connection; every `*Connection` type implements it, so resolvers return it as it is. */
export interface Connection<Node> {
  edges: Edge<Node>[];
  nodes: Node[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay connection page from the nodes of one page and where it sits. */
export function connection<Node>(
  name: string,
  page: readonly { node: Node; position: string }[],
  where: { hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number },
): Connection<Node> {
  const edges = page.map(({ node, position }) => ({ cursor: encodeCursor(name, position), node }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: where.hasNextPage,
      hasPreviousPage: where.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: where.totalCount,
  };
}
