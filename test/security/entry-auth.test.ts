import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { bootGateway, graphql } from '../helpers/gateway';
import { post, runToExit, spawnGateway } from '../helpers/gateway-process';

/**
 * How each entry sets authentication up: the production entry refuses to start without a way to
 * authenticate unless told AUTH=off, which it warns about loudly at every start; the demo makes an
 * admin and a viewer token and prints each on a line of its own.
 */
const EPHEMERAL = { PORT: '0', DATA_DIR: ':memory:', LOG_LEVEL: 'info' };

describe('the production entry (src/index.ts)', () => {
  it('refuses to start without a way to authenticate, saying what to set (exit 2)', async () => {
    const { code, stdout, stderr } = await runToExit('src/index.ts', [], EPHEMERAL);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^Invalid configuration:\n {2}- AUTH: no way to authenticate is configured: set AUTH_JWT_SECRET .*AUTH_JWKS_URL or AUTH_JWKS_FILE .*AUTH_API_KEYS .*AUTH=off/,
    );
    expect(stdout).not.toContain('"level":60');
  });

  it('names every bad authentication variable at once, never echoing a secret or a hash', async () => {
    const { code, stderr } = await runToExit('src/index.ts', [], {
      ...EPHEMERAL,
      AUTH_JWT_SECRET: 'short-secret',
      AUTH_API_KEYS: 'console:root:0123,dashboard:viewer:not-hex',
      AUTH_JWT_ALGORITHMS: 'HS256,none',
      AUTH_CLOCK_SKEW_S: '3600',
    });
    expect(code).toBe(2);
    expect(stderr.split('\n').filter((line) => line.startsWith('  - '))).toEqual([
      '  - AUTH_JWT_SECRET: expected at least 32 characters',
      '  - AUTH_JWT_ALGORITHMS: HS256 needs AUTH_JWT_SECRET',
      '  - AUTH_JWT_ALGORITHMS: expected some of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, got "none"',
      '  - AUTH_CLOCK_SKEW_S: expected an integer from 0 to 300, got "3600"',
      expect.stringMatching(/^ {2}- AUTH_API_KEYS: entry 1 is not name:role:sha256hex/),
      expect.stringMatching(/^ {2}- AUTH_API_KEYS: entry 2 is not name:role:sha256hex/),
    ]);
    expect(stderr).not.toContain('short-secret');
    expect(stderr).not.toContain('not-hex');
  });

  it('with AUTH=off, starts, warns loudly, and lets requests in without a token', async () => {
    const gateway = await spawnGateway({ ...EPHEMERAL, AUTH: 'off' }, { entry: 'src/index.ts' });
    try {
      expect(
        gateway.logs.filter(
          (line) => line['level'] === 40 && String(line['msg']).startsWith('AUTHENTICATION IS OFF (AUTH=off)'),
        ),
      ).toHaveLength(1);
      const answer = await post<{ sources: unknown[] }>(gateway, '{ sources { source } }', {});
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.sources).toHaveLength(4);
    } finally {
      gateway.process.kill('SIGINT');
    }
    expect(await gateway.exited).toBe(0);
  });
});

describe('the demo (npm start)', () => {
  it('makes an admin and a viewer token, logs each on a line that says which it is, and they work as such', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    });
    const app = await bootGateway({ SIMULATORS: 'none' }, logger);
    try {
      const { admin, viewer, expiresAt } = app.tokens!;
      const tokenLines = lines.filter((line) => String(line['msg']).startsWith('Demo '));
      expect(tokenLines).toEqual([
        expect.objectContaining({
          role: 'admin',
          subject: 'demo-admin',
          msg: `Demo ADMIN token (may query and mutate; send it as Authorization: Bearer <token>): ${admin}`,
        }),
        expect.objectContaining({
          role: 'viewer',
          subject: 'demo-viewer',
          msg: `Demo VIEWER token (may only query; send it as Authorization: Bearer <token>): ${viewer}`,
        }),
      ]);
      // Valid for a working day, then dead; and dead anyway once the demo stops (its secret is never kept).
      expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(11 * 3600 * 1000);
      expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(12 * 3600 * 1000);
      const mutation = 'mutation { deleteUser(input: { id: "usr_nobody" }) { replayed } }';
      expect((await graphql(app, mutation, {}, { token: admin })).status).toBe(200);
      const refused = await graphql(app, mutation, {}, { token: viewer });
      expect([refused.status, refused.errors?.[0]?.extensions?.['code']]).toEqual([403, 'FORBIDDEN']);
      expect((await graphql(app, '{ sources { source } }', {}, { token: viewer })).status).toBe(200);
      expect((await graphql(app, '{ sources { source } }', {}, { token: null })).status).toBe(401);
    } finally {
      await app.stop();
    }
  });

  it('makes no tokens when told AUTH=off', async () => {
    const app = await bootGateway({ SIMULATORS: 'none', AUTH: 'off' });
    try {
      expect(app.tokens).toBeNull();
      expect((await graphql(app, '{ sources { source } }', {}, { token: null })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
