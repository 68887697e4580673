/**
 * How the journal recognises an input again (an idempotent replay) without keeping it: the input
 * without its secrets under a fast keyed hash, and the secrets (every string under a secret key as
 * src/platform/redaction.ts knows them, such as a password) apart, under a slow, salted one, so
 * that the database and the key beside it are no fast offline password checker.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { isSecretKey } from '../platform/redaction';

/** What stands in a hashed input for a secret's value: the hash tells a secret given from none, never which. */
const SECRET_MARK = '[secret]';

/** scrypt's cost as OWASP's password storage cheat sheet gives it: N = 2^17, r = 8, p = 1 (128 MiB per call). */
export const SCRYPT_PARAMETERS = { N: 2 ** 17, r: 8, p: 1 } as const;

const SCRYPT_KEY_LENGTH = 32;
const SCRYPT_SALT_LENGTH = 16;

/**
 * At most this many scrypt calls at once: each holds 128 MiB, so a burst of keyed mutations with
 * passwords waits its turn instead of taking the process's memory.
 */
const SCRYPT_CONCURRENCY = 2;

/** `scrypt$N=131072,r=8,p=1$<salt>$<hash>` (base64url): the parameters travel with the hash, so they can change later. */
const FINGERPRINT_PATTERN = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function assertKey(secretKey: string | Buffer, what: string): void {
  const keyLength =
    typeof secretKey === 'string' ? Buffer.byteLength(secretKey) : Buffer.isBuffer(secretKey) ? secretKey.length : -1;
  if (keyLength < 16) throw new TypeError(`${what} needs a secret key of at least 16 bytes`);
}

/**
 * The keyed hash the journal compares inputs by: HMAC-SHA256 over the input's canonical JSON with
 * every secret's value replaced by one mark. Two inputs differing only in a password hash alike;
 * {@link inputSecrets} tells them apart. The key (a server secret, at least 16 bytes) keeps a
 * leaked database from testing guesses of the other values.
 */
export function hashInput(secretKey: string | Buffer, input: unknown): string {
  assertKey(secretKey, 'hashInput()');
  return createHmac('sha256', secretKey)
    .update(canonicalJson(input, (key, value) => (isSecretKey(key) && typeof value === 'string' ? SECRET_MARK : value)))
    .digest('hex');
}

/**
 * The input with every member under a secret key (`password`, `newPassword`, at any depth) left
 * out: what may be kept of it (the journal's recovery input). A deep copy, as JSON would make it.
 */
export function withoutSecrets<T extends object>(input: T): T {
  return JSON.parse(JSON.stringify(input, (key, value: unknown) => (isSecretKey(key) ? undefined : value))) as T;
}

/** The secrets of a keyed input, fingerprinted for the journal's reuse check (see {@link inputSecrets}). */
export interface InputSecrets {
  /** A new salted, slow fingerprint of the secrets, to store with the operation. */
  fingerprint(): Promise<string>;
  /** Whether a stored fingerprint is of these very secrets. */
  matches(stored: string): Promise<boolean>;
}

/**
 * The secrets of an input (every string under a secret key, at any depth, by path), or null when
 * it has none. Their fingerprint is scrypt (OWASP's parameters, a random salt) over an HMAC of them
 * under the journal's key: without the key a guess cannot be tested at all, and with it each guess
 * still costs a scrypt.
 */
export function inputSecrets(secretKey: string | Buffer, input: unknown): InputSecrets | null {
  assertKey(secretKey, 'inputSecrets()');
  const found: [string, string][] = [];
  collectSecrets(input, [], found);
  if (found.length === 0) return null;
  const peppered = createHmac('sha256', secretKey)
    .update(canonicalJson(Object.fromEntries(found)))
    .digest();
  return {
    async fingerprint() {
      const salt = randomBytes(SCRYPT_SALT_LENGTH);
      const hash = await slowHash(peppered, salt, SCRYPT_PARAMETERS);
      const { N, r, p } = SCRYPT_PARAMETERS;
      return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    },
    async matches(stored) {
      const match = FINGERPRINT_PATTERN.exec(stored);
      if (!match) return false;
      const [, N, r, p, salt, hash] = match;
      const expected = Buffer.from(hash, 'base64url');
      const actual = await slowHash(peppered, Buffer.from(salt, 'base64url'), {
        N: Number(N),
        r: Number(r),
        p: Number(p),
      });
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

function collectSecrets(value: unknown, path: string[], into: [string, string][]): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key) && typeof item === 'string') into.push([[...path, key].join('.'), item]);
    else collectSecrets(item, [...path, key], into);
  }
}

let running = 0;
const waiting: (() => void)[] = [];

/** scrypt, at most {@link SCRYPT_CONCURRENCY} at a time; a call that ends hands its turn to the next waiting. */
async function slowHash(secret: Buffer, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  if (running < SCRYPT_CONCURRENCY) running += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    // maxmem: Node refuses scrypt over 32 MiB by default; the cost needs 128 * N * r bytes.
    const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(secret, salt, SCRYPT_KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

/**
 * JSON with object keys sorted at every depth, so equal inputs hash equally whatever order their
 * fields came in. Follows JSON.stringify otherwise (toJSON, undefined members dropped);
 * `replace` may swap a member's value, as JSON.stringify's replacer does.
 */
export function canonicalJson(value: unknown, replace?: (key: string, value: unknown) => unknown): string {
  const json = canonical(value, new Set(), replace);
  if (json === undefined) throw new TypeError('canonicalJson() cannot encode undefined, a function or a symbol');
  return json;
}

function canonical(
  value: unknown,
  ancestors: Set<object>,
  replace: ((key: string, value: unknown) => unknown) | undefined,
): string | undefined {
  let current = value;
  if (
    current !== null &&
    typeof current === 'object' &&
    typeof (current as { toJSON?: unknown }).toJSON === 'function'
  ) {
    current = (current as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof current) {
    case 'string':
    case 'boolean':
      return JSON.stringify(current);
    case 'number':
      if (!Number.isFinite(current)) throw new TypeError(`canonicalJson() cannot encode ${current}`);
      return JSON.stringify(current);
    case 'bigint':
      throw new TypeError('canonicalJson() cannot encode a bigint');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (current === null) return 'null';
  const object = current as object;
  if (ancestors.has(object)) throw new TypeError('canonicalJson() cannot encode a circular structure');
  ancestors.add(object);
  let json: string;
  if (Array.isArray(object)) {
    json = `[${object.map((item) => canonical(item, ancestors, replace) ?? 'null').join(',')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const item = (object as Record<string, unknown>)[key];
      const member = canonical(replace ? replace(key, item) : item, ancestors, replace);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    json = `{${members.join(',')}}`;
  }
  ancestors.delete(object);
  return json;
}
