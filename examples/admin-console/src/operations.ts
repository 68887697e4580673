import { graphql } from './gql';

/**
 * Every document the console sends. `npm run codegen` types them and writes them, with their sha256
 * hashes, into src/gql/persisted-documents.json: the manifest a gateway in PERSISTED_OPERATIONS=require
 * mode runs from. The console sends only their hashes (src/client.ts).
 */

/**
 * Whether the token may write. The gateway has no "who am I" query; the operations log is for
 * admins only, so a viewer's token is refused it (FORBIDDEN) and an admin's reads a count.
 */
export const AccessDocument = graphql(`
  query ConsoleAccess {
    operations(first: 0) {
      totalCount
    }
  }
`);

export const SourcesDocument = graphql(`
  query ConsoleSources {
    sources {
      source
      configured
      reachable
      circuit
      latencyMs
      lastError {
        code
        message
      }
    }
  }
`);

export const SearchPeopleDocument = graphql(`
  query SearchPeople($emailContains: String, $first: Int = 20, $after: String) {
    users(first: $first, after: $after, filter: { emailContains: $emailContains }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          email
          displayName
          active
          identities {
            source
          }
        }
      }
    }
  }
`);

export const PersonDocument = graphql(`
  query Person($id: ID!) {
    user(id: $id) {
      id
      email
      displayName
      username
      firstName
      lastName
      phone
      country
      state
      locale
      active
      lastActiveAt
      account {
        id
      }
      subscriptions {
        email
        sms
        voice
      }
      permissions {
        api
        ui
        injection
        disabled
        mailClass {
          id
          name
        }
      }
      identities {
        source
        externalId
        status
        linkedAt
        syncedAt
      }
    }
  }
`);

export const OutcomeFragment = graphql(`
  fragment ConsoleOutcome on MutationPayload {
    results {
      source
      status
      externalId
      retryable
      error {
        code
        message
        field
      }
    }
    userErrors {
      field
      message
      code
      source
    }
    replayed
  }
`);

export const SetPermissionsDocument = graphql(`
  mutation ConsoleSetPermissions($input: SetPermissionsInput!) {
    setPermissions(input: $input) {
      user {
        id
        permissions {
          api
          ui
          injection
          disabled
          mailClass {
            id
            name
          }
        }
      }
      ...ConsoleOutcome
    }
  }
`);

export const CreatePersonDocument = graphql(`
  mutation ConsoleCreatePerson($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        email
        displayName
      }
      ...ConsoleOutcome
    }
  }
`);

export const DeletePersonDocument = graphql(`
  mutation ConsoleDeletePerson($input: DeleteUserInput!) {
    deleteUser(input: $input) {
      deletedUserId
      ...ConsoleOutcome
    }
  }
`);

export const ReconciliationDocument = graphql(`
  query ConsoleReconciliation($first: Int = 20) {
    reconciliation(first: $first) {
      generatedAt
      missingCount
      driftCount
      ambiguousCount
      sources {
        source
        records
        compared
        lastCompleteSyncAt
      }
      missing {
        source
        user {
          id
          email
          displayName
        }
      }
      drift {
        field
        user {
          id
          email
        }
        values {
          source
          externalId
          value
        }
      }
      ambiguous {
        source
        externalId
        email
        reason
      }
    }
  }
`);
