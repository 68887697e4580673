import {
  addUserProblems,
  describeProblems,
  mediaTypeOf,
  modifyUserProblems,
  validateAddUser,
  validateModifyUser,
} from '../../src/vendors/user-management/contract';
import {
  createInputProblems,
  domainFieldOf,
  fromWireActive,
  fromWireUser,
  toAddUserRequest,
  toModifyUserRequest,
  updateInputProblems,
} from '../../src/vendors/user-management/mapper';

const validAdd = {
  contactName: 'John Doe',
  emailAddress: 'jhn.doe@example.com',
  defaultAccountId: 1,
  username: 'test',
  password: 'test',
};

describe('user-management mapper', () => {
  it('reads a wire user into the domain', () => {
    expect(
      fromWireUser({
        id: 4,
        contactName: 'Ada Lovelace',
        emailAddress: 'ada@example.com',
        defaultAccountId: 2,
        username: 'ada',
        active: 1,
      }),
    ).toEqual({
      externalId: '4',
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      accountId: '2',
      username: 'ada',
      active: true,
    });
  });

  it('accepts ids as digit strings and every spelling of the flag', () => {
    const user = fromWireUser({
      id: '7',
      contactName: 'A',
      emailAddress: 'a@b.co',
      defaultAccountId: '3',
      username: 'a',
      active: '0',
    });
    expect(user).toMatchObject({ externalId: '7', accountId: '3', active: false });
    expect([0, 1, '0', '1', false, true].map((flag) => fromWireActive(flag as 0))).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('writes a create input as the add body, with an integer account and a 0/1 flag', () => {
    expect(
      toAddUserRequest({
        displayName: 'John Doe',
        email: 'jhn.doe@example.com',
        accountId: '1',
        username: 'test',
        password: 'test',
      }),
    ).toEqual(validAdd);
    expect(
      toAddUserRequest({
        displayName: 'J',
        email: 'j@x.io',
        accountId: '2',
        username: 'j',
        password: 'p',
        active: false,
      }),
    ).toMatchObject({
      defaultAccountId: 2,
      active: 0,
    });
  });

  it('keeps a non-numeric account id as it is, so validation reports it', () => {
    const body = toAddUserRequest({
      displayName: 'J',
      email: 'j@x.io',
      accountId: 'acme',
      username: 'j',
      password: 'p',
    });
    expect(body.defaultAccountId).toBe('acme');
    expect(addUserProblems(body)).toEqual([
      { field: 'defaultAccountId', message: 'defaultAccountId must be an integer' },
    ]);
  });

  it('writes only the given fields of an update', () => {
    expect(toModifyUserRequest({})).toEqual({});
    expect(toModifyUserRequest({ displayName: 'New Name', active: true })).toEqual({
      contactName: 'New Name',
      active: 1,
    });
    expect(toModifyUserRequest({ email: 'n@x.io', accountId: '3', username: 'n', password: 'secret' })).toEqual({
      emailAddress: 'n@x.io',
      defaultAccountId: 3,
      username: 'n',
      password: 'secret',
    });
  });

  it('reports problems of a domain input with domain field names', () => {
    expect(
      createInputProblems({ displayName: ' ', email: 'not-an-email', accountId: '1', username: 'u', password: 'p' }),
    ).toEqual([
      { field: 'displayName', message: 'displayName must not be blank' },
      { field: 'email', message: 'email must be a valid email address' },
    ]);
    expect(updateInputProblems({ accountId: 'x' })).toEqual([
      { field: 'accountId', message: 'accountId must be an integer' },
    ]);
    expect(updateInputProblems({ displayName: 'fine' })).toEqual([]);
    expect(domainFieldOf('contactName')).toBe('displayName');
    expect(domainFieldOf('(body)')).toBe('(body)');
  });
});

describe('user-management request validators', () => {
  it("accepts the vendor's own add example and normalises it", () => {
    expect(validateAddUser(validAdd)).toEqual({ ok: true, value: validAdd });
    expect(validateAddUser({ ...validAdd, defaultAccountId: '1', active: '0' })).toEqual({
      ok: true,
      value: { ...validAdd, active: 0 },
    });
  });

  it('accepts the vendor\'s own modify example, with active as the string "0"', () => {
    const example = {
      contactName: 'John Doe modified',
      emailAddress: 'john.doe@example.com',
      defaultAccountId: 1,
      username: 'test',
      password: 'test',
      active: '0',
    };
    expect(validateModifyUser(example)).toEqual({ ok: true, value: { ...example, active: 0 } });
  });

  it('names every missing required field', () => {
    expect(addUserProblems({})).toEqual(
      ['contactName', 'emailAddress', 'defaultAccountId', 'username', 'password'].map((field) => ({
        field,
        message: `${field} is required`,
      })),
    );
  });

  it('rejects wrong types, a bad flag, a bad address and unknown fields', () => {
    expect(
      addUserProblems({
        ...validAdd,
        contactName: 5,
        defaultAccountId: 1.5,
        active: true,
        emailAddress: 'a@b',
        id: 3,
        role: 'x',
      }),
    ).toEqual([
      { field: 'contactName', message: 'contactName must be a string' },
      { field: 'emailAddress', message: 'emailAddress must be a valid email address' },
      { field: 'defaultAccountId', message: 'defaultAccountId must be an integer' },
      { field: 'active', message: 'active must be 0 or 1' },
      { field: 'id', message: 'Unknown field "id"' },
      { field: 'role', message: 'Unknown field "role"' },
    ]);
    expect(addUserProblems({ ...validAdd, active: 2 })).toEqual([
      { field: 'active', message: 'active must be 0 or 1' },
    ]);
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'text', 3, undefined]) {
      expect(addUserProblems(body)).toEqual([{ field: '(body)', message: 'Request body must be a JSON object' }]);
    }
  });

  it('lets every modify field be absent or null, but not of the wrong type', () => {
    expect(modifyUserProblems({})).toEqual([]);
    expect(validateModifyUser({ contactName: null, active: null })).toEqual({
      ok: true,
      value: { contactName: null, active: null },
    });
    expect(modifyUserProblems({ username: '', password: 3, extra: 1 })).toEqual([
      { field: 'username', message: 'username must not be blank' },
      { field: 'password', message: 'password must be a string' },
      { field: 'extra', message: 'Unknown field "extra"' },
    ]);
  });

  it('joins problems into one message and reads media types without parameters', () => {
    expect(
      describeProblems([
        { field: 'a', message: 'a is required' },
        { field: 'b', message: 'b must be a string' },
      ]),
    ).toBe('Invalid request: a is required; b must be a string');
    expect(mediaTypeOf('Text/JavaScript; charset=UTF-8')).toBe('text/javascript');
    expect(mediaTypeOf('')).toBeUndefined();
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});
