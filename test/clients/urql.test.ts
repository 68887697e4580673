import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { SearchUsersDocument, SourceHealthDocument } from '../../client/generated/operations/graphql';
import { seedPeople } from '../../src/simulators/kit/seed';
import { bootGateway, type BootedGateway } from '../helpers/gateway';

/**
 * urql (@urql/core 6, from npm, in Node) with its defaults against the gateway: it sends queries as
 * GET with the token in an Authorization header and no Content-Type, which cross-site forgery
 * prevention must let through (a browser cannot send that header from another site without a
 * preflight), while a GET without the header stays refused.
 */
describe('urql against the gateway', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway();
  });
  afterAll(() => app.stop());

  /** urql's default client, with a fetch that records the method of every request it sends. */
  function client(headers: Record<string, string>) {
    const methods: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const urql = new Client({
      url: app.url,
      exchanges: [cacheExchange, fetchExchange],
      fetch: recordingFetch,
      fetchOptions: { headers },
    });
    return { urql, methods };
  }

  it('answers its default GET queries when they carry a token', async () => {
    const { urql, methods } = client({ authorization: `Bearer ${app.tokens!.admin}` });
    const search = await urql.query(SearchUsersDocument, { emailContains: 'lovelace', first: 5 }).toPromise();
    expect(search.error).toBeUndefined();
    expect(search.data?.users.edges.map((edge) => edge.node.email)).toContain(seedPeople()[0].email);
    const health = await urql.query(SourceHealthDocument, {}).toPromise();
    expect(health.error).toBeUndefined();
    expect(health.data?.sources).toHaveLength(4);
    expect(methods).toEqual(['GET', 'GET']);
  });

  it('a viewer token works the same way', async () => {
    const { urql } = client({ authorization: `Bearer ${app.tokens!.viewer}` });
    const health = await urql.query(SourceHealthDocument, {}).toPromise();
    expect(health.error).toBeUndefined();
    expect(health.data?.sources).toHaveLength(4);
  });

  it('shows the gateway’s own message when the token is missing', async () => {
    const { urql } = client({});
    const health = await urql.query(SourceHealthDocument, {}).toPromise();
    expect(health.data).toBeUndefined();
    expect(health.error?.graphQLErrors.map((error) => error.extensions['code'])).toEqual(['UNAUTHENTICATED']);
    expect(health.error?.message).toContain('Authentication required');
  });
});
