/**
 * The layering rules of src/, checked by `npm run check:layers` (dependency-cruiser). Data flows one
 * way (resolver → loader/service → source → vendor), and only the demo entry knows simulators exist:
 *  - services and sources speak in domain types, never in GraphQL classes or resolvers;
 *  - a source never calls back into the services that orchestrate it;
 *  - resolvers reach the database and the vendors only through loaders and services;
 *  - nothing the production entry (src/index.ts) reaches imports src/simulators/ (src/demo.ts, the
 *    simulators themselves, tests and scripts may);
 *  - no circular imports.
 * Type-only imports count too: a service typed by a GraphQL class still depends on it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'services-not-graphql',
      comment: 'src/services/ takes and returns domain commands and outcomes; GraphQL types and resolvers stay above it.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(schema|resolvers)/' },
    },
    {
      name: 'sources-not-graphql',
      comment: 'src/sources/ maps vendor wire formats to domain types; it knows nothing of GraphQL.',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/(schema|resolvers)/' },
    },
    {
      name: 'sources-not-services',
      comment: 'Sources are called by services, never the other way round.',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/services/' },
    },
    {
      name: 'resolvers-through-services',
      comment: 'Resolvers get loaders and services only: the database and the vendors are reached through them.',
      severity: 'error',
      from: { path: '^src/resolvers/' },
      to: { path: '^src/(store|sources)/' },
    },
    {
      name: 'production-without-simulators',
      comment: 'The production entry connects to the vendor endpoints it is given; only src/demo.ts wires simulators in.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/simulators/', reachable: true },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of imports: one of its modules should not depend on the other.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/generated/' },
  },
};
