'use strict';
/**
 * Lets a plain `node` child process run the project's TypeScript (`node -r ./test/support/register-ts.js
 * src/index.ts`), so crash tests kill a process running the real source, not a build of it.
 *
 * ts-node is not installed: each `.ts` file is transpiled on require by the TypeScript compiler the
 * project already has, with tsconfig.json's own options (decorator metadata included, which
 * type-graphql needs). No type checking: `npm run typecheck` does that.
 */
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const ts = require('typescript');

const configFile = join(__dirname, '..', '..', 'tsconfig.json');
const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error)
  throw new Error(
    `register-ts: cannot read ${configFile}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`,
  );
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configFile));
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: true };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
