/**
 * The client kit: what a front end's cache needs to know about this gateway's schema, generated from
 * it (`npm run codegen`), with no dependency of its own. With Apollo Client:
 *
 *   import { relayStylePagination } from '@apollo/client/utilities';
 *   new InMemoryCache({ possibleTypes, typePolicies: createTypePolicies(relayStylePagination) });
 *
 * The pagination helper is passed in rather than imported, so the kit works with the client's own
 * copy of Apollo Client (or any cache whose field policies take key arguments) and the gateway never
 * depends on a client library. docs/clients.md has the whole guide, urql included.
 */
import possibleTypesResult from './generated/possible-types';
import { CONNECTION_FIELDS } from './generated/connection-fields';

export { CONNECTION_FIELDS };

/**
 * The concrete types of every interface and union (InMemoryCache's `possibleTypes`). Without it
 * Apollo Client cannot tell that a CreateUserPayload is a MutationPayload, and a fragment on the
 * interface (MutationOutcome: `results`, `userErrors`, `replayed`) is dropped from the result
 * without a word.
 */
export const possibleTypes: Record<string, string[]> = possibleTypesResult.possibleTypes;

/** The parent types that hold a connection field. */
type ConnectionParent = keyof typeof CONNECTION_FIELDS;

/** Type policies with one field policy per connection field, as InMemoryCache's `typePolicies` takes them. */
export type ConnectionTypePolicies<Policy> = {
  [Parent in ConnectionParent]: { fields: { [Field in keyof (typeof CONNECTION_FIELDS)[Parent]]: Policy } };
};

/**
 * The type policies a cache needs: every connection field (Query.users, Query.operations,
 * Account.users, and any added later) paged by `pagination`, keyed by its arguments other than the
 * paging ones (so `users(filter: ...)` keeps one list per filter), or by none (`false`) when it has
 * only paging arguments. Pass Apollo Client's `relayStylePagination`.
 */
export function createTypePolicies<Policy>(
  pagination: (keyArgs: false | string[]) => Policy,
): ConnectionTypePolicies<Policy> {
  const policies: Record<string, { fields: Record<string, Policy> }> = {};
  for (const [parent, fields] of Object.entries(CONNECTION_FIELDS)) {
    const policyOf = ([field, keyArgs]: [string, readonly string[]]) =>
      [field, pagination(keyArgs.length === 0 ? false : [...keyArgs])] as const;
    policies[parent] = { fields: Object.fromEntries(Object.entries(fields).map(policyOf)) };
  }
  return policies as ConnectionTypePolicies<Policy>;
}
