import { loadConfig } from '../src/config';
import { ConfigError, type Env } from '../src/platform/env';
import { loadSimulatorConfig } from '../src/simulators/config';

function problemsOf(env: Env, load: (env: Env) => unknown = loadConfig): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('defaults to no vendor configured, gateway on loopback:4000', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4000);
    expect(Object.values(config.vendors).map((vendor) => vendor.mode)).toEqual(['off', 'off', 'off', 'off']);
    expect(config.vendors.RAINMAKER.tuning).toMatchObject({
      region: 'us-east-1',
      service: 'execute-api',
      apiVersion: 'v1',
      timeoutMs: 5000,
    });
    expect(config.vendors.USER_MANAGEMENT.tuning).toMatchObject({
      apiKeyHeader: 'X-Api-Key',
      accountPathPrefix: '/pub',
    });
    expect(config.limits).toMatchObject({ maxCost: 25_000, maxTokens: 10_000 });
  });

  it('reads the HTTP settings: CORS origins, body limit, playground', () => {
    expect(loadConfig({}).http).toMatchObject({ corsOrigins: [], maxBodyBytes: 1_048_576, playground: true });
    expect(
      loadConfig({
        CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173/',
        HTTP_MAX_BODY_BYTES: '2048',
        PLAYGROUND: 'off',
      }).http,
    ).toMatchObject({
      corsOrigins: ['https://admin.example.com', 'http://localhost:5173'],
      maxBodyBytes: 2048,
      playground: false,
    });
    expect(
      problemsOf({ CORS_ORIGINS: 'https://ok.example.com,*,https://admin.example.com/app', PLAYGROUND: 'sometimes' }),
    ).toEqual([
      'CORS_ORIGINS: expected origins such as https://admin.example.com (scheme, host and port only), got "*"',
      'CORS_ORIGINS: expected origins such as https://admin.example.com (scheme, host and port only), got "https://admin.example.com/app"',
      'PLAYGROUND: expected true or false, got "sometimes"',
    ]);
  });

  it('reads the query limits and refuses ones out of range', () => {
    expect(loadConfig({ GRAPHQL_MAX_COST: '1000', GRAPHQL_MAX_TOKENS: '500' }).limits).toMatchObject({
      maxCost: 1000,
      maxTokens: 500,
    });
    expect(problemsOf({ GRAPHQL_MAX_COST: '0', GRAPHQL_MAX_TOKENS: 'lots' })).toEqual([
      'GRAPHQL_MAX_COST: expected an integer from 1 to 1000000000, got "0"',
      'GRAPHQL_MAX_TOKENS: expected an integer from 100 to 10000000, got "lots"',
    ]);
  });

  it('serves the standalone schema unless GRAPHQL_SUBGRAPH says otherwise; the subgraph SDL is for admins', () => {
    expect(loadConfig({}).subgraph).toEqual({ enabled: false, sdlReaders: 'admin' });
    expect(loadConfig({ GRAPHQL_SUBGRAPH: 'true', GRAPHQL_SUBGRAPH_SDL: 'Viewer' }).subgraph).toEqual({
      enabled: true,
      sdlReaders: 'viewer',
    });
    expect(problemsOf({ GRAPHQL_SUBGRAPH: 'maybe', GRAPHQL_SUBGRAPH_SDL: 'everyone' })).toEqual([
      expect.stringMatching(/^GRAPHQL_SUBGRAPH: /),
      'GRAPHQL_SUBGRAPH_SDL: expected one of admin, viewer, off, got "everyone"',
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
    expect(config.vendors.ENGAGEMENT.mode).toBe('off');
  });

  it('knows nothing of simulators: SIM_* variables and SIMULATORS are not its to read', () => {
    expect(loadConfig({ SIMULATORS: 'maybe', SIM_GREENARROW_PORT: 'x', SIM_FAULTS: 'not json' })).toEqual(
      loadConfig({}),
    );
  });

  it('names every bad variable and what it expects, all at once, each once', () => {
    const problems = problemsOf({ PORT: 'http', VENDOR_TIMEOUT_MS: '-5', LOG_LEVEL: 'loud' });
    expect(problems).toEqual([
      'VENDOR_TIMEOUT_MS: expected an integer from 1 to 600000, got "-5"',
      'PORT: expected an integer from 0 to 65535, got "http"',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  it("reads the tenant rules, with the vendors' documented defaults", () => {
    const defaults = loadConfig({}).vendors;
    expect(defaults.ENGAGEMENT.tuning.rules).toEqual({
      usaCountryNames: ['usa', 'us', 'united states', 'united states of america'],
      mobileNumberRequired: false,
    });
    expect(defaults.RAINMAKER.tuning.rules).toEqual({ reservedLocales: ['rm_non_branded'], minPasswordLength: 8 });
    const set = loadConfig({
      ENGAGEMENT_USA_COUNTRY_NAMES: 'USA, U.S.A.,United States',
      ENGAGEMENT_MOBILE_NUMBER_REQUIRED: 'true',
      RAINMAKER_RESERVED_LOCALES: 'rm_non_branded,xx_test',
      RAINMAKER_MIN_PASSWORD_LENGTH: '12',
    }).vendors;
    expect(set.ENGAGEMENT.tuning.rules).toEqual({
      usaCountryNames: ['USA', 'U.S.A.', 'United States'],
      mobileNumberRequired: true,
    });
    expect(set.RAINMAKER.tuning.rules).toEqual({
      reservedLocales: ['rm_non_branded', 'xx_test'],
      minPasswordLength: 12,
    });
    expect(
      problemsOf({
        ENGAGEMENT_USA_COUNTRY_NAMES: 'USA,,US',
        ENGAGEMENT_MOBILE_NUMBER_REQUIRED: 'sometimes',
        RAINMAKER_MIN_PASSWORD_LENGTH: '0',
      }),
    ).toEqual([
      'RAINMAKER_MIN_PASSWORD_LENGTH: expected an integer from 1 to 256, got "0"',
      'ENGAGEMENT_USA_COUNTRY_NAMES: expected country names, separated by commas, none of them empty, got "USA,,US"',
      'ENGAGEMENT_MOBILE_NUMBER_REQUIRED: expected true or false, got "sometimes"',
    ]);
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
    expect(problems).toContain(
      "USER_MANAGEMENT_BASE_URL: credentials do not belong in the URL; use the vendor's credential variables",
    );
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('accepts an empty account path prefix and refuses a malformed one', () => {
    expect(
      loadConfig({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: '' }).vendors.USER_MANAGEMENT.tuning.accountPathPrefix,
    ).toBe('');
    expect(
      loadConfig({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: '/api/pub' }).vendors.USER_MANAGEMENT.tuning.accountPathPrefix,
    ).toBe('/api/pub');
    expect(problemsOf({ USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: 'pub/' })).toEqual([
      'USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: expected a path starting with "/" and not ending with one (or empty), got "pub/"',
    ]);
  });
});

describe('loadSimulatorConfig', () => {
  it('defaults to simulating every vendor without a base URL, each on its fixed port on loopback, seeded', () => {
    const config = loadSimulatorConfig({});
    expect(config).toMatchObject({
      mode: 'auto',
      host: '127.0.0.1',
      ports: { RAINMAKER: 4101, ENGAGEMENT: 4102, GREENARROW: 4103, USER_MANAGEMENT: 4104 },
      seed: true,
      faults: {},
      dataDir: 'data',
    });
    expect(loadSimulatorConfig({ SIMULATORS: 'none', SIM_GREENARROW_PORT: '0', SIM_SEED: 'false' })).toMatchObject({
      mode: 'none',
      ports: { GREENARROW: 0 },
      seed: false,
    });
  });

  it("reads the vendor settings and tenant rules with the gateway's own function, so the two agree", () => {
    const env = {
      RAINMAKER_MIN_PASSWORD_LENGTH: '10',
      ENGAGEMENT_USA_COUNTRY_NAMES: 'U.S.A.',
      USER_MANAGEMENT_ACCOUNT_PATH_PREFIX: '',
      GREENARROW_PAGE_SIZE: '7',
    };
    const gateway = loadConfig(env).vendors;
    expect(loadSimulatorConfig(env).vendors).toEqual({
      RAINMAKER: gateway.RAINMAKER.tuning,
      ENGAGEMENT: gateway.ENGAGEMENT.tuning,
      GREENARROW: gateway.GREENARROW.tuning,
      USER_MANAGEMENT: gateway.USER_MANAGEMENT.tuning,
    });
    expect(problemsOf({ RAINMAKER_MIN_PASSWORD_LENGTH: 'eight' }, loadSimulatorConfig)).toEqual([
      'RAINMAKER_MIN_PASSWORD_LENGTH: expected an integer from 1 to 256, got "eight"',
    ]);
  });

  it('names every bad simulator variable at once', () => {
    expect(
      problemsOf({ SIMULATORS: 'maybe', SIM_ENGAGEMENT_PORT: '70000', SIM_SEED: 'perhaps' }, loadSimulatorConfig),
    ).toEqual([
      'SIM_ENGAGEMENT_PORT: expected an integer from 0 to 65535, got "70000"',
      'SIMULATORS: expected one of auto, none, got "maybe"',
      'SIM_SEED: expected true or false, got "perhaps"',
    ]);
  });

  it('parses simulator faults from SIM_FAULTS and explains a bad one', () => {
    const config = loadSimulatorConfig({
      SIM_FAULTS:
        '{"GREENARROW": {"getUser": {"latencyMs": 50}}, "ENGAGEMENT": {"*": {"status": 500, "probability": 0.1}}}',
    });
    expect(config.faults).toEqual({
      GREENARROW: { getUser: { latencyMs: 50 } },
      ENGAGEMENT: { '*': { status: 500, probability: 0.1 } },
    });
    const problemOf = (faults: string) => problemsOf({ SIM_FAULTS: faults }, loadSimulatorConfig)[0];
    expect(problemOf('not json')).toMatch(/^SIM_FAULTS: expected JSON/);
    expect(problemOf('{"GREENARROW": {"getUser": {"latency": 50}}}')).toMatch(/^SIM_FAULTS: .*GREENARROW\.getUser/);
    expect(problemOf('{"NOPE": {}}')).toMatch(/^SIM_FAULTS: /);
  });
});
