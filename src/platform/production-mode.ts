/**
 * The production entry's first import: sets NODE_ENV to `production` unless the operator set it,
 * before anything loads graphql. graphql-js decides once, as it loads, whether to run in
 * development mode, where every `instanceof` check of its type predicates (`isObjectType`,
 * `isListType`, ... asked for every field it resolves) that fails goes on to compare class names, to
 * report two copies of graphql in node_modules; Apollo Server reads the same variable for its
 * defaults (the gateway sets each of those explicitly). The demo (`npm start`) and the tests keep
 * development mode and its warning.
 */
process.env['NODE_ENV'] ??= 'production';
