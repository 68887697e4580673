'use strict';
/**
 * The client preset's document transform that selects `__typename` in every selection set, named
 * by path in codegen.yml (a YAML file cannot import it). A persisted document runs on the gateway
 * as the manifest has it, not as the client would print it: Apollo Client and urql's caches need
 * `__typename` in the answer to normalise it and to match fragments, so the manifest's documents
 * must ask for it themselves.
 */
module.exports = require('@graphql-codegen/client-preset').addTypenameSelectionDocumentTransform;
