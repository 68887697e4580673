import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/platform/env';
import { describeRedis, parseRedisUrl } from '../../src/platform/redis';

/** REDIS_URL and its settings: read without ever repeating the password. */
describe('the Redis settings', () => {
  const base = { AUTH: 'off' };
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
  };

  it('leaves Redis off without REDIS_URL, and refuses its tuning without it', () => {
    expect(loadConfig(base).redis).toBeNull();
    expect(problems({ REDIS_KEY_PREFIX: 'x:' })).toEqual([
      'REDIS_KEY_PREFIX: only read with REDIS_URL; set REDIS_URL, or unset REDIS_KEY_PREFIX',
    ]);
  });

  it('reads the server, database, TLS, user and password, with the defaults', () => {
    const redis = loadConfig({ ...base, REDIS_URL: 'rediss://app:s3cret%40x@cache.internal:6380/2' }).redis!;
    expect({ ...redis, password: redis.password?.() }).toEqual({
      host: 'cache.internal',
      port: 6380,
      db: 2,
      tls: true,
      username: 'app',
      password: 's3cret@x',
      keyPrefix: 'usergraph:',
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 500,
    });
    expect(describeRedis(redis)).toBe('rediss://cache.internal:6380/2');
    expect(JSON.stringify(redis)).not.toContain('s3cret');
  });

  it('refuses a malformed URL or prefix without repeating the URL', () => {
    for (const url of [
      'http://host',
      'redis://:pw-12345@host/abc',
      'redis://:pw-12345@host?tls=true',
      'not a url pw-12345',
    ]) {
      const found = problems({ REDIS_URL: url });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^REDIS_URL: /);
      expect(found[0]).not.toContain('pw-12345');
    }
    expect(problems({ REDIS_URL: 'redis://127.0.0.1', REDIS_KEY_PREFIX: 'has space' })[0]).toMatch(/^REDIS_KEY_PREFIX/);
  });

  it('parses the plainest URL with the defaults', () => {
    expect(parseRedisUrl('redis://127.0.0.1')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      tls: false,
      username: null,
      password: null,
    });
  });
});
