import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { possibleTypes } from '../../client';
import {
  SearchUsersDocument,
  SourceHealthDocument,
  UserByEmailDocument,
} from '../../client/generated/operations/graphql';
import {
  DEFAULT_MANIFEST,
  loadPersistedDocuments,
  type PersistedOperationsMode,
} from '../../src/edge/persisted-documents';
import { StartupError } from '../../src/platform/startup-error';
import { seedPeople } from '../../src/simulators/kit/seed';
import { bearer, bootGateway, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/**
 * Trusted documents (PERSISTED_OPERATIONS) over HTTP, with the project's own manifest
 * (client/generated/operations/persisted-documents.json, written by `npm run codegen`): documents by
 * hash over POST and GET in both shapes clients send, Apollo Client's persisted-query link and urql's
 * persisted exchange, and under `require` every other document refused before it is parsed.
 */
const MANIFEST = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, string>;
const ADA = seedPeople()[0];

/** The client preset's hash of a typed document (`sha256:<hex>`), as the clients are told to send it. */
function hashOf(document: DocumentNode): string {
  return (document as unknown as { __meta__: { hash: string } }).__meta__.hash;
}

/** The codes of a GraphQL answer's errors. */
function codes(body: { errors?: { extensions?: { code?: string } }[] }): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

describe('trusted documents', () => {
  const apps: Partial<Record<PersistedOperationsMode, BootedGateway>> = {};
  const gateway = (mode: PersistedOperationsMode) => apps[mode]!;

  beforeAll(async () => {
    for (const mode of ['require', 'allow', 'off'] as const)
      apps[mode] = await bootGateway({ PERSISTED_OPERATIONS: mode });
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.stop();
  });
  beforeEach(() => Object.values(apps).forEach(resetCounters));

  /** A GraphQL request as JSON over POST, with the admin token; the answer's status and body. */
  async function post(app: BootedGateway, body: object, accept?: string) {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(app.tokens!.admin), ...(accept ? { accept } : {}) },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    };
  }

  /** A GraphQL GET with these query-string parameters and the admin token, sent as urql and Apollo Client send it. */
  async function get(app: BootedGateway, params: Record<string, string>) {
    const url = new URL(app.url);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const response = await fetch(url, { headers: bearer(app.tokens!.admin) });
    return { status: response.status, body: await response.json() };
  }

  describe('with PERSISTED_OPERATIONS=require', () => {
    it('refuses a document that is not in the manifest before parsing it, calling no vendor', async () => {
      const app = gateway('require');
      const unlisted = await post(app, { query: '{ users(first: 100) { nodes { email permissions { api } } } }' });
      expect(unlisted.status).toBe(400);
      expect(codes(unlisted.body)).toEqual(['DOCUMENT_NOT_IN_MANIFEST']);
      expect(unlisted.body.errors[0].message).toContain('PERSISTED_OPERATIONS=require');
      // Not parsed: a document that is not even GraphQL gets the same answer, not a syntax error.
      const garbage = await post(app, { query: '{ users( '.repeat(5_000) });
      expect(codes(garbage.body)).toEqual(['DOCUMENT_NOT_IN_MANIFEST']);
      // A listed document with one character changed is another document.
      const [listed] = Object.values(MANIFEST);
      expect(codes((await post(app, { query: `${listed} ` })).body)).toEqual(['DOCUMENT_NOT_IN_MANIFEST']);
      expect(vendorCalls(app)).toEqual({});
      expect(app.store.db.queryCount).toBe(0);
    });

    it('answers a hash-only GET of a listed query, in both shapes, with the prefix or without', async () => {
      const app = gateway('require');
      const hash = hashOf(UserByEmailDocument);
      const variables = JSON.stringify({ email: ADA.email });
      const apq = await get(app, {
        operationName: 'UserByEmail',
        variables,
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
      });
      expect(apq.status).toBe(200);
      expect(apq.body.data.user.email).toBe(ADA.email);
      const byDocumentId = await get(app, { documentId: hash.replace(/^sha256:/, ''), variables });
      expect(byDocumentId.body).toEqual(apq.body);
      const byPost = await post(app, { documentId: hash, variables: { email: ADA.email } });
      expect(byPost.body).toEqual(apq.body);
    });

    it('runs a listed document sent in full, by the hash of its exact text', async () => {
      const app = gateway('require');
      const answer = await post(app, { query: MANIFEST[hashOf(SourceHealthDocument)] });
      expect(answer.status).toBe(200);
      expect(answer.body.data.sources).toHaveLength(4);
    });

    it('answers an unknown hash PERSISTED_QUERY_NOT_FOUND, a malformed one BAD_REQUEST, both as GraphQL responses', async () => {
      const app = gateway('require');
      const unknown = await post(
        app,
        { extensions: { persistedQuery: { version: 1, sha256Hash: `sha256:${'0'.repeat(64)}` } } },
        'application/graphql-response+json, application/json;q=0.9',
      );
      expect([unknown.status, codes(unknown.body)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
      expect(unknown.type).toBe('application/graphql-response+json; charset=utf-8');
      const malformed = await post(app, { documentId: 'UserByEmail' });
      expect([malformed.status, codes(malformed.body)]).toEqual([400, ['BAD_REQUEST']]);
      expect(vendorCalls(app)).toEqual({});
    });

    it("Apollo Client's persisted-query link sends hashes only, by GET, and gets answers", async () => {
      const app = gateway('require');
      const sent: { method: string; body: string | null; url: string }[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        sent.push({
          method: init?.method ?? 'GET',
          body: (init?.body as string | undefined) ?? null,
          url: input instanceof Request ? input.url : input.toString(),
        });
        return fetch(input, init);
      };
      const link = new PersistedQueryLink({ generateHash: hashOf, useGETForHashedQueries: true }).concat(
        new HttpLink({ uri: app.url, headers: bearer(app.tokens!.admin), fetch: recordingFetch }),
      );
      const apollo = new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes }) });
      const { data } = await apollo.query({ query: UserByEmailDocument, variables: { email: ADA.email } });
      expect(data?.user?.email).toBe(ADA.email);
      expect(sent).toHaveLength(1);
      expect(sent[0].method).toBe('GET');
      expect(new URL(sent[0].url).searchParams.has('query')).toBe(false);
    });

    it("urql's persisted exchange, enforced, sends hashes only and gets answers", async () => {
      const app = gateway('require');
      const methods: string[] = [];
      const urql = new Client({
        url: app.url,
        fetchOptions: { headers: bearer(app.tokens!.admin) },
        fetch: (input, init) => {
          methods.push(init?.method ?? 'GET');
          return fetch(input, init);
        },
        exchanges: [
          cacheExchange,
          persistedExchange({ enforcePersistedQueries: true, generateHash: async (_, document) => hashOf(document) }),
          fetchExchange,
        ],
      });
      const search = await urql.query(SearchUsersDocument, { emailContains: 'lovelace', first: 5 }).toPromise();
      expect(search.error).toBeUndefined();
      expect(search.data?.users.edges[0]?.node.email).toBe(ADA.email);
      expect(methods).toEqual(['GET']);
    });
  });

  describe('with PERSISTED_OPERATIONS=allow', () => {
    it('runs documents by hash and documents sent in full', async () => {
      const app = gateway('allow');
      const byHash = await post(app, { documentId: hashOf(SourceHealthDocument) });
      expect(byHash.body.data.sources).toHaveLength(4);
      const inFull = await post(app, { query: '{ sources { source } }' });
      expect(inFull.body.data.sources).toHaveLength(4);
      const unknown = await post(app, { documentId: `sha256:${'1'.repeat(64)}` });
      expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });
  });

  describe('with PERSISTED_OPERATIONS=off (the default)', () => {
    it('answers a hash alone PERSISTED_QUERY_NOT_SUPPORTED, and the persisted-query link falls back to documents', async () => {
      const app = gateway('off');
      const hashOnly = await post(app, {
        extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(SourceHealthDocument) } },
      });
      expect([hashOnly.status, codes(hashOnly.body)]).toEqual([200, ['PERSISTED_QUERY_NOT_SUPPORTED']]);
      expect(hashOnly.body.errors[0].message).toContain('PERSISTED_OPERATIONS=off');
      const link = new PersistedQueryLink({ generateHash: hashOf }).concat(
        new HttpLink({ uri: app.url, headers: bearer(app.tokens!.admin) }),
      );
      const apollo = new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes }) });
      const { data } = await apollo.query({ query: SourceHealthDocument });
      expect(data?.sources).toHaveLength(4);
    });
  });

  describe('the manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usergraph-manifest-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, content: string) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    };
    const load = (file: string) => () => loadPersistedDocuments({ mode: 'require', manifests: [file] });

    it('reads every manifest given, keyed with the prefix or without', () => {
      const document = 'query Two { sources { source } }';
      const bare = createHash('sha256').update(document).digest('hex');
      const other = write('other.json', JSON.stringify({ [bare]: document }));
      const documents = loadPersistedDocuments({ mode: 'require', manifests: [DEFAULT_MANIFEST, other] });
      expect(documents.size).toBe(Object.keys(MANIFEST).length + 1);
    });

    it('stops the start, naming the file and the variable, for a missing file, bad JSON, a wrong shape or a wrong hash', () => {
      const missing = join(dir, 'missing.json');
      expect(load(missing)).toThrow(StartupError);
      expect(load(missing)).toThrow(`PERSISTED_OPERATIONS_MANIFEST: ${missing} does not exist`);
      expect(load(write('bad.json', '{'))).toThrow('is not JSON');
      expect(load(write('array.json', '[]'))).toThrow('is not a JSON object');
      expect(
        load(write('md5.json', JSON.stringify({ [`sha256:${'a'.repeat(64)}`]: '{ sources { source } }' }))),
      ).toThrow('whose sha256 is not its key');
      expect(load(write('name.json', JSON.stringify({ UserByEmail: '{ sources { source } }' })))).toThrow(
        'has an entry that is not',
      );
    });

    it('is not read at all when the mode is off', () => {
      expect(loadPersistedDocuments({ mode: 'off', manifests: [join(dir, 'missing.json')] }).size).toBe(0);
    });
  });
});
