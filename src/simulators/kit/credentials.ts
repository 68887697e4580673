/**
 * How a simulator keeps and checks secrets, written once for every simulator: its users' passwords
 * as a random salt and the sha256 of salt and password (never the password itself, not even in its
 * state file), and its own credentials (an API key, a Basic user name and password, a session
 * token) as digests compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A password as a store keeps it: a random 16-byte salt and the sha256 of salt and password, in hex. */
export interface SaltedPassword {
  salt: string;
  passwordHash: string;
}

/** The schema of {@link SaltedPassword}'s fields, for a store's state-file schema. */
export const saltedPasswordFields = {
  salt: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
  passwordHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits (a sha256)'),
};

function saltedHash(salt: string, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

/** Fixed-length digests let timingSafeEqual compare secrets of any length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `password` salted and hashed, with a fresh salt. */
export function hashPassword(password: string): SaltedPassword {
  const salt = randomBytes(16).toString('hex');
  return { salt, passwordHash: saltedHash(salt, password).toString('hex') };
}

/** Whether `password` is the one `stored` was made from, compared in constant time. */
export function passwordMatches(stored: SaltedPassword, password: string): boolean {
  return timingSafeEqual(saltedHash(stored.salt, password), Buffer.from(stored.passwordHash, 'hex'));
}

/** A password for a seeded user who was given none: random, so nobody can sign in as them. */
export function unguessablePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** One credential the simulator expects, kept as its digest. */
export class ExpectedCredential {
  private readonly digest: Buffer;

  constructor(value: string) {
    this.digest = digest(value);
  }

  /** Whether `given` is the credential, in a time that says nothing about how much of it matched. */
  matches(given: string): boolean {
    return timingSafeEqual(digest(given), this.digest);
  }
}
