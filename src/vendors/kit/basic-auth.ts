import type { Authorizer } from '../transport/http';
import { nonEmptyTextProblem } from './setting-rules';

/**
 * HTTP Basic authentication (RFC 7617, UTF-8), built and read one way for every vendor that uses it
 * (Engagement, GreenArrow) and for their simulators, so a client and a simulator cannot disagree
 * about the header.
 */

/** Where a vendor that takes HTTP Basic is, and the credentials it takes. */
export interface BasicEndpoint {
  baseUrl: string;
  username: string;
  password: string;
}

/** Why a user name cannot travel in a Basic header, or null when it can. */
export function basicUsernameProblem(username: unknown): string | null {
  return typeof username === 'string' && username !== '' && !username.includes(':')
    ? null
    : 'username must be a non-empty string without ":" (HTTP Basic cannot carry one)';
}

/** The problems of a client's Basic credentials, as its constructor checks them. */
export function basicCredentialProblems(settings: { username: unknown; password: unknown }): (string | null)[] {
  return [basicUsernameProblem(settings.username), nonEmptyTextProblem('password', settings.password)];
}

/** Adds the Basic header of these credentials to every request; the header is built once. */
export function basicAuthorizer(username: string, password: string): Authorizer {
  const authorization = basicAuthorization(username, password);
  return (request) => ({ ...request, headers: { ...request.headers, authorization } });
}

/** The `Authorization` header value; a user name with a colon would be read back split, so it throws. */
export function basicAuthorization(username: string, password: string): string {
  const problem = basicUsernameProblem(username);
  if (problem !== null) throw new TypeError(`basicAuthorization: ${problem}`);
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The user name and password of a Basic `Authorization` header; null when it is not one. */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  const match = /^\s*Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What a Basic credential looks like in text (the password, and the header's base64), for cutting it from vendor text. */
export function basicCredentialValues(settings: { username: unknown; password: unknown }): string[] {
  const { username, password } = settings;
  if (typeof username !== 'string' || typeof password !== 'string') return [];
  return [password, Buffer.from(`${username}:${password}`, 'utf8').toString('base64')];
}
