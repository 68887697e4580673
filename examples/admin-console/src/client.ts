import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import type { DocumentNode } from 'graphql';
import { createTypePolicies, possibleTypes } from '../../../client';

/** The client preset's sha256 of a document, as it stands in src/gql/persisted-documents.json. */
function persistedHash(document: DocumentNode): string {
  const hash = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash;
  if (hash === undefined)
    throw new TypeError('A document without a persisted hash: was it written by npm run codegen?');
  return hash;
}

/**
 * Apollo Client for one gateway and one token: documents go by hash only (queries as GET), which a
 * gateway in PERSISTED_OPERATIONS=require mode answers from the console's manifest; the cache knows
 * the gateway's interfaces and pages its connections (the repository's client kit, client/).
 */
export function createClient(gatewayUrl: string, token: string): ApolloClient {
  const persisted = new PersistedQueryLink({ generateHash: persistedHash, useGETForHashedQueries: true });
  const http = new HttpLink({ uri: gatewayUrl, headers: { authorization: `Bearer ${token}` } });
  return new ApolloClient({
    link: persisted.concat(http),
    cache: new InMemoryCache({ possibleTypes, typePolicies: createTypePolicies(relayStylePagination) }),
  });
}
