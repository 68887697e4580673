import { inspect } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { ConfigError, type Env } from '../../src/platform/env';
import { tlsOptions } from '../../src/store/postgres';
import { describePostgres, parseDatabaseUrl, type PostgresSettings } from '../../src/store';

const PASSWORD = 'p@ss/word:with#odd&chars';
const URL_WITH_PASSWORD = `postgres://gateway:${encodeURIComponent(PASSWORD)}@db.internal:6432/usergraph`;
const KEY = { JOURNAL_KEY: 'a-journal-key-of-24-chars' };

function problemsOf(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the store settings', () => {
  it('default to the SQLite file in DATA_DIR, with no PostgreSQL', () => {
    expect(loadConfig({}).store).toEqual({
      file: join('data', 'usergraph.db'),
      dataDir: 'data',
      journalKey: undefined,
      postgres: null,
    });
    expect(loadConfig({ DATA_DIR: ':memory:' }).store).toMatchObject({ file: ':memory:', postgres: null });
  });

  it('read DATABASE_URL and the DATABASE_* settings, with their defaults', () => {
    const { postgres } = loadConfig({ ...KEY, DATABASE_URL: URL_WITH_PASSWORD }).store;
    expect(postgres).toEqual({
      host: 'db.internal',
      port: 6432,
      database: 'usergraph',
      user: 'gateway',
      password: expect.any(Function),
      sslMode: 'disable',
      ca: null,
      schema: null,
      poolSize: 10,
      statementTimeoutMs: 5000,
      connectTimeoutMs: 5000,
    });
    expect(postgres!.password!()).toBe(PASSWORD);
    const tuned = loadConfig({
      ...KEY,
      DATABASE_URL: 'postgresql://u@[::1]/db?sslmode=verify-full',
      DATABASE_POOL_SIZE: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_SCHEMA: 'usergraph',
    }).store.postgres;
    expect(tuned).toMatchObject({
      host: '::1',
      port: 5432,
      user: 'u',
      password: null,
      sslMode: 'verify-full',
      schema: 'usergraph',
      poolSize: 25,
      statementTimeoutMs: 2500,
      connectTimeoutMs: 1500,
    });
    expect(describePostgres(tuned!)).toBe('[::1]:5432/db as u');
  });

  it('never show the password: not in the settings as logged, serialised or inspected', () => {
    const config = loadConfig({ ...KEY, DATABASE_URL: URL_WITH_PASSWORD });
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
    expect(inspect(config, { depth: 10 })).not.toContain(PASSWORD);
    expect(describePostgres(config.store.postgres!)).toBe('db.internal:6432/usergraph as gateway');
  });

  it('report every problem at once, none repeating the URL or its password', () => {
    const problems = problemsOf({
      DATABASE_URL: `${URL_WITH_PASSWORD}?sslmode=prefer`,
      DATABASE_POOL_SIZE: '0',
      DATABASE_STATEMENT_TIMEOUT_MS: 'soon',
      DATABASE_CONNECT_TIMEOUT_MS: '99',
      DATABASE_SCHEMA: 'Not A Name',
      DATABASE_CA_FILE: '/nowhere/ca.pem',
      PORT: 'eighty',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT:/),
      'DATABASE_POOL_SIZE: expected an integer from 1 to 1000, got "0"',
      'DATABASE_STATEMENT_TIMEOUT_MS: expected an integer from 100 to 600000, got "soon"',
      'DATABASE_CONNECT_TIMEOUT_MS: expected an integer from 100 to 600000, got "99"',
      expect.stringMatching(/^DATABASE_SCHEMA: expected a lower-case name/),
      'DATABASE_CA_FILE: /nowhere/ca.pem cannot be read (ENOENT)',
      'DATABASE_URL: sslmode: expected one of disable, require, verify-ca, verify-full, got "prefer" (the value is not repeated here: it may hold a password)',
      expect.stringMatching(/^JOURNAL_KEY: required when DATABASE_URL is set/),
    ]);
    expect(problems.join('\n')).not.toContain('odd&chars');
    expect(problems.join('\n')).not.toContain(encodeURIComponent(PASSWORD));
    expect(problems.join('\n')).not.toContain('db.internal');
  });

  it('refuse a URL that is not a complete PostgreSQL URL, saying what is missing', () => {
    expect(parseDatabaseUrl('mysql://u@h/db')).toMatch(/postgres:\/\/ \(or postgresql:\/\/\) scheme/);
    expect(parseDatabaseUrl('not a url with secret')).toMatch(/^expected a URL/);
    expect(parseDatabaseUrl('postgres://u@h')).toMatch(/name one database/);
    expect(parseDatabaseUrl('postgres://h/db')).toMatch(/name the user/);
    expect(parseDatabaseUrl('postgres://u@h/db?application_name=x')).toMatch(/unknown parameter "application_name"/);
    expect(parseDatabaseUrl('postgres://u:%E0%A4%A@h/db')).toBe('the password is not valid percent-encoding');
  });

  it('refuse DATABASE_* settings without DATABASE_URL, which would otherwise leave a replica on its own SQLite file', () => {
    expect(problemsOf({ DATABASE_POOL_SIZE: '20', DATABASE_SCHEMA: 'x' })).toEqual([
      'DATABASE_POOL_SIZE: only read with DATABASE_URL (PostgreSQL); set DATABASE_URL, or unset DATABASE_POOL_SIZE',
      'DATABASE_SCHEMA: only read with DATABASE_URL (PostgreSQL); set DATABASE_URL, or unset DATABASE_SCHEMA',
    ]);
  });

  describe('TLS, by sslmode with libpq’s meanings', () => {
    const directory = mkdtempSync(join(tmpdir(), 'usergraph-ca-'));
    const caFile = join(directory, 'ca.pem');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(caFile, pem);
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    const settings = (sslmode: string, ca: Record<string, string> = {}): PostgresSettings =>
      loadConfig({ ...KEY, DATABASE_URL: `postgres://u@db.internal/db?sslmode=${sslmode}`, ...ca }).store.postgres!;

    it('disable: plain text; require: encrypted, the certificate checked only against a given CA', () => {
      expect(tlsOptions(settings('disable'))).toBe(false);
      expect(tlsOptions(settings('require'))).toEqual({ rejectUnauthorized: false });
      const withCa = tlsOptions(settings('require', { DATABASE_CA_FILE: caFile })) as Record<string, unknown>;
      expect(withCa).toMatchObject({ ca: pem });
      expect(withCa['rejectUnauthorized']).toBeUndefined();
    });

    it('verify-ca: the chain, not the name; verify-full: the chain and the host name', () => {
      const ca = tlsOptions(settings('verify-ca', { DATABASE_CA_FILE: caFile })) as Record<string, unknown>;
      expect(ca).toMatchObject({ ca: pem, checkServerIdentity: expect.any(Function) });
      const full = tlsOptions(settings('verify-full')) as Record<string, unknown>;
      expect(full).toEqual({ ca: undefined, servername: 'db.internal' });
    });

    it('refuse a CA file without a certificate', () => {
      const notPem = join(directory, 'not.pem');
      writeFileSync(notPem, 'hello');
      expect(
        problemsOf({ ...KEY, DATABASE_URL: 'postgres://u@h/db?sslmode=verify-full', DATABASE_CA_FILE: notPem }),
      ).toEqual([`DATABASE_CA_FILE: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`]);
    });
  });
});
