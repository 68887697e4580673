'use strict';
/**
 * Preloaded (NODE_OPTIONS=--require) into a gateway process by test/platform/optional-libraries.test.ts:
 * as the process exits, however it ends (a stop, a refused start), writes the modules it loaded
 * from node_modules to the file USERGRAPH_TEST_LOADED_MODULES names, as a JSON array of paths
 * from the innermost node_modules/ on (`pg/lib/index.js`, `@apollo/subgraph/dist/index.js`).
 */
const { writeFileSync } = require('node:fs');

const file = process.env.USERGRAPH_TEST_LOADED_MODULES;
if (!file) throw new Error('loaded-modules.js: set USERGRAPH_TEST_LOADED_MODULES to the file to write');

process.once('exit', () => {
  const modules = Object.keys(require.cache)
    .map((path) => /[\\/]node_modules[\\/](?!.*[\\/]node_modules[\\/])(.*)$/.exec(path)?.[1])
    .filter((path) => path !== undefined)
    .map((path) => path.split('\\').join('/'));
  writeFileSync(file, JSON.stringify(modules));
});
