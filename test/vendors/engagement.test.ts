import { Agent, Pool, request, type Dispatcher } from 'undici';
import type { EngagementSettings } from '../../src/vendors/engagement/settings';
import { silentLogger } from '../../src/platform/logger';
import { EngagementSimulator, type AudienceMemberSeed } from '../../src/simulators/engagement';
import { EngagementClient } from '../../src/vendors/engagement/client';
import { basicAuthorization } from '../../src/vendors/kit/basic-auth';
import { REQUEST_CONTENT_TYPE, messages } from '../../src/vendors/engagement/contract';
import type { EngagementCreateInput } from '../../src/vendors/engagement/types';

const USERNAME = 'engagement-admin';
const PASSWORD = 'Eng-Secret-5b7e21';
const WRONG_PASSWORD = 'Eng-Wrong-0c4d9a';
/** The sample population holds 24 Engagement members (ids 1 to 24). */
const SEEDED = 24;

const newMember: EngagementCreateInput = {
  firstName: 'Latha',
  lastName: 'Ganesh',
  country: 'India',
  email: 'latha.ganesh@example.in',
  phone: '+919876543210',
  subscriptions: { email: true, sms: true, voice: false },
};

function bulk(count: number, prefix: string): AudienceMemberSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    firstName: `Bulk${i}`,
    lastName: prefix,
    email: `bulk${i}@${prefix}.example.com`,
    mobileNumber: `+44${String(7000000000 + i)}`,
    country: 'United Kingdom',
  }));
}

describe('EngagementClient against the simulator', () => {
  const sim = new EngagementSimulator({ username: USERNAME, password: PASSWORD });
  let engagement: EngagementClient;
  let raw: Pool;

  function settings(overrides: Partial<EngagementSettings> = {}): EngagementSettings {
    return {
      baseUrl: sim.url,
      username: USERNAME,
      password: PASSWORD,
      pageSize: 10,
      timeoutMs: 2_000,
      retries: 2,
      connections: 4,
      // These tests fail one route after another on one client: its breaker would open and refuse the next test's calls.
      resilience: { breakerThreshold: 1_000 },
      ...overrides,
    };
  }

  /** A request the client would never send, straight to the simulator. */
  async function send(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string; contentType?: string | null; authorization?: string | null } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.authorization !== null)
      headers['authorization'] = options.authorization ?? basicAuthorization(USERNAME, PASSWORD);
    if (options.contentType !== null) headers['content-type'] = options.contentType ?? REQUEST_CONTENT_TYPE;
    const response = await request(`${sim.url}${path}`, { method, headers, body: options.body, dispatcher: raw });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
  }

  beforeAll(async () => {
    await sim.listen();
    raw = new Pool(sim.url, { connections: 2 });
    engagement = new EngagementClient(settings(), { logger: silentLogger });
  });
  afterAll(async () => {
    await engagement.close();
    await raw.destroy();
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.resetCalls();
    sim.clearFaults();
  });

  describe('createMember', () => {
    it('creates a member with one call and answers increasing ids as strings', async () => {
      expect(sim.store.size).toBe(SEEDED);
      await expect(engagement.createMember(newMember)).resolves.toEqual({
        externalId: '25',
        message: messages.created,
      });
      await expect(
        engagement.createMember({ ...newMember, email: 'second@example.in', phone: undefined }),
      ).resolves.toEqual({
        externalId: '26',
        message: messages.created,
      });
      expect(sim.calls()).toEqual({ createMember: 2 });
      expect(sim.store.get('25')).toMatchObject({
        firstName: 'Latha',
        email: 'latha.ganesh@example.in',
        mobileNumber: '919876543210',
        country: 'India',
        state: null,
        active: true,
        smsSubscription: true,
        voiceSubscription: false,
        emailSubscription: true,
        lastActiveAt: null,
      });
      expect(sim.store.get('26')).toMatchObject({ mobileNumber: null, smsSubscription: true });
    });

    it.each(['firstName', 'lastName', 'country', 'email'] as const)('rejects a create without %s', async (field) => {
      const input = { ...newMember, [field]: '' };
      await expect(engagement.createMember(input)).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        source: 'ENGAGEMENT',
        status: 400,
        vendorMessage: messages.mandatory(field),
        // The gateway's words only: the vendor's travel in vendorMessage, for the log.
        message: 'ENGAGEMENT: createMember answered HTTP 400',
      });
      expect(sim.calls('createMember')).toBe(1);
      expect(sim.store.size).toBe(SEEDED);
    });

    it.each(['USA', 'us', 'United States', 'united states of america'])(
      'requires a state when the country is %p',
      async (country) => {
        await expect(engagement.createMember({ ...newMember, country })).rejects.toMatchObject({
          code: 'VENDOR_REJECTED',
          vendorMessage: messages.mandatory('state'),
        });
        await expect(engagement.createMember({ ...newMember, country, state: 'California' })).resolves.toMatchObject({
          externalId: '25',
        });
      },
    );

    it('does not require a state for India', async () => {
      await expect(
        engagement.createMember({ ...newMember, country: 'India', state: undefined }),
      ).resolves.toMatchObject({
        externalId: '25',
      });
    });

    it.each(['4155550100', '+1 415 555 0100', '+12345678901234'])('rejects the mobile number %p', async (phone) => {
      await expect(engagement.createMember({ ...newMember, phone })).rejects.toMatchObject({
        code: 'VENDOR_REJECTED',
        vendorMessage: messages.invalidMobileNumber,
      });
      expect(sim.store.size).toBe(SEEDED);
    });

    it('answers VENDOR_CONFLICT with the existing id for a duplicate email, compared case-insensitively', async () => {
      const existing = sim.store.get('5')!;
      await expect(
        engagement.createMember({ ...newMember, email: existing.email.toUpperCase() }),
      ).rejects.toMatchObject({
        code: 'VENDOR_CONFLICT',
        source: 'ENGAGEMENT',
        status: 400,
        existingId: '5',
        vendorMessage: messages.duplicateEmail,
      });
      expect(sim.store.size).toBe(SEEDED);
    });

    it('answers VENDOR_CONFLICT with the existing id for a duplicate mobile number, with or without +', async () => {
      const existing = sim.store.get('7')!;
      for (const phone of [`+${existing.mobileNumber}`, existing.mobileNumber!]) {
        await expect(engagement.createMember({ ...newMember, phone })).rejects.toMatchObject({
          code: 'VENDOR_CONFLICT',
          existingId: '7',
          vendorMessage: messages.duplicateMobileNumber,
        });
      }
      expect(sim.calls('createMember')).toBe(2);
    });

    it('makes the mobile number mandatory when the simulator reconciles on it', async () => {
      const strict = new EngagementSimulator({
        username: USERNAME,
        password: PASSWORD,
        seed: false,
        mobileNumberRequired: true,
      });
      await strict.listen();
      const client = new EngagementClient(settings({ baseUrl: strict.url }), { logger: silentLogger });
      try {
        await expect(client.createMember({ ...newMember, phone: undefined })).rejects.toMatchObject({
          code: 'VENDOR_REJECTED',
          vendorMessage: messages.mandatory('mobileNumber'),
        });
        await expect(client.createMember(newMember)).resolves.toEqual({ externalId: '1', message: messages.created });
      } finally {
        await client.close();
        await strict.close();
      }
    });
  });

  describe('requests the client cannot send wrong, sent raw', () => {
    const valid = { firstName: 'Raw', lastName: 'Request', country: 'India', email: 'raw@example.in' };

    it('accepts a valid raw body, a number as mobile number and "" as an absent one', async () => {
      expect(
        await send('POST', '/api/v1/audience', { body: JSON.stringify({ ...valid, mobileNumber: 919876543210 }) }),
      ).toMatchObject({
        status: 200,
        json: { id: '25', message: messages.created },
      });
      expect(sim.store.get('25')!.mobileNumber).toBe('919876543210');
      const second = await send('POST', '/api/v1/audience', {
        body: JSON.stringify({
          ...valid,
          email: 'raw2@example.in',
          mobileNumber: '',
          state: '',
          lastActiveDate: '2024-02-03T04:05:06Z',
        }),
        contentType: 'application/json',
      });
      expect(second).toMatchObject({ status: 200, json: { id: '26' } });
      expect(sim.store.get('26')).toMatchObject({
        mobileNumber: null,
        state: null,
        lastActiveAt: new Date('2024-02-03T04:05:06Z'),
      });
    });

    it.each([
      ['an unknown attribute', JSON.stringify({ ...valid, nickname: 'Rawy' })],
      ['a wrong type', JSON.stringify({ ...valid, smsSubscription: 'yes' })],
      ['an unreadable date', JSON.stringify({ ...valid, lastActiveDate: 'last Tuesday' })],
      ['bad JSON', '{"firstName": "Raw",'],
      ['a JSON array', JSON.stringify([valid])],
      ['an empty body', ''],
    ])('answers 400 invalid attributes for %s', async (_, body) => {
      expect(await send('POST', '/api/v1/audience', { body })).toEqual({
        status: 400,
        headers: expect.any(Object),
        json: { message: messages.invalidAttributes },
      });
      expect(sim.store.size).toBe(SEEDED);
      expect(sim.calls('createMember')).toBe(1);
    });

    it('answers 400 invalid attributes for a body that is not application/json', async () => {
      const response = await send('POST', '/api/v1/audience', {
        body: JSON.stringify(valid),
        contentType: 'text/plain',
      });
      expect(response).toMatchObject({ status: 400, json: { message: messages.invalidAttributes } });
      expect(await send('POST', '/api/v1/audience', { body: JSON.stringify(valid), contentType: null })).toMatchObject({
        status: 400,
      });
    });

    it('answers 401 on every route without credentials, with a Basic challenge', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/audience'],
        ['GET', '/api/v1/audience'],
        ['POST', '/api/v1/audience/1/delete'],
      ] as const) {
        const response = await send(method, path, {
          authorization: null,
          body: method === 'POST' ? JSON.stringify(valid) : undefined,
        });
        expect(response).toMatchObject({ status: 401, json: { message: messages.unauthorized } });
        expect(response.headers['www-authenticate']).toBe('Basic realm="Engagement"');
      }
      expect(
        await send('GET', '/api/v1/audience', { authorization: basicAuthorization(USERNAME, WRONG_PASSWORD) }),
      ).toMatchObject({ status: 401 });
      expect(await send('GET', '/api/v1/audience', { authorization: 'Bearer token' })).toMatchObject({ status: 401 });
      expect(sim.store.size).toBe(SEEDED);
      expect(sim.calls()).toEqual({ createMember: 1, listMembers: 3, deleteMember: 1 });
    });

    it.each([['start=-1'], ['start=abc'], ['pageSize=0'], ['pageSize=1.5'], ['start=1e3']])(
      'answers 400 invalid attributes for %s',
      async (query) => {
        expect(await send('GET', `/api/v1/audience?${query}`)).toMatchObject({
          status: 400,
          json: { message: messages.invalidAttributes },
        });
      },
    );

    it('lists 20 members from offset 0 by default', async () => {
      const response = await send('GET', '/api/v1/audience', { contentType: null });
      expect(response.status).toBe(200);
      expect(response.json.total).toBe(SEEDED);
      expect(response.json.audience.map((member: { id: string }) => member.id)).toEqual(
        Array.from({ length: 20 }, (_, i) => String(i + 1)),
      );
      expect(response.json.audience[0]).not.toHaveProperty('voiceSubscription');
    });

    it('answers the vendor error shape for an unknown route', async () => {
      expect(await send('GET', '/api/v1/nothing')).toMatchObject({
        status: 404,
        json: { message: expect.any(String) },
      });
    });
  });

  describe('credentials', () => {
    it('sends Basic credentials and exactly the documented content type on every request', async () => {
      const seen: Record<string, string>[] = [];
      const agent = new Agent().compose((dispatch) => (options: Dispatcher.DispatchOptions, handler) => {
        seen.push({ ...(options.headers as Record<string, string>) });
        return dispatch(options, handler);
      });
      const client = new EngagementClient(settings(), { logger: silentLogger, dispatcher: agent });
      try {
        await client.createMember(newMember);
        await client.listMembers();
        await client.deleteMember('25');
      } finally {
        await client.close();
        await agent.destroy();
      }
      expect(seen).toHaveLength(3);
      for (const headers of seen) {
        expect(headers['authorization']).toBe(basicAuthorization(USERNAME, PASSWORD));
        expect(headers['content-type']).toBe(REQUEST_CONTENT_TYPE);
      }
    });

    it('answers VENDOR_UNAUTHORIZED for a wrong password on every route, without retrying, never echoing credentials', async () => {
      // A client each: after its first 401 a client refuses its calls unsent (the credentials are rejected).
      const clients: EngagementClient[] = [];
      const wrong = () => {
        const client = new EngagementClient(settings({ password: WRONG_PASSWORD }), { logger: silentLogger });
        clients.push(client);
        return client;
      };
      const errors: unknown[] = [];
      try {
        for (const call of [
          () => wrong().createMember(newMember),
          () => wrong().listMembers(),
          () => wrong().deleteMember('1'),
        ]) {
          const error = await call().then(
            () => undefined,
            (failure: unknown) => failure,
          );
          expect(error).toMatchObject({
            code: 'VENDOR_UNAUTHORIZED',
            source: 'ENGAGEMENT',
            status: 401,
            vendorMessage: messages.unauthorized,
          });
          errors.push(error);
        }
        // The same client again: refused without a call, until a trial after the hold is accepted.
        await expect(clients[0].listMembers()).rejects.toMatchObject({
          code: 'VENDOR_UNAUTHORIZED',
          unsent: 'credentials-rejected',
        });
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
      expect(sim.calls()).toEqual({ createMember: 1, listMembers: 1, deleteMember: 1 });
      expect(sim.store.size).toBe(SEEDED);
      for (const error of errors) {
        const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
        for (const secret of [PASSWORD, WRONG_PASSWORD, basicAuthorization(USERNAME, WRONG_PASSWORD).slice(6)]) {
          expect(text).not.toContain(secret);
        }
      }
    });

    it('refuses settings it cannot send', () => {
      expect(() => new EngagementClient(settings({ username: 'a:b' }), { logger: silentLogger })).toThrow(TypeError);
      expect(() => new EngagementClient(settings({ password: '' }), { logger: silentLogger })).toThrow(TypeError);
      expect(() => new EngagementClient(settings({ pageSize: 0 }), { logger: silentLogger })).toThrow(/pageSize/);
    });
  });

  describe('listMembers and members()', () => {
    it('reads one page of settings.pageSize with one call, mapped into the domain', async () => {
      const page = await engagement.listMembers();
      expect(page.total).toBe(SEEDED);
      expect(page.next).toBe('10');
      expect(page.items).toHaveLength(10);
      const stored = sim.store.get('1')!;
      expect(page.items[0]).toEqual({
        externalId: '1',
        firstName: stored.firstName,
        lastName: stored.lastName,
        email: stored.email,
        phone: `+${stored.mobileNumber}`,
        country: stored.country,
        state: stored.state,
        active: stored.active,
        subscriptions: { email: stored.emailSubscription, sms: stored.smsSubscription, voice: null },
        createdAt: stored.createdAt,
        updatedAt: stored.updatedAt,
        lastActiveAt: stored.lastActiveAt,
      });
      expect(sim.calls()).toEqual({ listMembers: 1 });
      expect(sim.callLog('listMembers')[0].path).toBe('/api/v1/audience');
    });

    it('pages by record offset: next is the following offset, null at the end', async () => {
      const middle = await engagement.listMembers({ start: 10, pageSize: 10 });
      expect(middle.items.map((member) => member.externalId)).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i + 11)),
      );
      expect(middle.next).toBe('20');
      const last = await engagement.listMembers({ start: 20, pageSize: 10 });
      expect(last.items).toHaveLength(4);
      expect(last).toMatchObject({ total: SEEDED, next: null });
      await expect(engagement.listMembers({ start: 500 })).resolves.toEqual({ items: [], total: SEEDED, next: null });
      expect(sim.calls('listMembers')).toBe(3);
    });

    it('clamps a page size above the maximum and follows what came back', async () => {
      sim.store.insertMany(bulk(250, 'clamp'));
      const page = await engagement.listMembers({ pageSize: 500 });
      expect(page.items).toHaveLength(100);
      expect(page).toMatchObject({ total: SEEDED + 250, next: '100' });
    });

    it('rejects a negative start or a zero page size without calling', async () => {
      await expect(engagement.listMembers({ start: -1 })).rejects.toThrow(TypeError);
      await expect(engagement.listMembers({ pageSize: 0 })).rejects.toThrow(TypeError);
      expect(sim.calls('listMembers')).toBe(0);
    });

    it('iterates every member of 274 in pages of 100 with exactly three calls', async () => {
      sim.store.insertMany(bulk(250, 'iterate'));
      const client = new EngagementClient(settings({ pageSize: 100 }), { logger: silentLogger });
      const ids: string[] = [];
      try {
        for await (const member of client.members()) ids.push(member.externalId);
      } finally {
        await client.close();
      }
      expect(ids).toEqual(Array.from({ length: SEEDED + 250 }, (_, i) => String(i + 1)));
      expect(sim.calls('listMembers')).toBe(3);
      expect(sim.callLog('listMembers').every((call) => call.status === 200)).toBe(true);
    });

    it('stops after one call when the audience fits one page, and yields nothing for an empty one', async () => {
      const client = new EngagementClient(settings({ pageSize: 50 }), { logger: silentLogger });
      try {
        const all: string[] = [];
        for await (const member of client.members()) all.push(member.email);
        expect(all).toHaveLength(SEEDED);
        expect(sim.calls('listMembers')).toBe(1);
        sim.store.clear();
        const none: string[] = [];
        for await (const member of client.members()) none.push(member.email);
        expect(none).toEqual([]);
        expect(sim.calls('listMembers')).toBe(2);
      } finally {
        await client.close();
      }
    });

    it('reads dates written as MM/dd/yyyy HH:mm:ss, on a simulator with its own clock', async () => {
      const now = new Date('2024-05-06T07:08:09Z');
      const us = new EngagementSimulator({
        username: USERNAME,
        password: PASSWORD,
        seed: false,
        dateFormat: 'us',
        now: () => now,
      });
      await us.listen();
      const client = new EngagementClient(settings({ baseUrl: us.url }), { logger: silentLogger });
      try {
        await client.createMember({ ...newMember, lastActiveAt: new Date('2024-05-01T00:00:00Z') });
        const raw = await request(`${us.url}/api/v1/audience`, {
          headers: { authorization: basicAuthorization(USERNAME, PASSWORD) },
        });
        const body = (await raw.body.json()) as { audience: { createdDateStr: string }[] };
        expect(body.audience[0].createdDateStr).toBe('05/06/2024 07:08:09');
        const page = await client.listMembers();
        expect(page.items[0]).toMatchObject({
          createdAt: now,
          updatedAt: now,
          lastActiveAt: new Date('2024-05-01T00:00:00Z'),
        });
      } finally {
        await client.close();
        await us.close();
      }
    });
  });

  describe('deleteMember', () => {
    it('deletes a member with one call, which frees its email and mobile number', async () => {
      const existing = sim.store.get('3')!;
      await expect(engagement.deleteMember('3')).resolves.toEqual({ message: messages.deleted });
      expect(sim.calls()).toEqual({ deleteMember: 1 });
      expect(sim.callLog('deleteMember')[0].path).toBe('/api/v1/audience/3/delete');
      expect(sim.store.get('3')).toBeUndefined();
      expect(sim.store.size).toBe(SEEDED - 1);
      await expect(
        engagement.createMember({ ...newMember, email: existing.email, phone: `+${existing.mobileNumber}` }),
      ).resolves.toMatchObject({ externalId: '25' });
    });

    it('answers VENDOR_NOT_FOUND for an unknown id, and for a non-numeric one without calling', async () => {
      await expect(engagement.deleteMember('999')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'ENGAGEMENT',
        status: 400,
        vendorMessage: messages.memberNotFound,
      });
      await engagement.deleteMember('4');
      await expect(engagement.deleteMember('4')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND' });
      await expect(engagement.deleteMember('../audience')).rejects.toMatchObject({
        code: 'VENDOR_NOT_FOUND',
        source: 'ENGAGEMENT',
      });
      expect(sim.calls('deleteMember')).toBe(3);
      expect(sim.store.size).toBe(SEEDED - 1);
    });
  });

  describe('faults', () => {
    it('answers VENDOR_UNAVAILABLE for an injected 500 on create, without retrying the write', async () => {
      sim.setFault('createMember', { status: 500 });
      await expect(engagement.createMember(newMember)).rejects.toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        source: 'ENGAGEMENT',
        status: 500,
      });
      expect(sim.calls('createMember')).toBe(1);
      expect(sim.store.size).toBe(SEEDED);
    });

    it('retries a read twice on an injected 500, then answers VENDOR_UNAVAILABLE', async () => {
      sim.setFault('listMembers', { status: 500 });
      const error = await engagement.listMembers().catch((failure: unknown) => failure);
      expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', source: 'ENGAGEMENT', status: 500 });
      expect((error as { vendorMessage: string }).vendorMessage).toContain(messages.serverFailure);
      expect(sim.calls('listMembers')).toBe(3);
      expect(engagement.http.health.lastError).toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
    });

    it('answers VENDOR_UNAVAILABLE for an injected 500 on delete, leaving the member', async () => {
      sim.setFault('deleteMember', { status: 500 });
      await expect(engagement.deleteMember('1')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
      expect(sim.calls('deleteMember')).toBe(1);
      expect(sim.store.get('1')).toBeDefined();
    });

    it('answers VENDOR_TIMEOUT when the vendor hangs', async () => {
      const impatient = new EngagementClient(settings({ timeoutMs: 200, retries: 0 }), { logger: silentLogger });
      sim.setFault('*', { hang: true });
      try {
        await expect(impatient.createMember(newMember)).rejects.toMatchObject({
          code: 'VENDOR_TIMEOUT',
          source: 'ENGAGEMENT',
        });
        await expect(impatient.listMembers()).rejects.toMatchObject({ code: 'VENDOR_TIMEOUT', source: 'ENGAGEMENT' });
        await expect(impatient.deleteMember('1')).rejects.toMatchObject({
          code: 'VENDOR_TIMEOUT',
          source: 'ENGAGEMENT',
        });
      } finally {
        await impatient.close();
      }
      expect(sim.calls()).toEqual({ createMember: 1, listMembers: 1, deleteMember: 1 });
    });

    it.each(['json', 'shape'] as const)(
      'answers VENDOR_BAD_RESPONSE for a malformed (%s) answer on every route',
      async (malformed) => {
        sim.setFault('*', { malformed });
        await expect(engagement.createMember(newMember)).rejects.toMatchObject({
          code: 'VENDOR_BAD_RESPONSE',
          source: 'ENGAGEMENT',
          status: 200,
        });
        await expect(engagement.listMembers()).rejects.toMatchObject({
          code: 'VENDOR_BAD_RESPONSE',
          source: 'ENGAGEMENT',
        });
        await expect(engagement.deleteMember('2')).rejects.toMatchObject({
          code: 'VENDOR_BAD_RESPONSE',
          source: 'ENGAGEMENT',
        });
        expect(sim.calls()).toEqual({ createMember: 1, listMembers: 1, deleteMember: 1 });
      },
    );
  });
});
