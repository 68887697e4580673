import {
  EMAIL_MASK,
  REDACTED,
  isSecretKey,
  maskEmails,
  mentionsSecretKey,
  redactCredentials,
  redactSecretKeys,
  redactValues,
  secretKeyPath,
  secretValues,
} from '../../src/platform/redaction';

describe('redaction: what a secret looks like', () => {
  describe('isSecretKey', () => {
    it.each([
      'password',
      'Password',
      'newPassword',
      'new_password',
      'password_hash',
      'secret',
      'clientSecret',
      'secretAccessKey',
      'token',
      'accessToken',
      'refreshToken',
      'idToken',
      'sessionToken',
      'x-amz-security-token',
      'X-Amz-Security-Token',
      'apiKey',
      'api_key',
      'x-api-key',
      'X-Api-Key',
      'journalKey',
      'authorization',
      'Authorization',
      'proxy-authorization',
      'cookie',
      'set-cookie',
    ])('takes %s for a secret', (key) => {
      expect(isSecretKey(key)).toBe(true);
    });

    it.each(['email', 'phone', 'username', 'source', 'route', 'idempotencyKey', 'api', 'key', 'externalId', 'msg'])(
      'takes %s for an ordinary key',
      (key) => {
        expect(isSecretKey(key)).toBe(false);
      },
    );

    it('tells a text that mentions a secret key from one that does not', () => {
      expect(mentionsSecretKey('{"input":{"newPassword":"x"}}')).toBe(true);
      expect(mentionsSecretKey('{"route":"getUser","status":200}')).toBe(false);
    });
  });

  describe('redactCredentials', () => {
    it('cuts Basic and Bearer credentials, SigV4 Credential= and Signature=, and security tokens out of text', () => {
      const text =
        'Authorization: Basic dXNlcjpzZWNyZXQtcGFzcw== then Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln; ' +
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20300101/us-east-1/execute-api/aws4_request, ' +
        'SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef; x-amz-security-token:FQoGZXIvYXdzEXAMPLE';
      const redacted = redactCredentials(text);
      for (const secret of [
        'dXNlcjpzZWNyZXQtcGFzcw==',
        'eyJhbGciOiJIUzI1NiJ9',
        'AKIDEXAMPLE',
        '0123456789abcdef0123456789abcdef',
        'FQoGZXIvYXdzEXAMPLE',
      ])
        expect(redacted).not.toContain(secret);
      expect(redacted).toContain(`Basic ${REDACTED}`);
      expect(redacted).toContain(`Bearer ${REDACTED}`);
      expect(redacted).toContain(`Credential=${REDACTED}`);
      expect(redacted).toContain(`Signature=${REDACTED}`);
      expect(redacted).toContain('SignedHeaders=host');
    });

    it('leaves words that only look like the schemes alone', () => {
      const text = 'Basic plan, a Bearer of news, Signature=short';
      expect(redactCredentials(text)).toBe(text);
    });
  });

  describe('maskEmails', () => {
    it('masks every email address and keeps the text around it', () => {
      expect(maskEmails('moved ada.lovelace@example.com to "bob@example.org".')).toBe(
        `moved ${EMAIL_MASK} to "${EMAIL_MASK}".`,
      );
    });

    it('leaves an @ that is no address alone', () => {
      expect(maskEmails('@mention and user@localhost')).toBe('@mention and user@localhost');
    });
  });

  describe('redactValues', () => {
    it('cuts a value out as it is, JSON-escaped and URL-encoded', () => {
      const value = 'Pass "word" & more';
      const text = `raw ${value}; json ${JSON.stringify(value).slice(1, -1)}; url ${encodeURIComponent(value)}`;
      expect(redactValues(text, [value])).toBe(`raw ${REDACTED}; json ${REDACTED}; url ${REDACTED}`);
    });

    it('keeps values shorter than four characters, which would cut ordinary words', () => {
      expect(redactValues('yes and no', ['yes', 'no'])).toBe('yes and no');
      expect(redactValues('a long-enough value', ['long'])).toBe(`a ${REDACTED}-enough value`);
    });
  });

  describe('secretValues', () => {
    it('collects the strings under a secret key at any depth, in arrays too', () => {
      const body = {
        email: 'someone@example.org',
        user: { new_password: 'p-1', profile: { name: 'Ada' } },
        credentials: [{ apiKey: 'k-1' }, { token: { value: 't-1' } }],
        count: 3,
      };
      expect(secretValues(body).sort()).toEqual(['k-1', 'p-1', 't-1']);
    });

    it('finds nothing in a body without secrets, or no body', () => {
      expect(secretValues({ email: 'a@b.c', tags: ['x'] })).toEqual([]);
      expect(secretValues(undefined)).toEqual([]);
    });
  });

  describe('secretKeyPath', () => {
    it('names the path to the first secret key, array indices included', () => {
      expect(secretKeyPath({ input: { items: [{ ok: 1 }, { Password: 'x' }] } })).toEqual([
        'input',
        'items',
        '1',
        'Password',
      ]);
      expect(secretKeyPath({ headers: { 'x-api-key': 'k' } })).toEqual(['headers', 'x-api-key']);
    });

    it('is null for a value without secret keys, and for scalars', () => {
      expect(secretKeyPath({ email: 'a@b.c', nested: [{ phone: '+1' }] })).toBeNull();
      expect(secretKeyPath('password')).toBeNull();
      expect(secretKeyPath(null)).toBeNull();
    });
  });

  describe('redactSecretKeys', () => {
    it('replaces the value under every secret key at any depth, without touching the original', () => {
      const entry = {
        level: 30,
        input: { password: 'p-1', deep: { deeper: { deepest: { further: { accessToken: 't-1' } } } } },
        headers: [{ authorization: 'Basic abc' }, { accept: 'application/json' }],
        secret: { nested: 'object' },
      };
      const original = JSON.stringify(entry);
      const redacted = redactSecretKeys(entry);
      expect(redacted).toEqual({
        level: 30,
        input: { password: REDACTED, deep: { deeper: { deepest: { further: { accessToken: REDACTED } } } } },
        headers: [{ authorization: REDACTED }, { accept: 'application/json' }],
        secret: REDACTED,
      });
      expect(JSON.stringify(entry)).toBe(original);
    });

    it('answers the very value it was given when there is nothing to redact', () => {
      const entry = { level: 30, input: { email: 'a@b.c' }, list: [1, 2] };
      expect(redactSecretKeys(entry)).toBe(entry);
    });
  });
});
