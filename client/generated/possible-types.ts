// GENERATED FILE, DO NOT EDIT. Written by `npm run codegen` from schema/schema.graphql (see codegen.yml).

      export type PossibleTypesResultData = {
  "possibleTypes": {
    "MutationPayload": [
      "ChangePasswordPayload",
      "CreateUserPayload",
      "DeleteUserPayload",
      "SetPermissionsPayload",
      "UpdateUserPayload"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "MutationPayload": [
      "ChangePasswordPayload",
      "CreateUserPayload",
      "DeleteUserPayload",
      "SetPermissionsPayload",
      "UpdateUserPayload"
    ]
  }
};
      export default result;
    