/**
 * How callers prove who they are, from the environment: signed JWTs (HS256 with a shared secret,
 * or RS256/ES256 and the like through a JWKS URL or file) and static API keys kept only as
 * SHA-256 hashes. Read with the EnvReader, so every problem is reported with the others.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { ConfigError, type EnvReader } from '../platform/env';
import type { Role } from '../platform/request-context';

/** Algorithms a JWT may be signed with: the HMAC ones need AUTH_JWT_SECRET, the others a JWKS. */
export const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** The shortest HS256 secret accepted: 32 characters, 256 bits when they are random bytes. */
export const MIN_JWT_SECRET_LENGTH = 32;

/** One static API key: its name (the actor's subject), its role and the SHA-256 of the key. */
export interface ApiKeyEntry {
  name: string;
  role: Role;
  sha256: Buffer;
}

export interface JwtSettings {
  /** HS256 (and HS384/HS512) shared secret. */
  secret?: string;
  /** Where the signing keys of an identity provider are published (RS256, ES256, ...). */
  jwksUrl?: string;
  /** The same keys read once from a file at startup. */
  jwks?: JSONWebKeySet;
  /** The `iss` every token must carry; checked when set. */
  issuer?: string;
  /** The `aud` every token must carry. */
  audience: string;
  algorithms: string[];
  /** Leeway for `exp` and `nbf`, in seconds. */
  clockSkewS: number;
  /** The claim holding the role: a name, or a dotted path such as `realm_access.roles`; a string or a list. */
  roleClaim: string;
}

export interface AuthSettings {
  /** `off` lets every request in as an anonymous admin: only for a gateway nobody else can reach. */
  mode: 'on' | 'off';
  jwt: JwtSettings;
  apiKeys: ApiKeyEntry[];
}

/** Whether any way to authenticate is configured (a JWT key source or an API key). */
export function authConfigured(settings: AuthSettings): boolean {
  const { secret, jwksUrl, jwks } = settings.jwt;
  return secret !== undefined || jwksUrl !== undefined || jwks !== undefined || settings.apiKeys.length > 0;
}

/** The variables that configure a way to authenticate; the demo makes its own only when none is set. */
export const AUTH_SOURCE_VARIABLES = ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWKS_FILE', 'AUTH_API_KEYS'] as const;

/**
 * Refuses to start a gateway that would answer every request with 401 because nothing says how a
 * caller authenticates (the production entry calls it; the demo configures itself instead).
 */
export function requireAuthentication(settings: AuthSettings): void {
  if (settings.mode === 'off' || authConfigured(settings)) return;
  throw new ConfigError([
    'AUTH: no way to authenticate is configured: set AUTH_JWT_SECRET (HS256, at least 32 characters), AUTH_JWKS_URL or AUTH_JWKS_FILE ' +
      '(RS256/ES256, with AUTH_JWT_ISSUER), or AUTH_API_KEYS (name:role:sha256hex,...); or AUTH=off to let anyone who reaches the port in',
  ]);
}

/** Reads the AUTH_* variables; problems go to the reader's list. */
export function readAuthSettings(read: EnvReader): AuthSettings {
  const mode = read.oneOf('AUTH', 'on', ['on', 'off'] as const);
  const secret = read.secret('AUTH_JWT_SECRET', MIN_JWT_SECRET_LENGTH);
  const jwksUrl = read.url('AUTH_JWKS_URL');
  const jwks = readJwksFile(read, 'AUTH_JWKS_FILE');
  if (jwksUrl !== undefined && jwks !== undefined)
    read.problems.push('AUTH_JWKS_URL, AUTH_JWKS_FILE: set one of them, not both');
  const hasJwks = jwksUrl !== undefined || jwks !== undefined;
  const issuer = read.raw('AUTH_JWT_ISSUER');
  if (hasJwks && issuer === undefined)
    read.problems.push(
      'AUTH_JWT_ISSUER: required with AUTH_JWKS_URL or AUTH_JWKS_FILE (the identity provider signs tokens for others too)',
    );

  const defaultAlgorithms = [...(secret !== undefined ? ['HS256'] : []), ...(hasJwks ? ['RS256', 'ES256'] : [])];
  const algorithms = [...read.list('AUTH_JWT_ALGORITHMS', defaultAlgorithms, 'algorithms such as HS256, RS256, ES256')];
  for (const algorithm of algorithms) {
    if ((SYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      if (secret === undefined) read.problems.push(`AUTH_JWT_ALGORITHMS: ${algorithm} needs AUTH_JWT_SECRET`);
    } else if ((ASYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      if (!hasJwks) read.problems.push(`AUTH_JWT_ALGORITHMS: ${algorithm} needs AUTH_JWKS_URL or AUTH_JWKS_FILE`);
    } else {
      read.problems.push(
        `AUTH_JWT_ALGORITHMS: expected some of ${[...SYMMETRIC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS].join(', ')}, got "${algorithm}"`,
      );
    }
  }

  const roleClaim = read.string('AUTH_ROLE_CLAIM', 'role');
  if (!/^[A-Za-z_][\w:/-]*(\.[A-Za-z_][\w:/-]*)*$/.test(roleClaim))
    read.problems.push(
      `AUTH_ROLE_CLAIM: expected a claim name or a dotted path such as realm_access.roles, got "${roleClaim}"`,
    );

  return {
    mode,
    jwt: {
      ...(secret !== undefined ? { secret } : {}),
      ...(jwksUrl !== undefined ? { jwksUrl } : {}),
      ...(jwks !== undefined ? { jwks } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      audience: read.string('AUTH_JWT_AUDIENCE', 'usergraph'),
      algorithms,
      clockSkewS: read.int('AUTH_CLOCK_SKEW_S', 30, 0, 300),
      roleClaim,
    },
    apiKeys: readApiKeys(read, 'AUTH_API_KEYS'),
  };
}

/** `name:role:sha256hex` entries, comma-separated. Entries are named by position: a hash is not echoed. */
function readApiKeys(read: EnvReader, name: string): ApiKeyEntry[] {
  const value = read.raw(name);
  if (value === undefined) return [];
  const entries: ApiKeyEntry[] = [];
  const names = new Set<string>();
  for (const [index, item] of value
    .split(',')
    .map((part) => part.trim())
    .entries()) {
    const match = /^([A-Za-z0-9._-]{1,64}):(viewer|admin):([0-9a-fA-F]{64})$/.exec(item);
    if (!match) {
      read.problems.push(
        `${name}: entry ${index + 1} is not name:role:sha256hex (a name of letters, digits, ".", "_" or "-"; role viewer or admin; the key's SHA-256 as 64 hex digits)`,
      );
      continue;
    }
    const [, keyName, role, hex] = match;
    if (names.has(keyName)) read.problems.push(`${name}: the name "${keyName}" is given twice`);
    names.add(keyName);
    entries.push({ name: keyName, role: role as Role, sha256: Buffer.from(hex, 'hex') });
  }
  return entries;
}

/** A JSON Web Key Set from a file, read once: `{ "keys": [ ... ] }` with public keys only. */
function readJwksFile(read: EnvReader, name: string): JSONWebKeySet | undefined {
  const path = read.raw(name);
  if (path === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    read.problems.push(
      `${name}: cannot read a JSON key set from "${path}" (${(error as NodeJS.ErrnoException).code ?? 'not JSON'})`,
    );
    return undefined;
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((key) => typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string')
  ) {
    read.problems.push(`${name}: expected a JSON Web Key Set, { "keys": [ { "kty": ... }, ... ] }, in "${path}"`);
    return undefined;
  }
  if (keys.some((key) => 'd' in (key as object))) {
    read.problems.push(`${name}: "${path}" holds a private key; give the gateway the public keys only`);
    return undefined;
  }
  return parsed as JSONWebKeySet;
}
