import {
  createProblems,
  formatDateStr,
  isUsaCountry,
  isValidMobileNumber,
  messages,
  normalizeMobileNumber,
  parseDateStr,
  validateCreateMember,
  type WireMember,
} from '../../src/vendors/engagement/contract';
import {
  createInputProblems,
  existingIdFrom,
  fromWireMember,
  fromWireMobileNumber,
  toCreateRequest,
} from '../../src/vendors/engagement/mapper';
import type { EngagementCreateInput } from '../../src/vendors/engagement/types';

const wireMember: WireMember = {
  id: '9',
  firstName: 'Latha',
  lastName: 'Ganesh',
  email: 'latha@example.in',
  mobileNumber: '919876543210',
  country: 'India',
  state: '',
  active: true,
  smsSubscription: true,
  emailSubscription: false,
  createdDateStr: '2024-01-15T10:30:00Z',
  lastModifiedDateStr: '01/16/2024 11:00:05',
  lastActiveDateStr: null,
};

const validBody = { firstName: 'Latha', lastName: 'Ganesh', country: 'India', email: 'latha@example.in' };

describe('Engagement mapper', () => {
  describe('fromWireMember', () => {
    it('maps every listed field, with E.164 phone, null state for "", no voice flag and parsed dates', () => {
      expect(fromWireMember(wireMember)).toEqual({
        externalId: '9',
        firstName: 'Latha',
        lastName: 'Ganesh',
        email: 'latha@example.in',
        phone: '+919876543210',
        country: 'India',
        state: null,
        active: true,
        subscriptions: { email: false, sms: true, voice: null },
        createdAt: new Date('2024-01-15T10:30:00Z'),
        updatedAt: new Date('2024-01-16T11:00:05Z'),
        lastActiveAt: null,
      });
    });

    it('accepts a numeric id and mobile number, and absent optional fields', () => {
      const {
        mobileNumber: _m,
        state: _s,
        createdDateStr: _c,
        lastModifiedDateStr: _l,
        lastActiveDateStr: _a,
        ...rest
      } = wireMember;
      const member = fromWireMember({ ...rest, id: 12, mobileNumber: 14155550100 });
      expect(member).toMatchObject({
        externalId: '12',
        phone: '+14155550100',
        state: null,
        createdAt: null,
        updatedAt: null,
        lastActiveAt: null,
      });
      expect(fromWireMember({ ...rest, id: 1 }).phone).toBeNull();
    });

    it('keeps a state and a phone that already carries +', () => {
      expect(fromWireMember({ ...wireMember, state: 'California', mobileNumber: '+14155550100' })).toMatchObject({
        state: 'California',
        phone: '+14155550100',
      });
      expect(fromWireMobileNumber('')).toBeNull();
      expect(fromWireMobileNumber(null)).toBeNull();
    });
  });

  describe('toCreateRequest', () => {
    it('writes every given field under its wire name, the date in ISO 8601 to the second', () => {
      const input: EngagementCreateInput = {
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'USA',
        state: 'California',
        email: 'ada@example.com',
        phone: '+14155550100',
        subscriptions: { email: true, sms: false, voice: true },
        lastActiveAt: new Date('2024-03-01T08:09:10.456Z'),
      };
      expect(toCreateRequest(input)).toEqual({
        firstName: 'Ada',
        lastName: 'Lovelace',
        country: 'USA',
        state: 'California',
        email: 'ada@example.com',
        mobileNumber: '+14155550100',
        emailSubscription: true,
        smsSubscription: false,
        voiceSubscription: true,
        lastActiveDate: '2024-03-01T08:09:10Z',
      });
    });

    it('leaves out what was not given, an empty phone, and a voice flag of null', () => {
      expect(toCreateRequest({ ...validBody, phone: '', subscriptions: { voice: null, sms: true } })).toEqual({
        ...validBody,
        smsSubscription: true,
      });
    });
  });

  describe('createInputProblems', () => {
    it('is empty for a valid input', () => {
      expect(createInputProblems(validBody)).toEqual([]);
    });

    it('names domain fields with the vendor messages, in the vendor order', () => {
      expect(
        createInputProblems({ firstName: '', lastName: 'X', country: 'USA', email: 'nope', phone: '12345' }),
      ).toEqual([
        { field: 'firstName', message: messages.mandatory('firstName') },
        { field: 'email', message: messages.mandatory('email') },
        { field: 'state', message: messages.mandatory('state') },
        { field: 'phone', message: messages.invalidMobileNumber },
      ]);
    });

    it('reports an invalid date as an invalid attribute of lastActiveAt', () => {
      expect(createInputProblems({ ...validBody, lastActiveAt: new Date('garbage') })).toEqual([
        { field: 'lastActiveAt', message: messages.invalidAttributes },
      ]);
    });

    it('makes the phone mandatory when the reconciliation key is the mobile number', () => {
      expect(createInputProblems(validBody, { mobileNumberRequired: true })).toEqual([
        { field: 'phone', message: messages.mandatory('mobileNumber') },
      ]);
    });
  });

  describe('existingIdFrom', () => {
    it('reads the id field, else the first number of the message', () => {
      expect(existingIdFrom({ message: messages.duplicateEmail, id: '9' })).toBe('9');
      expect(existingIdFrom({ message: messages.duplicateEmail, id: 9 })).toBe('9');
      expect(existingIdFrom({ message: 'User already exists with this Email. Existing user id: 42' })).toBe('42');
      expect(existingIdFrom({ message: messages.duplicateEmail })).toBeUndefined();
      expect(existingIdFrom(undefined)).toBeUndefined();
    });
  });
});

describe('Engagement contract validators', () => {
  it.each([
    ['+14155550100', true],
    ['14155550100', true],
    ['919876543210', true],
    ['+3531234567890', true],
    [14155550100, true],
    ['4155550100', false],
    ['+12345678901234', false],
    ['+1 415 555 0100', false],
    ['1-415-555-0100', false],
    ['', false],
    [14155550100.5, false],
    [-14155550100, false],
    [null, false],
  ])('isValidMobileNumber(%p) is %p', (value, valid) => {
    expect(isValidMobileNumber(value)).toBe(valid);
  });

  it('normalizes a mobile number to its digits', () => {
    expect(normalizeMobileNumber('+14155550100')).toBe('14155550100');
    expect(normalizeMobileNumber(919876543210)).toBe('919876543210');
  });

  it.each(['USA', 'us', 'United States', 'united states of america', ' Usa '])('treats %p as the USA', (country) => {
    expect(isUsaCountry(country)).toBe(true);
  });

  it.each(['India', 'USSR', 'America', 'United Kingdom'])('does not treat %p as the USA', (country) => {
    expect(isUsaCountry(country)).toBe(false);
  });

  it('answers invalid attributes for unknown attributes, wrong types and non-objects, before anything else', () => {
    expect(createProblems({ ...validBody, nickname: 'x' })).toEqual([
      { field: 'nickname', message: messages.invalidAttributes },
    ]);
    expect(createProblems({ ...validBody, smsSubscription: 'yes' })).toEqual([
      { field: 'smsSubscription', message: messages.invalidAttributes },
    ]);
    expect(createProblems({ firstName: 7 })).toEqual([{ field: 'firstName', message: messages.invalidAttributes }]);
    expect(createProblems([validBody])).toEqual([{ field: '(body)', message: messages.invalidAttributes }]);
    expect(createProblems('text')).toEqual([{ field: '(body)', message: messages.invalidAttributes }]);
  });

  it('lists every missing mandatory attribute in order, null and blanks counting as missing', () => {
    expect(createProblems({ firstName: null, lastName: '  ' }).map((problem) => problem.message)).toEqual([
      messages.mandatory('firstName'),
      messages.mandatory('lastName'),
      messages.mandatory('country'),
      messages.mandatory('email'),
    ]);
  });

  it('requires state for the USA only, with a configurable list of names', () => {
    expect(createProblems({ ...validBody, country: 'United States' })).toEqual([
      { field: 'state', message: messages.mandatory('state') },
    ]);
    expect(createProblems({ ...validBody, country: 'USA', state: 'Ohio' })).toEqual([]);
    expect(createProblems({ ...validBody, country: 'India', state: '' })).toEqual([]);
    expect(createProblems({ ...validBody, country: 'Puerto Rico' }, { usaCountryNames: ['puerto rico'] })).toHaveLength(
      1,
    );
  });

  it('treats an empty mobile number as absent and returns the command with digits and a parsed date', () => {
    expect(validateCreateMember({ ...validBody, mobileNumber: '', state: '' })).toEqual({
      ok: true,
      value: {
        ...validBody,
        state: undefined,
        mobileNumber: undefined,
        smsSubscription: undefined,
        voiceSubscription: undefined,
        emailSubscription: undefined,
        lastActiveDate: undefined,
      },
    });
    const result = validateCreateMember({
      ...validBody,
      mobileNumber: '+919876543210',
      lastActiveDate: '03/01/2024 08:00:00',
      smsSubscription: true,
    });
    expect(result).toMatchObject({
      ok: true,
      value: { mobileNumber: '919876543210', lastActiveDate: new Date('2024-03-01T08:00:00Z'), smsSubscription: true },
    });
  });

  it('parses and formats both date formats in UTC, and rejects impossible dates', () => {
    const date = new Date('2024-02-29T23:05:09Z');
    expect(formatDateStr(date, 'iso')).toBe('2024-02-29T23:05:09Z');
    expect(formatDateStr(date, 'us')).toBe('02/29/2024 23:05:09');
    expect(parseDateStr('2024-02-29T23:05:09Z')).toEqual(date);
    expect(parseDateStr('02/29/2024 23:05:09')).toEqual(date);
    expect(parseDateStr('2024-02-29T23:05:09.250Z')).toEqual(new Date('2024-02-29T23:05:09.250Z'));
    expect(parseDateStr('2024-03-01T01:05:09+02:00')).toEqual(date);
    expect(parseDateStr('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseDateStr('2023-02-29')).toBeNull();
    expect(parseDateStr('13/01/2024 00:00:00')).toBeNull();
    expect(parseDateStr('2024-01-01T24:00:00Z')).toBeNull();
    expect(parseDateStr('yesterday')).toBeNull();
  });
});
