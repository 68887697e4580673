import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireAuthentication } from '../../src/auth/settings';
import { loadConfig } from '../../src/config';
import { ConfigError, type Env } from '../../src/platform/env';

/** The edge's and authentication's settings: every default, and a message naming the variable for each bad value. */
function problemsOf(env: Env): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('the edge settings', () => {
  it('default to loopback host names, a rate limit, short socket timeouts and bounded operations', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      corsOrigins: [],
      maxBodyBytes: 1_048_576,
      maxJsonDepth: 64,
      playground: true,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      rateLimit: { requests: 600, windowS: 60 },
      timeouts: { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 },
      maxConnections: 1_000,
    });
    expect(config.limits).toEqual({
      maxCost: 25_000,
      maxTokens: 10_000,
      maxDepth: 10,
      maxAliases: 100,
      maxMutationFields: 1,
      maxVendorCalls: 500,
      requestBudgetMs: 15_000,
      maxOperationNameLength: 100,
      maxQueryLength: 262_144,
    });
    expect(config.schema).toEqual({ introspection: false, suggestions: false });
  });

  it('reads each of them', () => {
    const config = loadConfig({
      ALLOWED_HOSTS: 'Gateway.Example.com, [::1], localhost',
      RATE_LIMIT_REQUESTS: '50',
      RATE_LIMIT_WINDOW_S: '10',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      HTTP_MAX_CONNECTIONS: '64',
      GRAPHQL_MAX_DEPTH: '6',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_MUTATION_FIELDS: '3',
      GRAPHQL_MAX_VENDOR_CALLS: '40',
      GRAPHQL_MAX_OPERATION_NAME_LENGTH: '64',
      GRAPHQL_MAX_QUERY_LENGTH: '5000',
      GRAPHQL_INTROSPECTION: 'true',
      GRAPHQL_SUGGESTIONS: 'on',
    });
    expect(config.http).toMatchObject({
      allowedHosts: ['gateway.example.com', '[::1]', 'localhost'],
      rateLimit: { requests: 50, windowS: 10 },
      timeouts: { headersMs: 2000, requestMs: 4000, keepAliveMs: 1000 },
      maxConnections: 64,
    });
    expect(config.limits).toMatchObject({
      maxDepth: 6,
      maxAliases: 0,
      maxMutationFields: 3,
      maxVendorCalls: 40,
      maxOperationNameLength: 64,
      maxQueryLength: 5000,
    });
    expect(config.schema).toEqual({ introspection: true, suggestions: true });
    expect(loadConfig({ ALLOWED_HOSTS: '*' }).http.allowedHosts).toBe('*');
  });

  it('names every bad value', () => {
    expect(
      problemsOf({
        ALLOWED_HOSTS: 'ok.example.com,localhost:4000,https://x.example',
        HTTP_HEADERS_TIMEOUT_MS: '9000',
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        GRAPHQL_MAX_MUTATION_FIELDS: '0',
      }),
    ).toEqual([
      'HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
      'ALLOWED_HOSTS: expected host names without a port (an IPv6 address in brackets), or * alone, got "localhost:4000"',
      'ALLOWED_HOSTS: expected host names without a port (an IPv6 address in brackets), or * alone, got "https://x.example"',
      'GRAPHQL_MAX_MUTATION_FIELDS: expected an integer from 1 to 1000, got "0"',
    ]);
  });
});

describe('the authentication settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usergraph-auth-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('default to on, with nothing configured: the production entry then refuses to start, naming what to set', () => {
    const { auth } = loadConfig({});
    expect(auth).toEqual({
      mode: 'on',
      jwt: { audience: 'usergraph', algorithms: [], clockSkewS: 30, roleClaim: 'role' },
      apiKeys: [],
    });
    expect(() => requireAuthentication(auth)).toThrow(ConfigError);
    expect(() => requireAuthentication(auth)).toThrow(
      /AUTH_JWT_SECRET .*AUTH_JWKS_URL or AUTH_JWKS_FILE .*AUTH_API_KEYS .*AUTH=off/,
    );
    expect(() => requireAuthentication(loadConfig({ AUTH: 'off' }).auth)).not.toThrow();
  });

  it('reads a shared secret, a key set, the claims checked and API keys as hashes', () => {
    const hash = createHash('sha256').update('a-key').digest('hex');
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }));
    const { auth } = loadConfig({
      AUTH_JWT_SECRET: 's'.repeat(32),
      AUTH_JWKS_FILE: file,
      AUTH_JWT_ISSUER: 'https://id.example.com',
      AUTH_JWT_AUDIENCE: 'usergraph-prod',
      AUTH_CLOCK_SKEW_S: '5',
      AUTH_ROLE_CLAIM: 'realm_access.roles',
      AUTH_API_KEYS: `console:admin:${hash}, dashboard:viewer:${hash.toUpperCase()}`,
    });
    expect(auth.jwt).toEqual({
      secret: 's'.repeat(32),
      jwks: { keys: [expect.objectContaining({ kid: 'k1' })] },
      issuer: 'https://id.example.com',
      audience: 'usergraph-prod',
      algorithms: ['HS256', 'RS256', 'ES256'],
      clockSkewS: 5,
      roleClaim: 'realm_access.roles',
    });
    expect(auth.apiKeys).toEqual([
      { name: 'console', role: 'admin', sha256: Buffer.from(hash, 'hex') },
      { name: 'dashboard', role: 'viewer', sha256: Buffer.from(hash, 'hex') },
    ]);
    expect(() => requireAuthentication(auth)).not.toThrow();
  });

  it('names every bad value without echoing a secret', () => {
    const privateKeys = join(dir, 'private.json');
    writeFileSync(
      privateKeys,
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret-part' }] }),
    );
    const problems = problemsOf({
      AUTH: 'maybe',
      AUTH_JWT_SECRET: 'too-short',
      AUTH_JWKS_URL: 'ftp://keys.example.com',
      AUTH_JWKS_FILE: privateKeys,
      AUTH_ROLE_CLAIM: 'a..b',
      AUTH_API_KEYS: 'ok:admin:' + 'a'.repeat(64) + ',ok:viewer:' + 'b'.repeat(64),
    });
    expect(problems).toEqual([
      'AUTH: expected one of on, off, got "maybe"',
      'AUTH_JWT_SECRET: expected at least 32 characters',
      'AUTH_JWKS_URL: expected an http(s) URL, got "ftp://keys.example.com"',
      `AUTH_JWKS_FILE: "${privateKeys}" holds a private key; give the gateway the public keys only`,
      'AUTH_ROLE_CLAIM: expected a claim name or a dotted path such as realm_access.roles, got "a..b"',
      'AUTH_API_KEYS: the name "ok" is given twice',
    ]);
    expect(problems.join('\n')).not.toContain('too-short');
    expect(problemsOf({ AUTH_JWKS_FILE: join(dir, 'missing.json'), AUTH_JWT_ISSUER: 'x' })).toEqual([
      `AUTH_JWKS_FILE: cannot read a JSON key set from "${join(dir, 'missing.json')}" (ENOENT)`,
    ]);
    expect(problemsOf({ AUTH_JWKS_URL: 'https://id.example.com/jwks' })).toEqual([
      'AUTH_JWT_ISSUER: required with AUTH_JWKS_URL or AUTH_JWKS_FILE (the identity provider signs tokens for others too)',
    ]);
  });
});
