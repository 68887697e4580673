/**
 * The layering of src/, checked by `npm run check:layers` (dependency-cruiser). Each folder is one
 * role; data flows one way, from the edge down to the vendors and the store:
 *
 *   entries (index, demo, cli/) → app, config → edge/ → graphql/ → services/ → loaders/ → sync/
 *     → vendors/, store/ → domain/, platform/
 *
 * with auth/ and observability/ beside the layers that use them, and simulators/ reached only by
 * the demo entry, its command and tests. Type-only imports count too: a service typed by a GraphQL
 * class still depends on it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment:
        'A folder imports a folder that imports it back (directly or round a longer loop): one of them is in the wrong room, or a piece of it belongs lower down.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-import-up',
      comment:
        "A folder's own files assemble its subfolders; a subfolder never imports them back (what both need lives in a subfolder of its own, such as vendors/kit/).",
      severity: 'error',
      from: { path: '^src/([^/]+)/[^/]+/' },
      to: { path: '^src/$1/[^/]+$' },
    },
    {
      name: 'no-import-up-two',
      comment: 'The same one level further down.',
      severity: 'error',
      from: { path: '^src/([^/]+/[^/]+)/[^/]+/' },
      to: { path: '^src/$1/[^/]+$' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of imports between modules: one of them should not depend on the other.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'services-not-graphql',
      comment:
        'src/services/ takes and returns domain commands and outcomes; GraphQL types and resolvers stay above it.',
      severity: 'error',
      from: { path: '^src/(services|loaders|sync|store|domain)/' },
      to: { path: '^src/(graphql|edge)/' },
    },
    {
      name: 'vendors-below-services',
      comment:
        'src/vendors/ maps vendor wire formats to domain types; it knows nothing of GraphQL, the services or sync that call it.',
      severity: 'error',
      from: { path: '^src/vendors/' },
      to: { path: '^src/(graphql|edge|services|loaders|sync|observability|auth)/' },
    },
    {
      name: 'resolvers-through-services',
      comment: 'Resolvers get loaders and services only: the database and the vendors are reached through them.',
      severity: 'error',
      from: { path: '^src/graphql/.+\\.resolver\\.ts$' },
      to: { path: '^src/(store|vendors)/' },
    },
    {
      name: 'platform-at-the-bottom',
      comment:
        'src/platform/ (environment, logging, redaction, request context) and src/domain/ are used by every layer and use none.',
      severity: 'error',
      from: { path: '^src/(platform|domain)/' },
      to: { path: '^src/(?!platform/|domain/)' },
    },
    {
      name: 'entries-not-imported',
      comment:
        'The composition root (app.ts, config.ts) and the entries are at the top: no folder imports them, but the commands in cli/.',
      severity: 'error',
      from: { path: '^src/(?!cli/)[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'production-without-simulators',
      comment:
        'The production entry connects to the vendor endpoints it is given; only src/demo.ts wires simulators in.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/simulators/', reachable: true },
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
