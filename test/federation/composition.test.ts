import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, CompositionFailedError, USERGRAPH_SDL_FILE } from './compose-supergraph';
import { ORDERS_SDL_FILE } from './orders-subgraph';

/**
 * The committed subgraph SDL (schema/subgraph.graphql) composes with the sample orders subgraph,
 * and `npm run federation:compose`, which CI runs, fails on a change that would break the
 * supergraph: the user graph's keys and its shareable PageInfo are what the composition needs.
 */
const ROOT = join(__dirname, '..', '..');
const usergraph = readFileSync(USERGRAPH_SDL_FILE, 'utf8');
const ordersSdl = readFileSync(ORDERS_SDL_FILE, 'utf8');

const compose = (usergraphSdl: string, orders = ordersSdl) =>
  composeSupergraph([
    { name: 'usergraph', url: 'http://127.0.0.1:4000/graphql', sdl: usergraphSdl },
    { name: 'orders', url: 'http://127.0.0.1:4001/graphql', sdl: orders },
  ]);

/** The composition's problems for these SDLs; none when it composes. */
function problems(usergraphSdl: string, orders = ordersSdl): readonly string[] {
  try {
    compose(usergraphSdl, orders);
    return [];
  } catch (error) {
    if (error instanceof CompositionFailedError) return error.problems;
    throw error;
  }
}

/** `usergraph` without User's `@key(fields: "id")`, the line after `type User` as the SDL is printed. */
function withoutUserIdKey(): string {
  const lines = usergraph.split('\n');
  const userLine = lines.findIndex((line) => /^type User\b/.test(line));
  expect(lines[userLine + 1]).toBe('  @key(fields: "id")');
  return [...lines.slice(0, userLine + 1), ...lines.slice(userLine + 2)].join('\n');
}

describe('composing the user graph with the sample orders subgraph', () => {
  it('composes: User gains `orders`, Order.buyer is a User the user graph resolves', () => {
    const supergraph = compose(usergraph);
    const typeLine = (name: string) => supergraph.split('\n').find((line) => line.startsWith(`type ${name} `));
    expect(typeLine('User')).toBe(
      'type User @join__type(graph: ORDERS, key: "id") @join__type(graph: USERGRAPH, key: "id") @join__type(graph: USERGRAPH, key: "email") {',
    );
    expect(typeLine('Account')).toBe('type Account @join__type(graph: USERGRAPH, key: "id") {');
    expect(supergraph).toMatch(/^type User [^]*?^ {2}orders: \[Order!\]! @join__field\(graph: ORDERS\)$/m);
    expect(supergraph).toMatch(/^type Order [^]*?^ {2}buyer: User$/m);
  });

  it("fails when User loses its id key: the orders subgraph's User could no longer be resolved here", () => {
    expect(problems(withoutUserIdKey())).toEqual([expect.stringMatching(/^INVALID_FIELD_SHARING: .*"User\.id"/)]);
  });

  it('PageInfo is shareable: a Relay subgraph defines it too, which composes only because both say so', () => {
    const relayOrders = `${ordersSdl}
type OrderConnection { nodes: [Order!]! pageInfo: PageInfo! }
type PageInfo @shareable { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
extend type Query { orderPage(first: Int, after: String): OrderConnection! }
`;
    expect(problems(usergraph, relayOrders)).toEqual([]);
    const shareable = usergraph.split('\n').filter((line) => line === '  @shareable');
    expect(shareable).toHaveLength(1);
    const notShareable = usergraph.replace('\n  @shareable\n', '\n');
    expect(problems(notShareable, relayOrders)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^INVALID_FIELD_SHARING: .*"PageInfo\./)]),
    );
  });

  describe('npm run federation:compose', () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['-r', './test/support/register-ts.js', 'test/federation/compose-supergraph.ts', ...args],
          { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '' } },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'usergraph-compose-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 0 on the committed SDL, saying what it composed', async () => {
      const { code, stdout } = await run([]);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^federation:compose: schema\/subgraph\.graphql with test\/federation\/orders\.graphql compose/,
      );
    });

    it('exits 1 naming the problem when a change breaks composition (the id key removed)', async () => {
      const broken = join(dir, 'subgraph.graphql');
      writeFileSync(broken, withoutUserIdKey());
      const { code, stderr } = await run([broken]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/does not compose:\n {2}INVALID_FIELD_SHARING: .*"User\.id"/);
    });
  });
});
