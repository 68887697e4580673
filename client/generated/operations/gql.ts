/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AccountWithUsers($id: ID!, $first: Int = 20, $after: String) {\n  account(id: $id) {\n    id\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...UserSummary\n          permissions {\n            api\n            ui\n            injection\n          }\n          identities {\n            source\n            externalId\n          }\n        }\n      }\n    }\n  }\n}": typeof types.AccountWithUsersDocument,
    "fragment UserSummary on User {\n  id\n  email\n  displayName\n}\n\nfragment UserDetailFields on User {\n  ...UserSummary\n  username\n  firstName\n  lastName\n  phone\n  country\n  state\n  locale\n  active\n  lastActiveAt\n  account {\n    id\n  }\n  permissions {\n    api\n    ui\n    injection\n    disabled\n    mailClass {\n      id\n      name\n    }\n  }\n  subscriptions {\n    email\n    sms\n    voice\n  }\n  identities {\n    ...IdentityFields\n  }\n}\n\nfragment IdentityFields on Identity {\n  source\n  externalId\n  status\n  linkedAt\n  syncedAt\n}\n\nfragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}": typeof types.UserSummaryFragmentDoc,
    "fragment MutationOutcome on MutationPayload {\n  results {\n    source\n    status\n    externalId\n    retryable\n    error {\n      code\n      message\n    }\n  }\n  userErrors {\n    field\n    message\n    code\n    source\n  }\n  replayed\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    user {\n      ...UserSummary\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation SetPermissions($input: SetPermissionsInput!) {\n  setPermissions(input: $input) {\n    user {\n      id\n      permissions {\n        api\n        ui\n        injection\n        disabled\n        mailClass {\n          id\n          name\n        }\n      }\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation DeleteUser($input: DeleteUserInput!) {\n  deleteUser(input: $input) {\n    deletedUserId\n    ...MutationOutcome\n  }\n}": typeof types.MutationOutcomeFragmentDoc,
    "query SearchUsers($first: Int = 20, $after: String, $emailContains: String, $source: Source) {\n  users(\n    first: $first\n    after: $after\n    filter: {emailContains: $emailContains, source: $source}\n  ) {\n    totalCount\n    pageInfo {\n      ...PageInfoFields\n    }\n    edges {\n      cursor\n      node {\n        ...UserSummary\n        active\n        identities {\n          source\n        }\n      }\n    }\n  }\n}": typeof types.SearchUsersDocument,
    "query SourceHealth {\n  sources {\n    source\n    configured\n    reachable\n    latencyMs\n    lastSuccessAt\n    circuit\n    storeEngine\n    lastError {\n      code\n      message\n      at\n    }\n  }\n}": typeof types.SourceHealthDocument,
    "query UserDetail($id: ID!) {\n  user(id: $id) {\n    ...UserDetailFields\n  }\n}\n\nquery UserByEmail($email: String!) {\n  user(email: $email) {\n    ...UserDetailFields\n  }\n}": typeof types.UserDetailDocument,
};
const documents: Documents = {
    "query AccountWithUsers($id: ID!, $first: Int = 20, $after: String) {\n  account(id: $id) {\n    id\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...UserSummary\n          permissions {\n            api\n            ui\n            injection\n          }\n          identities {\n            source\n            externalId\n          }\n        }\n      }\n    }\n  }\n}": types.AccountWithUsersDocument,
    "fragment UserSummary on User {\n  id\n  email\n  displayName\n}\n\nfragment UserDetailFields on User {\n  ...UserSummary\n  username\n  firstName\n  lastName\n  phone\n  country\n  state\n  locale\n  active\n  lastActiveAt\n  account {\n    id\n  }\n  permissions {\n    api\n    ui\n    injection\n    disabled\n    mailClass {\n      id\n      name\n    }\n  }\n  subscriptions {\n    email\n    sms\n    voice\n  }\n  identities {\n    ...IdentityFields\n  }\n}\n\nfragment IdentityFields on Identity {\n  source\n  externalId\n  status\n  linkedAt\n  syncedAt\n}\n\nfragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}": types.UserSummaryFragmentDoc,
    "fragment MutationOutcome on MutationPayload {\n  results {\n    source\n    status\n    externalId\n    retryable\n    error {\n      code\n      message\n    }\n  }\n  userErrors {\n    field\n    message\n    code\n    source\n  }\n  replayed\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    user {\n      ...UserSummary\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation SetPermissions($input: SetPermissionsInput!) {\n  setPermissions(input: $input) {\n    user {\n      id\n      permissions {\n        api\n        ui\n        injection\n        disabled\n        mailClass {\n          id\n          name\n        }\n      }\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation DeleteUser($input: DeleteUserInput!) {\n  deleteUser(input: $input) {\n    deletedUserId\n    ...MutationOutcome\n  }\n}": types.MutationOutcomeFragmentDoc,
    "query SearchUsers($first: Int = 20, $after: String, $emailContains: String, $source: Source) {\n  users(\n    first: $first\n    after: $after\n    filter: {emailContains: $emailContains, source: $source}\n  ) {\n    totalCount\n    pageInfo {\n      ...PageInfoFields\n    }\n    edges {\n      cursor\n      node {\n        ...UserSummary\n        active\n        identities {\n          source\n        }\n      }\n    }\n  }\n}": types.SearchUsersDocument,
    "query SourceHealth {\n  sources {\n    source\n    configured\n    reachable\n    latencyMs\n    lastSuccessAt\n    circuit\n    storeEngine\n    lastError {\n      code\n      message\n      at\n    }\n  }\n}": types.SourceHealthDocument,
    "query UserDetail($id: ID!) {\n  user(id: $id) {\n    ...UserDetailFields\n  }\n}\n\nquery UserByEmail($email: String!) {\n  user(email: $email) {\n    ...UserDetailFields\n  }\n}": types.UserDetailDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AccountWithUsers($id: ID!, $first: Int = 20, $after: String) {\n  account(id: $id) {\n    id\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...UserSummary\n          permissions {\n            api\n            ui\n            injection\n          }\n          identities {\n            source\n            externalId\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query AccountWithUsers($id: ID!, $first: Int = 20, $after: String) {\n  account(id: $id) {\n    id\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...UserSummary\n          permissions {\n            api\n            ui\n            injection\n          }\n          identities {\n            source\n            externalId\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment UserSummary on User {\n  id\n  email\n  displayName\n}\n\nfragment UserDetailFields on User {\n  ...UserSummary\n  username\n  firstName\n  lastName\n  phone\n  country\n  state\n  locale\n  active\n  lastActiveAt\n  account {\n    id\n  }\n  permissions {\n    api\n    ui\n    injection\n    disabled\n    mailClass {\n      id\n      name\n    }\n  }\n  subscriptions {\n    email\n    sms\n    voice\n  }\n  identities {\n    ...IdentityFields\n  }\n}\n\nfragment IdentityFields on Identity {\n  source\n  externalId\n  status\n  linkedAt\n  syncedAt\n}\n\nfragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}"): (typeof documents)["fragment UserSummary on User {\n  id\n  email\n  displayName\n}\n\nfragment UserDetailFields on User {\n  ...UserSummary\n  username\n  firstName\n  lastName\n  phone\n  country\n  state\n  locale\n  active\n  lastActiveAt\n  account {\n    id\n  }\n  permissions {\n    api\n    ui\n    injection\n    disabled\n    mailClass {\n      id\n      name\n    }\n  }\n  subscriptions {\n    email\n    sms\n    voice\n  }\n  identities {\n    ...IdentityFields\n  }\n}\n\nfragment IdentityFields on Identity {\n  source\n  externalId\n  status\n  linkedAt\n  syncedAt\n}\n\nfragment PageInfoFields on PageInfo {\n  hasNextPage\n  hasPreviousPage\n  startCursor\n  endCursor\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MutationOutcome on MutationPayload {\n  results {\n    source\n    status\n    externalId\n    retryable\n    error {\n      code\n      message\n    }\n  }\n  userErrors {\n    field\n    message\n    code\n    source\n  }\n  replayed\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    user {\n      ...UserSummary\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation SetPermissions($input: SetPermissionsInput!) {\n  setPermissions(input: $input) {\n    user {\n      id\n      permissions {\n        api\n        ui\n        injection\n        disabled\n        mailClass {\n          id\n          name\n        }\n      }\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation DeleteUser($input: DeleteUserInput!) {\n  deleteUser(input: $input) {\n    deletedUserId\n    ...MutationOutcome\n  }\n}"): (typeof documents)["fragment MutationOutcome on MutationPayload {\n  results {\n    source\n    status\n    externalId\n    retryable\n    error {\n      code\n      message\n    }\n  }\n  userErrors {\n    field\n    message\n    code\n    source\n  }\n  replayed\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    user {\n      ...UserSummary\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation SetPermissions($input: SetPermissionsInput!) {\n  setPermissions(input: $input) {\n    user {\n      id\n      permissions {\n        api\n        ui\n        injection\n        disabled\n        mailClass {\n          id\n          name\n        }\n      }\n    }\n    ...MutationOutcome\n  }\n}\n\nmutation DeleteUser($input: DeleteUserInput!) {\n  deleteUser(input: $input) {\n    deletedUserId\n    ...MutationOutcome\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchUsers($first: Int = 20, $after: String, $emailContains: String, $source: Source) {\n  users(\n    first: $first\n    after: $after\n    filter: {emailContains: $emailContains, source: $source}\n  ) {\n    totalCount\n    pageInfo {\n      ...PageInfoFields\n    }\n    edges {\n      cursor\n      node {\n        ...UserSummary\n        active\n        identities {\n          source\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query SearchUsers($first: Int = 20, $after: String, $emailContains: String, $source: Source) {\n  users(\n    first: $first\n    after: $after\n    filter: {emailContains: $emailContains, source: $source}\n  ) {\n    totalCount\n    pageInfo {\n      ...PageInfoFields\n    }\n    edges {\n      cursor\n      node {\n        ...UserSummary\n        active\n        identities {\n          source\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SourceHealth {\n  sources {\n    source\n    configured\n    reachable\n    latencyMs\n    lastSuccessAt\n    circuit\n    storeEngine\n    lastError {\n      code\n      message\n      at\n    }\n  }\n}"): (typeof documents)["query SourceHealth {\n  sources {\n    source\n    configured\n    reachable\n    latencyMs\n    lastSuccessAt\n    circuit\n    storeEngine\n    lastError {\n      code\n      message\n      at\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UserDetail($id: ID!) {\n  user(id: $id) {\n    ...UserDetailFields\n  }\n}\n\nquery UserByEmail($email: String!) {\n  user(email: $email) {\n    ...UserDetailFields\n  }\n}"): (typeof documents)["query UserDetail($id: ID!) {\n  user(id: $id) {\n    ...UserDetailFields\n  }\n}\n\nquery UserByEmail($email: String!) {\n  user(email: $email) {\n    ...UserDetailFields\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;