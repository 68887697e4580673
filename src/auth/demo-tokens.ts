/**
 * The demo's authentication (`npm start`), used only when the environment configures none: a
 * fresh HS256 secret per start, never written anywhere, and an admin and a viewer token signed
 * with it, which the demo prints so that whoever started it can use them.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Env } from '../platform/env';
import type { Role } from '../platform/request-context';
import { AUTH_SOURCE_VARIABLES, type JwtSettings } from './settings';

/** Who the demo's tokens are issued by. */
export const DEMO_ISSUER = 'usergraph-demo';
/** How long a demo token is valid: a working day, so a forgotten one does not work for ever. */
export const DEMO_TOKEN_LIFETIME_S = 12 * 60 * 60;

export interface DemoTokens {
  /** May query and mutate (subject `demo-admin`). */
  admin: string;
  /** May only query (subject `demo-viewer`). */
  viewer: string;
  expiresAt: Date;
}

/**
 * The variables that switch on the demo's own authentication (a random secret, the demo's issuer),
 * or none when `env` switches authentication off or configures a way to authenticate itself.
 */
export function demoAuthEnv(env: Env): Env {
  if (env['AUTH']?.trim().toLowerCase() === 'off') return {};
  if (AUTH_SOURCE_VARIABLES.some((name) => (env[name] ?? '').trim() !== '')) return {};
  return {
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    AUTH_JWT_ISSUER: DEMO_ISSUER,
    AUTH_JWT_ALGORITHMS: 'HS256',
  };
}

/** Signs the demo's two tokens with the configured secret, for the configured audience and role claim. */
export async function mintDemoTokens(settings: JwtSettings, now: Date = new Date()): Promise<DemoTokens> {
  if (settings.secret === undefined)
    throw new TypeError('mintDemoTokens: the settings have no AUTH_JWT_SECRET to sign with');
  const key = new TextEncoder().encode(settings.secret);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + DEMO_TOKEN_LIFETIME_S;
  const mint = (role: Role) =>
    new SignJWT(claimAt(settings.roleClaim, role))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`demo-${role}`)
      .setIssuer(settings.issuer ?? DEMO_ISSUER)
      .setAudience(settings.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(key);
  return { admin: await mint('admin'), viewer: await mint('viewer'), expiresAt: new Date(expiresAt * 1000) };
}

/** `{ role: 'admin' }`, or the nested object a dotted claim path (`realm_access.role`) names. */
function claimAt(path: string, role: Role): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, part) => ({ [part]: inner }), role) as Record<string, unknown>;
}
