import {
  apiVersionProblem,
  createProblems,
  describeProblems,
  isUserExistsDescription,
  localeProblem,
  messages,
  normalizeLocale,
  normalizeUserName,
  passwordProblem,
  paths,
  updatePasswordProblems,
  userNameProblem,
  validateCreateUser,
  validateDeleteUser,
  validateUpdatePassword,
} from '../../src/vendors/rainmaker/contract';
import {
  fromAckResponse,
  toCreateUserRequest,
  toDeleteUserRequest,
  toExternalId,
  toLocaleQuery,
  toUpdatePasswordRequest,
  toVendorMessage,
} from '../../src/vendors/rainmaker/mapper';

describe('RainMaker contract validators', () => {
  it('accepts email addresses and E.164 phone numbers as user names', () => {
    for (const userName of [
      'username@domain.com',
      'A.B+tag@Example.co.uk',
      '+14155550100',
      '+4930123456',
      '+123456789012345',
    ]) {
      expect(userNameProblem(userName)).toBeNull();
    }
  });

  it('rejects anything else as a user name', () => {
    const invalid = [
      '',
      'user',
      'user@domain',
      'us er@domain.com',
      '+0123456789',
      '+1234567',
      '+1234567890123456',
      '14155550100',
      '+1 415 555 0100',
      `${'a'.repeat(250)}@x.com`,
      42,
      null,
    ];
    for (const userName of invalid) expect(userNameProblem(userName)).toBe(messages.invalidUserName);
  });

  it('treats locales case-insensitively, rejecting only the reserved one', () => {
    expect(localeProblem(undefined)).toBeNull();
    expect(localeProblem('')).toBeNull();
    expect(localeProblem('en_US')).toBeNull();
    expect(localeProblem('rm_non_branded')).toBe(messages.invalidLocale);
    expect(localeProblem('RM_NON_BRANDED')).toBe(messages.invalidLocale);
    expect(localeProblem('de', { reservedLocales: ['DE'] })).toBe(messages.invalidLocale);
    expect(normalizeLocale('EN_US')).toBe('en_us');
    expect(normalizeLocale('')).toBe('no_locale');
    expect(normalizeLocale(undefined)).toBe('no_locale');
  });

  it('requires a password of the minimum length, counted in characters', () => {
    expect(passwordProblem(undefined)).toBe('password is required');
    expect(passwordProblem('')).toBe('password is required');
    expect(passwordProblem('1234567')).toBe('password must be at least 8 characters long');
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('abc', { minPasswordLength: 3 })).toBeNull();
    expect(passwordProblem('😀😀😀', { minPasswordLength: 4 })).toBe('password must be at least 4 characters long');
  });

  it('supports only v1 by default', () => {
    expect(apiVersionProblem('v1')).toBeNull();
    expect(apiVersionProblem('v2')).toBe(messages.invalidApiVersion);
    expect(apiVersionProblem('v2', ['v1', 'v2'])).toBeNull();
    expect(paths.users('v1')).toBe('/v1/admin/user2');
  });

  it('lists every problem of a create or password update, by wire field, without echoing values', () => {
    expect(createProblems({ userName: 'ada@example.com', password: 'Secret-123', locale: 'EN' })).toEqual([]);
    const problems = createProblems({ userName: 'not a user', password: 'short', locale: 'rm_non_branded' });
    expect(problems).toEqual([
      { field: 'user_name', message: messages.invalidUserName },
      { field: 'password', message: 'password must be at least 8 characters long' },
      { field: 'locale', message: messages.invalidLocale },
    ]);
    expect(JSON.stringify(problems)).not.toContain('short');
    expect(updatePasswordProblems({ userName: '+14155550100', password: undefined })).toEqual([
      { field: 'password', message: 'password is required' },
    ]);
  });

  it('validates request bodies: shape first, then the value rules', () => {
    expect(validateCreateUser({ user_name: 'ada@example.com', password: 'Secret-123' })).toEqual({
      ok: true,
      value: { user_name: 'ada@example.com', password: 'Secret-123' },
    });
    expect(validateCreateUser('text')).toEqual({
      ok: false,
      problems: [{ field: '(body)', message: 'Request body must be a JSON object' }],
    });
    expect(validateCreateUser({ user_name: 1, password: 'Secret-123', extra: true })).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { field: 'user_name', message: 'user_name must be a string' },
        { field: 'extra', message: 'Unknown field "extra"' },
      ]),
    });
    expect(validateUpdatePassword({ user_name: 'ada@example.com' })).toEqual({
      ok: false,
      problems: [{ field: 'password', message: 'password is required' }],
    });
    expect(validateDeleteUser({ user_name: 'nobody' })).toEqual({
      ok: false,
      problems: [{ field: 'user_name', message: messages.invalidUserName }],
    });
    expect(validateDeleteUser({ user_name: '+14155550100' })).toEqual({
      ok: true,
      value: { user_name: '+14155550100' },
    });
    expect(describeProblems([{ field: 'password', message: 'password is required' }])).toBe(
      'Invalid request: password is required',
    );
  });

  it('compares email user names case-insensitively and phone numbers as given', () => {
    expect(normalizeUserName('Ada.Lovelace@Example.COM')).toBe('ada.lovelace@example.com');
    expect(normalizeUserName('+14155550100')).toBe('+14155550100');
  });

  it('recognises the duplicate description', () => {
    expect(isUserExistsDescription(messages.userExists)).toBe(true);
    expect(isUserExistsDescription('An account with the given email already exists.')).toBe(true);
    expect(isUserExistsDescription(messages.invalidLocale)).toBe(false);
  });
});

describe('RainMaker mapper', () => {
  it('writes the create, update and delete bodies in the wire names', () => {
    expect(toCreateUserRequest({ userName: 'ada@example.com', password: 'Secret-123', locale: 'EN' })).toEqual({
      user_name: 'ada@example.com',
      password: 'Secret-123',
    });
    expect(toUpdatePasswordRequest('+14155550100', 'N3w-Secret')).toEqual({
      user_name: '+14155550100',
      password: 'N3w-Secret',
    });
    expect(toDeleteUserRequest('ada@example.com')).toEqual({ user_name: 'ada@example.com' });
  });

  it('sends the locale lower-cased, and omits it when absent or empty', () => {
    expect(toLocaleQuery('EN_us')).toBe('en_us');
    expect(toLocaleQuery('')).toBeUndefined();
    expect(toLocaleQuery(undefined)).toBeUndefined();
  });

  it('reads an acknowledgement and names a user by its normalised user name', () => {
    expect(fromAckResponse({ status: 'success', description: 'Success description' })).toEqual({
      message: 'Success description',
    });
    expect(toExternalId('Ada@Example.com')).toBe('ada@example.com');
  });

  it('keeps only the first sentence of an authorization failure, so a canonical request never travels', () => {
    const description =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' +
      "\n\nThe Canonical String for this request should have been\n'POST\n/v1/admin/user2\n\nx-amz-security-token:SECRET-TOKEN\n'\n";
    expect(toVendorMessage(description, true)).toBe(
      'The request signature we calculated does not match the signature you provided.',
    );
    expect(toVendorMessage(description, false)).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
    expect(
      toVendorMessage(
        'Signature expired: 20240101T000000Z is outside the allowed 15 minutes of 2024-01-01T00:16:00.000Z.',
        true,
      ),
    ).toBe('Signature expired: 20240101T000000Z is outside the allowed 15 minutes of 2024-01-01T00:16:00.000Z.');
    expect(toVendorMessage('Missing Authentication Token', true)).toBe('Missing Authentication Token');
    expect(toVendorMessage('x'.repeat(400), false)).toHaveLength(301);
  });
});
