import { createHash, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Logger } from '../platform/logger';
import type { Actor, Role } from '../platform/request-context';
import type { AuthSettings, JwtSettings } from './settings';

/** Why a request is refused before GraphQL runs: a stable code, the HTTP status, and what the client should read. */
export class AuthError extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'AUTH_UNAVAILABLE',
    readonly status: 401 | 403 | 503,
    message: string,
    /** The `error` of the WWW-Authenticate challenge (RFC 6750): `invalid_token` when a token was given. */
    readonly bearerError?: 'invalid_token' | 'invalid_request',
  ) {
    super(message);
    this.name = 'AuthError';
  }

  /** The WWW-Authenticate value sent with a 401. */
  get challenge(): string {
    if (this.bearerError === undefined) return 'Bearer realm="usergraph"';
    return `Bearer realm="usergraph", error="${this.bearerError}", error_description="${this.message.replace(/["\\]/g, '')}"`;
  }
}

/** Turns an Authorization header into the actor it proves, or throws an AuthError. */
export type Authenticate = (authorization: string | undefined) => Promise<Actor>;

/** Who acts when authentication is off: everyone, with every right. */
export const ANONYMOUS_ADMIN: Actor = Object.freeze({ subject: 'anonymous', role: 'admin', method: 'anonymous' });

/** Longest Authorization header read; a JWT with a few claims is well under 2 KB. */
const MAX_AUTHORIZATION_LENGTH = 8192;
/** Longest `sub` kept as the actor's subject (it is logged and journaled). */
const MAX_SUBJECT_LENGTH = 256;
/** RFC 6750's b64token, which both JWTs and API keys are written in. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const unauthenticated = (message: string, bearerError?: 'invalid_token' | 'invalid_request') =>
  new AuthError('UNAUTHENTICATED', 401, message, bearerError);

/**
 * The gateway's authentication, built once from the settings. With `AUTH=off` every request is the
 * anonymous admin, and a loud warning is logged now, at every start.
 */
export function createAuthenticator(settings: AuthSettings, logger: Logger): Authenticate {
  if (settings.mode === 'off') {
    logger.warn(
      { auth: 'off' },
      'AUTHENTICATION IS OFF (AUTH=off): anyone who can reach this port may read every user and create, change and delete users at every vendor. Configure AUTH_JWT_SECRET, AUTH_JWKS_URL, AUTH_JWKS_FILE or AUTH_API_KEYS instead.',
    );
    return async () => ANONYMOUS_ADMIN;
  }
  const verifyJwt = jwtVerifier(settings.jwt, logger);
  const apiKeys = settings.apiKeys;
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '')
      throw unauthenticated('Authentication required: send Authorization: Bearer <token>');
    // The playground's Headers tab starts as "Bearer " with the token still to be pasted.
    if (/^bearer$/i.test(authorization.trim()))
      throw unauthenticated('Authentication required: put a token after "Bearer " in the Authorization header');
    const match = authorization.length <= MAX_AUTHORIZATION_LENGTH ? BEARER.exec(authorization.trim()) : null;
    if (!match) throw unauthenticated('The Authorization header is not "Bearer <token>"', 'invalid_request');
    const token = match[1];
    if (JWT_SHAPE.test(token)) {
      if (!verifyJwt) throw unauthenticated('This gateway accepts no JWTs; use an API key', 'invalid_token');
      return verifyJwt(token);
    }
    if (apiKeys.length === 0)
      throw unauthenticated('The token is not a JWT, and this gateway accepts no API keys', 'invalid_token');
    return apiKeyActor(apiKeys, token);
  };
}

/** The API key's entry, compared by SHA-256 in constant time against every configured key. */
function apiKeyActor(entries: AuthSettings['apiKeys'], key: string): Actor {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  let found: (typeof entries)[number] | undefined;
  // No early exit: the time taken says nothing about which entry, or how much of one, matched.
  for (const entry of entries) {
    if (timingSafeEqual(presented, entry.sha256) && found === undefined) found = entry;
  }
  if (!found) throw unauthenticated('Unknown API key', 'invalid_token');
  return { subject: found.name, role: found.role, method: 'api-key' };
}

/** A JWT verifier for the configured key sources, or null when none is configured. */
function jwtVerifier(settings: JwtSettings, logger: Logger): ((token: string) => Promise<Actor>) | null {
  // A KeyObject made once: given the secret's bytes, jose would make one on every verification.
  const secret: KeyObject | undefined =
    settings.secret !== undefined ? createSecretKey(Buffer.from(settings.secret, 'utf8')) : undefined;
  let jwks: JWTVerifyGetKey | undefined;
  if (settings.jwksUrl !== undefined)
    jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  else if (settings.jwks !== undefined) jwks = createLocalJWKSet(settings.jwks);
  if (secret === undefined && jwks === undefined) return null;

  // The key follows the token's algorithm, which `algorithms` has already limited: an HMAC token is
  // checked only against the secret, any other only against the key set.
  const key: JWTVerifyGetKey = async (header, token) => {
    if (header.alg?.startsWith('HS')) {
      if (!secret) throw new errors.JOSEAlgNotAllowed('no secret for HMAC tokens');
      return secret;
    }
    if (!jwks) throw new errors.JOSEAlgNotAllowed('no key set for this algorithm');
    return jwks(header, token);
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: settings.algorithms,
        audience: settings.audience,
        ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
        clockTolerance: settings.clockSkewS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw jwtFailure(error, logger);
    }
    const subject = payload.sub!;
    if (subject.length > MAX_SUBJECT_LENGTH)
      throw unauthenticated(`The token's subject is longer than ${MAX_SUBJECT_LENGTH} characters`, 'invalid_token');
    const role = roleFrom(payload, settings.roleClaim);
    if (role === null)
      throw new AuthError(
        'FORBIDDEN',
        403,
        `The token grants neither the viewer nor the admin role (claim "${settings.roleClaim}")`,
      );
    return { subject, role, method: 'jwt' };
  };
}

/** `admin` or `viewer` from the role claim (a string or a list of strings, at a dotted path); admin wins. */
export function roleFrom(payload: JWTPayload, claim: string): Role | null {
  let value: unknown = payload;
  for (const part of claim.split('.'))
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  const roles =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.filter((item): item is string => typeof item === 'string')
        : [];
  if (roles.includes('admin')) return 'admin';
  if (roles.includes('viewer')) return 'viewer';
  return null;
}

/** What a failed verification tells the client: why, in words jose's codes map to, never the token. */
function jwtFailure(error: unknown, logger: Logger): AuthError {
  if (error instanceof errors.JWTExpired) return unauthenticated('The token has expired', 'invalid_token');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (reason === 'missing') return unauthenticated(`The token has no "${claim}" claim`, 'invalid_token');
    if (claim === 'aud') return unauthenticated('The token is meant for another audience', 'invalid_token');
    if (claim === 'iss') return unauthenticated('The token comes from another issuer', 'invalid_token');
    if (claim === 'nbf') return unauthenticated('The token is not valid yet', 'invalid_token');
    return unauthenticated(`The token's "${claim}" claim is not valid`, 'invalid_token');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return unauthenticated("The token's signature does not verify", 'invalid_token');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return unauthenticated("The token's signing algorithm is not accepted here", 'invalid_token');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return unauthenticated('No known key signed the token', 'invalid_token');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  ) {
    return unauthenticated('The token is malformed', 'invalid_token');
  }
  // The key set could not be fetched or read: the identity provider's fault, not the client's.
  logger.error({ err: error }, 'cannot read the JSON Web Key Set (AUTH_JWKS_URL); tokens cannot be verified');
  return new AuthError('AUTH_UNAVAILABLE', 503, 'Tokens cannot be verified right now; try again later');
}
