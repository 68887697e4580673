// GENERATED FILE, DO NOT EDIT. Written by `npm run codegen` from schema/schema.graphql (see codegen.yml).
/**
 * Every field that answers a Relay connection, by parent type, with the arguments that pick a
 * different list (the paging arguments left out): what a cache keys each paged list by.
 */
export const CONNECTION_FIELDS = {
  "Account": {
    "users": []
  },
  "Query": {
    "operations": [
      "filter"
    ],
    "users": [
      "filter"
    ]
  }
} as const;
