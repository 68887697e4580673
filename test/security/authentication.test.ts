import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type JWTPayload, type KeyLike } from 'jose';
import { startApp, type App } from '../../src/app';
import { roleFrom } from '../../src/auth/authenticator';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/platform/logger';
import { bootGateway, graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { errorCodes, rawRequest } from '../helpers/raw-http';

/**
 * Who may call the gateway: every GraphQL request carries a bearer token, a signed JWT (HS256 with
 * the shared secret, ES256 through a JWKS file, RS256 through a JWKS URL) or a static API key kept
 * only as its hash; the token's role decides what it may do. Refusals are GraphQL-shaped, with a
 * stable code, and call no vendor.
 */
const SECRET = 'tests-hs256-secret-0123456789abcdefghijklmnop';
const ISSUER = 'https://id.example.test';
const ADMIN_KEY = 'admin-api-key-6f1c0e9d2b8a4f7e';
const VIEWER_KEY = 'viewer-api-key-93b2d7c1e0f5a864';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const SOURCES_QUERY = '{ sources { source } }';
const DELETE = 'mutation { deleteUser(input: { id: "usr_nobody" }) { replayed } }';

/** A token with these claims, signed with `key` (the shared secret by default). */
async function jwt(
  claims: JWTPayload,
  options: { key?: KeyLike | Uint8Array; alg?: string; kid?: string; expiresIn?: string | number } = {},
): Promise<string> {
  const token = new SignJWT({ role: 'admin', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid ? { kid: options.kid } : {}) })
    .setSubject(String(claims.sub ?? 'alice'))
    .setIssuer(String(claims.iss ?? ISSUER))
    .setAudience(claims.aud ?? 'usergraph')
    .setIssuedAt();
  if (options.expiresIn !== undefined || claims.exp === undefined) token.setExpirationTime(options.expiresIn ?? '10m');
  else token.setExpirationTime(claims.exp);
  return token.sign(options.key ?? new TextEncoder().encode(SECRET));
}

describe('authentication at the HTTP edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usergraph-auth-'));
  let app: BootedGateway;
  let ecKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    ecKey = pair.privateKey;
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] }),
    );
    app = await bootGateway({
      AUTH_JWT_SECRET: SECRET,
      AUTH_JWKS_FILE: jwksFile,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_API_KEYS: `console:admin:${sha256(ADMIN_KEY)},dashboard:viewer:${sha256(VIEWER_KEY)}`,
    });
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => resetCounters(app));

  /** A GraphQL POST with exactly these headers besides the content type. */
  const post = (headers: Record<string, string>, query = SOURCES_QUERY) =>
    rawRequest(app.url, {
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
  const withToken = (token: string, query?: string) => post({ authorization: `Bearer ${token}` }, query);

  it('makes no tokens of its own when the environment configures authentication', () => {
    expect(app.tokens).toBeNull();
  });

  it('answers a request without a token with 401 UNAUTHENTICATED, a Bearer challenge and no vendor call', async () => {
    const answer = await post({});
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="usergraph"');
    expect(answer.json).toEqual({
      errors: [
        {
          message: 'Authentication required: send Authorization: Bearer <token>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(vendorCalls(app)).toEqual({});
  });

  it.each([
    ['another scheme', 'Basic YWRtaW46YWRtaW4=', 'The Authorization header is not "Bearer <token>"'],
    ['a token with spaces', 'Bearer two words', 'The Authorization header is not "Bearer <token>"'],
    [
      'Bearer and nothing',
      'Bearer ',
      'Authentication required: put a token after "Bearer " in the Authorization header',
    ],
    ['a JWT that is not one', 'Bearer aaaa.bbbb.cccc', 'The token is malformed'],
    ['an unknown API key', 'Bearer not-a-key-anyone-has', 'Unknown API key'],
  ])('answers %s with 401 UNAUTHENTICATED', async (_, authorization, message) => {
    const answer = await post({ authorization });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="usergraph"/);
    expect(answer.text).not.toContain('YWRtaW46YWRtaW4=');
    expect(vendorCalls(app)).toEqual({});
  });

  it.each([
    ['an expired token', () => jwt({ exp: Math.floor(Date.now() / 1000) - 120 }), 'The token has expired'],
    [
      'a token signed with another secret',
      () => jwt({}, { key: new TextEncoder().encode('another-secret-of-enough-length-0123456789') }),
      "The token's signature does not verify",
    ],
    ['a token for another audience', () => jwt({ aud: 'billing' }), 'The token is meant for another audience'],
    ['a token from another issuer', () => jwt({ iss: 'https://evil.example' }), 'The token comes from another issuer'],
    [
      'an unsigned token (alg none)',
      async () =>
        new UnsecuredJWT({ role: 'admin' })
          .setSubject('mallory')
          .setIssuer(ISSUER)
          .setAudience('usergraph')
          .setExpirationTime('10m')
          .encode(),
      "The token's signing algorithm is not accepted here",
    ],
    [
      'a token without a subject',
      () =>
        new SignJWT({ role: 'admin' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setAudience('usergraph')
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(SECRET)),
      'The token has no "sub" claim',
    ],
  ])('answers %s with 401 UNAUTHENTICATED and error="invalid_token"', async (_, make, message) => {
    const answer = await withToken(await make());
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(vendorCalls(app)).toEqual({});
  });

  it('accepts a token that expired within the clock skew (AUTH_CLOCK_SKEW_S, 30 s by default)', async () => {
    const answer = await withToken(await jwt({ exp: Math.floor(Date.now() / 1000) - 5 }));
    expect(answer.status).toBe(200);
    expect(answer.json?.errors).toBeUndefined();
  });

  it('accepts an HS256 admin token, and an ES256 token whose key is in the JWKS file', async () => {
    expect((await withToken(await jwt({}))).status).toBe(200);
    const answer = await withToken(
      await jwt({ sub: 'svc-reports', role: 'viewer' }, { key: ecKey, alg: 'ES256', kid: 'ec-1' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.json?.data).toEqual({ sources: expect.any(Array) });
  });

  it('refuses a token whose role claim names no role with 403 FORBIDDEN', async () => {
    const answer = await withToken(await jwt({ role: 'superuser' }));
    expect(answer.status).toBe(403);
    expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
  });

  it('lets a viewer query but not mutate: 403 FORBIDDEN, and no vendor is called', async () => {
    const viewer = await jwt({ sub: 'victor', role: 'viewer' });
    expect((await withToken(viewer)).status).toBe(200);
    resetCounters(app);
    const answer = await withToken(viewer, DELETE);
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      errors: [
        {
          message: 'Only an admin may run mutations; this caller has the viewer role',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
    expect(vendorCalls(app)).toEqual({});
    expect(app.store.db.queryCount).toBe(0);
  });

  it("keeps fields marked @Authorized('admin') to admins: a viewer gets FORBIDDEN on the field", async () => {
    const query = '{ reconciliation(first: 1) { generatedAt } }';
    const viewer = await withToken(await jwt({ sub: 'victor', role: 'viewer' }), query);
    expect(viewer.status).toBe(403);
    expect(viewer.json?.errors).toEqual([
      expect.objectContaining({
        message: 'Only an admin may read this field',
        path: ['reconciliation'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    const admin = await withToken(await jwt({ sub: 'ada' }), query);
    expect(admin.json?.errors).toBeUndefined();
  });

  it('lets an admin mutate', async () => {
    const answer = await withToken(await jwt({ sub: 'ada' }), DELETE);
    expect(answer.status).toBe(200);
    expect(answer.json?.errors).toBeUndefined();
  });

  it('accepts an API key by its hash, with the role configured for it, and refuses a wrong one', async () => {
    expect((await withToken(ADMIN_KEY, DELETE)).status).toBe(200);
    expect((await withToken(VIEWER_KEY)).status).toBe(200);
    const viewerMutating = await withToken(VIEWER_KEY, DELETE);
    expect([viewerMutating.status, errorCodes(viewerMutating)]).toEqual([403, ['FORBIDDEN']]);
    const wrong = await withToken(`${ADMIN_KEY}x`);
    expect([wrong.status, errorCodes(wrong)]).toEqual([401, ['UNAUTHENTICATED']]);
  });

  it('lets anyone load the playground page and its files, and nothing more', async () => {
    const page = await rawRequest(app.url, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const script = await rawRequest(`${new URL(app.url).origin}/playground/boot.js`, { method: 'GET' });
    expect(script.status).toBe(200);
    // Without the demo's tokens, the Headers tab opens with the line that carries the token, to be completed.
    expect(script.text).toMatch(/DEFAULT_HEADERS = .*Authorization.*Bearer /);
    const session = await rawRequest(`${new URL(app.url).origin}/playground/session.json`, { method: 'GET' });
    // Authentication is configured here, so this is no demo with tokens to hand out.
    expect(JSON.parse(session.text)).toEqual({ introspection: true, demo: null });
    // A browser's GET that carries an operation is a GraphQL request like any other.
    const url = new URL(app.url);
    url.searchParams.set('query', SOURCES_QUERY);
    const operation = await rawRequest(url.toString(), {
      method: 'GET',
      headers: { accept: 'text/html', 'apollo-require-preflight': 'true' },
    });
    expect([operation.status, errorCodes(operation)]).toEqual([401, ['UNAUTHENTICATED']]);
    expect(vendorCalls(app)).toEqual({});
  });

  it('reads the role from a list or a nested claim (AUTH_ROLE_CLAIM)', () => {
    expect(roleFrom({ role: 'viewer' }, 'role')).toBe('viewer');
    expect(roleFrom({ roles: ['viewer', 'admin'] }, 'roles')).toBe('admin');
    expect(roleFrom({ realm_access: { roles: ['offline_access', 'viewer'] } }, 'realm_access.roles')).toBe('viewer');
    expect(roleFrom({ role: 'root' }, 'role')).toBeNull();
    expect(roleFrom({}, 'realm_access.roles')).toBeNull();
  });
});

describe('RS256 tokens checked against a JWKS URL', () => {
  let jwks: Server;
  let app: App;
  let rsKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    rsKey = pair.privateKey;
    const body = JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }],
    });
    jwks = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    app = await startApp(
      loadConfig({ PORT: '0', DATA_DIR: ':memory:', AUTH_JWKS_URL: jwksUrl, AUTH_JWT_ISSUER: ISSUER }),
      createLogger({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    await app.stop();
    jwks.closeAllConnections();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('accepts a token signed by a published key and refuses an HS256 token (no secret configured)', async () => {
    const good = await graphql(
      app,
      SOURCES_QUERY,
      {},
      { token: await jwt({ role: 'viewer' }, { key: rsKey, alg: 'RS256', kid: 'rs-1' }) },
    );
    expect(good.status).toBe(200);
    const hmac = await graphql(app, SOURCES_QUERY, {}, { token: await jwt({}) });
    expect(hmac.status).toBe(401);
    expect(hmac.errors).toEqual([
      { message: "The token's signing algorithm is not accepted here", extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });

  it('refuses a token signed by a key the set does not publish', async () => {
    const stranger = await generateKeyPair('RS256');
    const answer = await graphql(
      app,
      SOURCES_QUERY,
      {},
      { token: await jwt({}, { key: stranger.privateKey, alg: 'RS256', kid: 'rs-2' }) },
    );
    expect(answer.status).toBe(401);
    expect(answer.errors).toEqual([
      { message: 'No known key signed the token', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });
});
