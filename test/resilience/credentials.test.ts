import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';
import { GreenArrowSimulator } from '../../src/simulators/greenarrow';
import { eventually } from '../helpers/eventually';
import { bearer, bootGateway, graphql, type BootedGateway } from '../helpers/gateway';

/**
 * Rotated vendor credentials, through the demo's gateway over HTTP:
 * GreenArrow is restarted with a password the gateway does not have. Its first 401 is a
 * configuration fault: `sources` says the credentials were rejected, `/readyz` answers 503 naming
 * it (READINESS_REQUIRES_VENDORS, on by default), one error line is logged and
 * usergraph_vendor_credentials_rejected is 1; calls to it stop like an open breaker (the
 * simulator counts none) while GreenArrow's fields answer VENDOR_UNAUTHORIZED and the other
 * vendors' fields resolve. GreenArrow restarted with the gateway's password again: after the hold
 * (the breaker's half-open delay) one trial call is accepted and everything recovers, without a
 * restart of the gateway.
 */
const QUERY = '{ user(email: "ada.lovelace0@example.com") { email username permissions { api } } }';
const HOLD_MS = 2_000;

describe('rotated vendor credentials', () => {
  let app: BootedGateway;
  let rotated: GreenArrowSimulator | undefined;
  const lines: { level: number; msg: string; source?: string }[] = [];

  beforeAll(async () => {
    app = await bootGateway(
      { VENDOR_BREAKER_HALF_OPEN_MS: String(HOLD_MS), MIRROR_REFRESH_INTERVAL_S: '0' },
      createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
            done();
          },
        }),
      }),
    );
  });
  afterAll(async () => {
    await rotated?.close();
    await app.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(new URL(path, app.url), { headers: bearer(app.tokens?.admin) });
    return { status: response.status, text: await response.text() };
  };
  const greenArrowSource = async () =>
    (
      await graphql<{ sources: { source: string; authRejected: boolean; circuit: string }[] }>(
        app,
        '{ sources { source authRejected circuit } }',
      )
    ).data!.sources.find((status) => status.source === 'GREENARROW')!;
  const metric = async () =>
    /usergraph_vendor_credentials_rejected\{vendor="GREENARROW"\} (\d)/.exec((await get('/metrics')).text)?.[1];

  it('reports the rejection, stops calling the vendor, and recovers once the credentials work again', async () => {
    const greenArrow = app.simulators.simulators.GREENARROW!;
    const port = Number(new URL(greenArrow.url).port);
    expect((await graphql(app, QUERY)).errors).toBeUndefined();
    expect((await get('/readyz')).status).toBe(200);

    // GreenArrow restarts with credentials the gateway does not have.
    await greenArrow.close();
    rotated = new GreenArrowSimulator({ username: 'greenarrow-api', password: 'rotated-password-0123456789' });
    await rotated.listen(port);
    const rejectedBefore = Date.now();
    const refused = await graphql<{ user: { email: string; username: string; permissions: unknown } }>(app, QUERY);
    expect(refused.data!.user).toMatchObject({ email: 'ada.lovelace0@example.com', permissions: null });
    expect(refused.data!.user.username).not.toBeNull();
    expect(refused.errors).toEqual([
      expect.objectContaining({
        path: ['user', 'permissions'],
        extensions: expect.objectContaining({ code: 'VENDOR_UNAUTHORIZED', source: 'GREENARROW' }),
      }),
    ]);

    expect(await greenArrowSource()).toEqual({ source: 'GREENARROW', authRejected: true, circuit: 'CLOSED' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).checks).toContainEqual({
      check: 'vendor',
      source: 'GREENARROW',
      ok: false,
      detail: 'credentials rejected',
    });
    expect(await metric()).toBe('1');

    // Requests answer with the code, and GreenArrow gets no call but one trial per hold: none at
    // all while the first hold lasts (on a machine so slow that it has passed, a trial or two).
    const callsBefore = rotated.calls('getUser');
    for (let index = 0; index < 5; index += 1) {
      const answer = await graphql(app, QUERY);
      expect(answer.errors?.map((error) => error.extensions?.['code'])).toEqual(['VENDOR_UNAUTHORIZED']);
    }
    const holdsPassed = Math.floor((Date.now() - rejectedBefore) / HOLD_MS);
    expect(rotated.calls('getUser') - callsBefore).toBeLessThanOrEqual(holdsPassed);

    // The credentials work again: a trial after the hold is accepted, and everything recovers.
    await rotated.close();
    await greenArrow.listen(port);
    await eventually(async () => (await graphql(app, QUERY)).errors === undefined, 'GreenArrow to answer again');
    expect(await greenArrowSource()).toEqual({ source: 'GREENARROW', authRejected: false, circuit: 'CLOSED' });
    expect((await get('/readyz')).status).toBe(200);
    expect(await metric()).toBe('0');
    expect(lines.filter((line) => line.level >= 50).map((line) => [line.source, line.msg])).toEqual([
      [
        'GREENARROW',
        "the vendor refused the gateway's credentials: calls to it stop until a trial call is accepted; check this vendor's credentials settings",
      ],
    ]);
    expect(lines.some((line) => line.msg === "the vendor accepts the gateway's credentials again")).toBe(true);
  });
});
