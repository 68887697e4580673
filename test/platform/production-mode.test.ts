import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The production entry runs graphql-js in production mode: NODE_ENV is `production` unless the
 * operator set it, and it is set before anything loads graphql (which reads it once, as it loads).
 */
const ROOT = join(__dirname, '..', '..');

/** NODE_ENV and graphql-js's own mode, as a process that loads the module and then graphql sees them. */
function modeAfterLoading(env: Record<string, string>): { nodeEnv: string; graphqlChecksRealms: boolean } {
  const script = `
    require('./src/platform/production-mode');
    const { instanceOf } = require('graphql/jsutils/instanceOf');
    class GraphQLObjectType {}
    Object.defineProperty(GraphQLObjectType.prototype, Symbol.toStringTag, { get: () => 'GraphQLObjectType' });
    const { GraphQLObjectType: Real } = require('graphql');
    let graphqlChecksRealms = false;
    try { instanceOf(new GraphQLObjectType(), Real); } catch { graphqlChecksRealms = true; }
    process.stdout.write(JSON.stringify({ nodeEnv: process.env.NODE_ENV, graphqlChecksRealms }));`;
  const run = spawnSync(process.execPath, ['-r', './test/support/register-ts.js', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { nodeEnv: string; graphqlChecksRealms: boolean };
}

describe('production mode (src/platform/production-mode.ts)', () => {
  it('puts graphql-js in production mode when NODE_ENV is not set', () => {
    expect(modeAfterLoading({})).toEqual({ nodeEnv: 'production', graphqlChecksRealms: false });
  });

  it("keeps the operator's NODE_ENV, and graphql-js's development checks with it", () => {
    expect(modeAfterLoading({ NODE_ENV: 'development' })).toEqual({
      nodeEnv: 'development',
      graphqlChecksRealms: true,
    });
  });

  it('is the first thing the production entry imports, before anything that loads graphql', () => {
    const entry = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8');
    const imports = [...entry.matchAll(/^import .*?'([^']+)';$/gms)].map((match) => match[1]);
    expect(imports[0]).toBe('./platform/production-mode');
  });
});
