import { ConfigError, loadConfig } from '../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('defaults to every vendor simulated on its fixed port, gateway on loopback:4000', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4000);
    expect(config.vendors.RAINMAKER).toMatchObject({ mode: 'simulator', port: 4101 });
    expect(config.vendors.ENGAGEMENT).toMatchObject({ mode: 'simulator', port: 4102 });
    expect(config.vendors.GREENARROW).toMatchObject({ mode: 'simulator', port: 4103 });
    expect(config.vendors.USER_MANAGEMENT).toMatchObject({ mode: 'simulator', port: 4104 });
    expect(config.vendors.RAINMAKER.tuning).toMatchObject({ region: 'us-east-1', service: 'execute-api', apiVersion: 'v1', timeoutMs: 5000 });
    expect(config.vendors.USER_MANAGEMENT.tuning).toMatchObject({ apiKeyHeader: 'X-Api-Key', accountPathPrefix: '/pub' });
    expect(config.limits).toEqual({ maxCost: 25_000, maxTokens: 10_000 });
  });

  it('reads the HTTP settings: CORS origins, body limit, playground', () => {
    expect(loadConfig({}).http).toEqual({ corsOrigins: [], maxBodyBytes: 1_048_576, playground: true });
    expect(loadConfig({ CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173/', HTTP_MAX_BODY_BYTES: '2048', PLAYGROUND: 'off' }).http).toEqual({
      corsOrigins: ['https://admin.example.com', 'http://localhost:5173'],
      maxBodyBytes: 2048,
      playground: false,
    });
    expect(problemsOf({ CORS_ORIGINS: 'https://ok.example.com,*,https://admin.example.com/app', PLAYGROUND: 'sometimes' })).toEqual([
      'CORS_ORIGINS: expected origins such as https://admin.example.com (scheme, host and port only), got "*"',
      'CORS_ORIGINS: expected origins such as https://admin.example.com (scheme, host and port only), got "https://admin.example.com/app"',
      'PLAYGROUND: expected true or false, got "sometimes"',
    ]);
  });

  it('reads the query limits and refuses ones out of range', () => {
    expect(loadConfig({ GRAPHQL_MAX_COST: '1000', GRAPHQL_MAX_TOKENS: '500' }).limits).toEqual({ maxCost: 1000, maxTokens: 500 });
    expect(problemsOf({ GRAPHQL_MAX_COST: '0', GRAPHQL_MAX_TOKENS: 'lots' })).toEqual([
      'GRAPHQL_MAX_COST: expected an integer from 1 to 1000000000, got "0"',
      'GRAPHQL_MAX_TOKENS: expected an integer from 100 to 10000000, got "lots"',
    ]);
  });

  it('points a vendor with a base URL at the real endpoint, with its credentials', () => {
    const config = loadConfig({
      GREENARROW_BASE_URL: 'https://ga.example.com/',
      GREENARROW_USERNAME: 'api',
      GREENARROW_PASSWORD: 'pw',
      GREENARROW_TIMEOUT_MS: '1500',
    });
    expect(config.vendors.GREENARROW).toEqual({
      mode: 'remote',
      tuning: expect.objectContaining({ timeoutMs: 1500, pageSize: 100 }),
      endpoint: { baseUrl: 'https://ga.example.com', username: 'api', password: 'pw' },
    });
    expect(config.vendors.ENGAGEMENT.mode).toBe('simulator');
  });

  it('leaves unset vendors unconfigured when simulators are turned off', () => {
    const config = loadConfig({ SIMULATORS: 'none' });
    expect(Object.values(config.vendors).map((vendor) => vendor.mode)).toEqual(['off', 'off', 'off', 'off']);
  });

  it('names every bad variable and what it expects, all at once', () => {
    const problems = problemsOf({ PORT: 'http', VENDOR_TIMEOUT_MS: '-5', SIMULATORS: 'maybe', LOG_LEVEL: 'loud' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: expected an integer from 0 to 65535, got "http"',
        'VENDOR_TIMEOUT_MS: expected an integer from 1 to 600000, got "-5"',
        'SIMULATORS: expected one of auto, none, got "maybe"',
        'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      ]),
    );
  });

  it('requires the credentials of a vendor given a base URL, without echoing secrets', () => {
    const problems = problemsOf({ RAINMAKER_BASE_URL: 'https://rm.example.com', RAINMAKER_ACCESS_KEY_ID: 'AKID' });
    expect(problems).toEqual(['RAINMAKER_SECRET_ACCESS_KEY: required when RAINMAKER_BASE_URL is set']);
  });

  it('refuses URLs that are not http(s) or that carry credentials', () => {
    const problems = problemsOf({
      ENGAGEMENT_BASE_URL: 'ftp://x',
      USER_MANAGEMENT_BASE_URL: 'https://key:secret@um.example.com',
      USER_MANAGEMENT_API_KEY: 'k',
    });
    expect(problems).toContain('ENGAGEMENT_BASE_URL: expected an http(s) URL, got "ftp://x"');
    expect(problems).toContain("USER_MANAGEMENT_BASE_URL: credentials do not belong in the URL; use the vendor's credential variables");
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('accepts an empty account path prefix and refuses a malformed one', () => {
    expect(loadConfig({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: '' }).vendors.USER_MANAGEMENT.tuning.accountPathPrefix).toBe('');
    expect(loadConfig({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: '/api/pub' }).vendors.USER_MANAGEMENT.tuning.accountPathPrefix).toBe('/api/pub');
    expect(problemsOf({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: 'pub/' })).toEqual([
      'USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: expected a path starting with "/" and not ending with one (or empty), got "pub/"',
    ]);
  });

  it('parses simulator faults from SIM_FAULTS and explains a bad one', () => {
    const config = loadConfig({ SIM_FAULTS: '{"GREENARROW": {"getUser": {"latencyMs": 50}}, "ENGAGEMENT": {"*": {"status": 500, "probability": 0.1}}}' });
    expect(config.simulators.faults).toEqual({
      GREENARROW: { getUser: { latencyMs: 50 } },
      ENGAGEMENT: { '*': { status: 500, probability: 0.1 } },
    });
    expect(problemsOf({ SIM_FAULTS: 'not json' })[0]).toMatch(/^SIM_FAULTS: expected JSON/);
    expect(problemsOf({ SIM_FAULTS: '{"GREENARROW": {"getUser": {"latency": 50}}}' })[0]).toMatch(/^SIM_FAULTS: .*GREENARROW\.getUser/);
    expect(problemsOf({ SIM_FAULTS: '{"NOPE": {}}' })[0]).toMatch(/^SIM_FAULTS: /);
  });
});
