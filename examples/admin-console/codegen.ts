import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * The console's typed documents and its trusted-documents manifest, from the graphql() calls in
 * src/ against the gateway's committed schema: `npm run codegen` (every build runs it first) writes
 * src/gql/, with src/gql/persisted-documents.json, the file a gateway started with
 * PERSISTED_OPERATIONS=require and PERSISTED_OPERATIONS_MANIFEST pointing at it runs from.
 */
const config: CodegenConfig = {
  schema: '../../schema/schema.graphql',
  documents: ['src/**/*.tsx', 'src/**/*.ts', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        // Components read results as plain objects; the console is small enough to do without useFragment.
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      // The gateway runs the manifest's text, not what Apollo Client would print: the cache needs
      // __typename in every answer, so the manifest's documents must select it themselves.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: { DateTime: 'string' },
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
