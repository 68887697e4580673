/**
 * Trusted documents (persisted operations): the gateway runs GraphQL documents named by the sha256
 * hash of their text, from manifests written at build time, and with PERSISTED_OPERATIONS=require
 * runs nothing else. A manifest is the JSON object GraphQL Code Generator's client preset writes with
 * `persistedDocuments: { hashAlgorithm: 'sha256' }` (`{ "sha256:<hex>": "<document>" }`; a bare hex
 * key is read too). The HTTP front resolves a request here before Apollo Server sees it, so a
 * document refused under `require` is never lexed, parsed or validated, and no vendor is called.
 *
 * A document is named, over POST (in the JSON body) or GET (in the query string), either way:
 * - `extensions.persistedQuery.sha256Hash` (version 1), as Apollo Client's persisted-query link and
 *   urql's persisted exchange send it (the `sha256:` prefix the client preset puts in a document's
 *   `__meta__.hash` is accepted);
 * - `documentId`, the GraphQL over HTTP proposal's field (`sha256:<hex>` or the bare hex).
 *
 * Modes: `off` (the default) runs documents sent in full and answers a hash alone with
 * PERSISTED_QUERY_NOT_SUPPORTED, on which both clients' links fall back to sending documents;
 * `allow` also runs the manifests' documents by hash; `require` runs only the manifests' documents,
 * by hash or in full (their exact text), and refuses any other with DOCUMENT_NOT_IN_MANIFEST. A hash
 * the manifests lack is PERSISTED_QUERY_NOT_FOUND (status 200, as the links expect, so they may
 * send the document itself). Apollo Server's automatic persisted queries, which let any client
 * register a document, are switched off in graphql/server.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EnvReader } from '../platform/env';
import { StartupError } from '../platform/startup-error';

export type PersistedOperationsMode = 'off' | 'allow' | 'require';

export interface PersistedOperationsSettings {
  mode: PersistedOperationsMode;
  /** The manifest files, as given (relative to the working directory, as DATA_DIR is). */
  manifests: readonly string[];
}

/** The project's own operations (operations/*.graphql), as `npm run codegen` writes their manifest. */
export const DEFAULT_MANIFEST = 'client/generated/operations/persisted-documents.json';

export function readPersistedOperationsSettings(read: EnvReader): PersistedOperationsSettings {
  return {
    mode: read.oneOf('PERSISTED_OPERATIONS', 'off', ['off', 'allow', 'require'] as const),
    manifests: read.list(
      'PERSISTED_OPERATIONS_MANIFEST',
      [DEFAULT_MANIFEST],
      'paths of persisted-documents manifests (JSON: sha256 hash -> document), comma-separated',
    ),
  };
}

/** A sha256 in hex, with or without the client preset's `sha256:` prefix. */
const HASH = /^(?:sha256:)?([0-9a-f]{64})$/i;

/** The hex sha256 of a document's text, as the manifests name it. */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reads the manifests of `settings` (none when the mode is `off`): every key must be the sha256 of
 * its document, so that a document sent in full is found by hashing its text. A file that cannot be
 * read, is not such an object, or holds a wrong hash stops the start, naming the file and the variable.
 */
export function loadPersistedDocuments(settings: PersistedOperationsSettings): PersistedDocuments {
  const documents = new Map<string, string>();
  if (settings.mode === 'off') return new PersistedDocuments('off', documents);
  for (const file of settings.manifests) {
    const problem = (what: string) =>
      new StartupError(`PERSISTED_OPERATIONS_MANIFEST: ${file} ${what} (PERSISTED_OPERATIONS=${settings.mode})`);
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(resolve(file), 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw problem(
        code === 'ENOENT'
          ? "does not exist (npm run codegen writes the project's own)"
          : code !== undefined
            ? `cannot be read (${code})`
            : 'is not JSON',
      );
    }
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
      throw problem('is not a JSON object of sha256 hashes to documents');
    for (const [key, document] of Object.entries(manifest)) {
      const hash = HASH.exec(key)?.[1]?.toLowerCase();
      if (hash === undefined || typeof document !== 'string')
        throw problem(`has an entry that is not "sha256:<hex>": "<document>" (${JSON.stringify(key.slice(0, 80))})`);
      if (sha256(document) !== hash)
        throw problem(
          `has a document whose sha256 is not its key ${key} (was it written with hashAlgorithm: 'sha256'?)`,
        );
      documents.set(hash, document);
    }
  }
  return new PersistedDocuments(settings.mode, documents);
}

/** Why a request is refused, in the words and code its client reads. */
export interface PersistedDocumentRefusal {
  status: number;
  code: 'PERSISTED_QUERY_NOT_SUPPORTED' | 'PERSISTED_QUERY_NOT_FOUND' | 'DOCUMENT_NOT_IN_MANIFEST' | 'BAD_REQUEST';
  message: string;
}

/** A GraphQL request as the HTTP front read it: the JSON body of a POST, or a GET's query string. */
export interface GraphQLHttpRequest {
  /** GET reads the query string; any other method, the body (Apollo Server does the same). */
  method: string;
  body: unknown;
  params: URLSearchParams;
}

/** The request as Apollo Server is to see it: a document in `query`, no hash left; or why it is refused. */
export type Resolution = { refused: PersistedDocumentRefusal } | { body: unknown; params: URLSearchParams };

/** The manifests' documents by hash, and what the mode lets through. */
export class PersistedDocuments {
  constructor(
    readonly mode: PersistedOperationsMode,
    private readonly documents: ReadonlyMap<string, string>,
  ) {}

  /** How many documents the manifests hold. */
  get size(): number {
    return this.documents.size;
  }

  /**
   * Resolves a request before anything parses it: a hash alone becomes its document; a document sent
   * in full is checked against the manifests under `require` (by the hash of its exact text, never
   * by the hash the client claims).
   */
  resolve(request: GraphQLHttpRequest): Resolution {
    const { body, params } = request;
    if (request.method !== 'GET' && !isObject(body)) return { body, params };
    const fields = request.method !== 'GET' ? (body as Record<string, unknown>) : undefined;
    const query = fields ? fields['query'] : (params.get('query') ?? undefined);
    const extensions = fields ? fields['extensions'] : parsedJson(params.get('extensions'));
    const persisted = isObject(extensions) ? extensions['persistedQuery'] : undefined;
    const documentId = fields ? fields['documentId'] : (params.get('documentId') ?? undefined);
    const named = persisted !== undefined || documentId !== undefined;

    if (typeof query === 'string' && query !== '') {
      if (this.mode === 'require' && !this.documents.has(sha256(query)))
        return refuse(
          400,
          'DOCUMENT_NOT_IN_MANIFEST',
          'This gateway runs only the documents in its manifest (PERSISTED_OPERATIONS=require), and this document is not one of them: add it to your persisted-documents manifest, deploy that with the gateway, and send its hash',
        );
      return named ? withDocument(request, query) : { body, params };
    }
    if (!named) return { body, params };
    if (this.mode === 'off')
      return refuse(
        200,
        'PERSISTED_QUERY_NOT_SUPPORTED',
        'This gateway runs no persisted documents (PERSISTED_OPERATIONS=off): send the document itself in `query`',
      );
    const id = persisted !== undefined ? persistedQueryHash(persisted) : documentId;
    const hash = typeof id === 'string' ? HASH.exec(id)?.[1]?.toLowerCase() : undefined;
    if (hash === undefined)
      return refuse(
        400,
        'BAD_REQUEST',
        'A persisted document is named by its sha256: send extensions.persistedQuery { version: 1, sha256Hash: "<hex>" } or documentId "sha256:<hex>"',
      );
    const document = this.documents.get(hash);
    if (document === undefined)
      return refuse(
        200,
        'PERSISTED_QUERY_NOT_FOUND',
        `No document with this hash is in the gateway's manifest (PERSISTED_OPERATIONS=${this.mode})`,
      );
    return withDocument(request, document);
  }
}

/** The hash of an `extensions.persistedQuery` of version 1, or undefined when it is not one. */
function persistedQueryHash(persisted: unknown): unknown {
  if (!isObject(persisted) || persisted['version'] !== 1) return undefined;
  return persisted['sha256Hash'];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parsedJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Apollo refuses it with its own message.
    return undefined;
  }
}

function refuse(
  status: number,
  code: PersistedDocumentRefusal['code'],
  message: string,
): { refused: PersistedDocumentRefusal } {
  return { refused: { status, code, message } };
}

/** The request with `document` in `query` and its name (documentId, extensions.persistedQuery) taken out. */
function withDocument(request: GraphQLHttpRequest, document: string): { body: unknown; params: URLSearchParams } {
  if (request.method !== 'GET' && isObject(request.body)) {
    const { documentId: _documentId, extensions, ...rest } = request.body;
    const others = isObject(extensions) ? withoutPersistedQuery(extensions) : undefined;
    return { body: { ...rest, query: document, ...(others ? { extensions: others } : {}) }, params: request.params };
  }
  const params = new URLSearchParams(request.params);
  params.delete('documentId');
  params.set('query', document);
  const extensions = parsedJson(params.get('extensions'));
  const others = isObject(extensions) ? withoutPersistedQuery(extensions) : undefined;
  if (others) params.set('extensions', JSON.stringify(others));
  else params.delete('extensions');
  return { body: request.body, params };
}

/** The other extensions a client sent, or undefined when persistedQuery was the only one. */
function withoutPersistedQuery(extensions: Record<string, unknown>): Record<string, unknown> | undefined {
  const { persistedQuery: _persistedQuery, ...others } = extensions;
  return Object.keys(others).length > 0 ? others : undefined;
}
