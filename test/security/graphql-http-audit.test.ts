import { serverAudits, type AuditResult } from 'graphql-http';
import { bootGateway, type BootedGateway } from '../helpers/gateway';

/**
 * The GraphQL-over-HTTP conformance audit of `graphql-http`, run against the real HTTP server with
 * the demo's admin token: no MUST may fail. The counts are printed; each failed SHOULD and MAY is
 * printed with its reason (docs/security.md explains why the gateway answers as it does).
 */
describe('the graphql-http server audit', () => {
  let app: BootedGateway;

  beforeAll(async () => {
    app = await bootGateway({ SIMULATORS: 'none' });
  });
  afterAll(() => app.stop());

  it('passes every MUST', async () => {
    const authorization = `Bearer ${app.tokens!.admin}`;
    // Every request the audit makes carries the token, as a client's would.
    const fetchFn = (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    };
    const results: AuditResult[] = [];
    for (const audit of serverAudits({ url: app.url, fetchFn })) results.push(await audit.fn());

    const count = (status: AuditResult['status']) => results.filter((result) => result.status === status).length;
    const failed = results.filter(
      (result): result is Extract<AuditResult, { reason: string }> => result.status !== 'ok',
    );
    console.log(
      [
        `graphql-http audit: ${results.length} audits, ${count('ok')} passed, ${count('error')} MUST failed, ${count('warn')} SHOULD failed, ${count('notice')} MAY (notices)`,
        ...failed.map(
          (result) =>
            `  ${result.status === 'error' ? 'MUST FAILED' : result.status === 'warn' ? 'SHOULD failed' : 'MAY notice'} [${result.id}] ${result.name}: ${result.reason}`,
        ),
      ].join('\n'),
    );
    expect(
      failed.filter((result) => result.status === 'error').map((result) => `${result.name}: ${result.reason}`),
    ).toEqual([]);
    expect(count('ok')).toBeGreaterThan(0);
  });
});
