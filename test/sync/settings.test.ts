import { loadConfig } from '../../src/config';

/** The sync's and the mirror's settings: defaults, and refusals that name the variable. */
describe('sync and mirror settings', () => {
  it('default to no configured account, no pace limit for the sync, a refresh every 5 minutes at 5 pages a second', () => {
    expect(loadConfig({ AUTH: 'off' }).sync).toEqual({
      accountIds: [],
      pagesPerSecond: 0,
      leaseTtlMs: 60_000,
      mirror: { refreshIntervalMs: 300_000, pagesPerSecond: 5 },
    });
  });

  it('read SYNC_ACCOUNT_IDS, SYNC_PAGES_PER_SECOND, SYNC_LEASE_S, MIRROR_REFRESH_INTERVAL_S and MIRROR_PAGES_PER_SECOND', () => {
    const config = loadConfig({
      AUTH: 'off',
      SYNC_ACCOUNT_IDS: '1, 2,42',
      SYNC_PAGES_PER_SECOND: '10',
      SYNC_LEASE_S: '30',
      MIRROR_REFRESH_INTERVAL_S: '0',
      MIRROR_PAGES_PER_SECOND: '2',
    });
    expect(config.sync).toEqual({
      accountIds: ['1', '2', '42'],
      pagesPerSecond: 10,
      leaseTtlMs: 30_000,
      mirror: { refreshIntervalMs: 0, pagesPerSecond: 2 },
    });
  });

  it('refuses malformed values, naming each variable', () => {
    expect(() =>
      loadConfig({
        AUTH: 'off',
        SYNC_ACCOUNT_IDS: '1,,2',
        MIRROR_PAGES_PER_SECOND: '0',
        MIRROR_REFRESH_INTERVAL_S: 'soon',
      }),
    ).toThrow(
      /SYNC_ACCOUNT_IDS: expected account ids[\s\S]*MIRROR_REFRESH_INTERVAL_S: expected an integer[\s\S]*MIRROR_PAGES_PER_SECOND: expected an integer from 1/,
    );
  });
});
