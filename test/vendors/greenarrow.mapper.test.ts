import {
  EMAIL_TAKEN_PATTERN,
  errorEnvelopeSchema,
  listQueryProblems,
  messages,
  requestProblems,
  resolveMailClass,
  userListEnvelopeSchema,
  userProblems,
  validateRequest,
} from '../../src/vendors/greenarrow/contract';
import {
  createInputProblems,
  domainFieldOf,
  fromWireAccess,
  fromWireInjection,
  fromWireUser,
  toCreateUserRequest,
  toUpdateUserRequest,
  toWireAccess,
  toWireInjection,
  toWireMailClassRef,
  updateInputProblems,
} from '../../src/vendors/greenarrow/mapper';
import type { GreenArrowCreateInput } from '../../src/vendors/greenarrow/types';

const MAIL_CLASSES = [
  { id: 1, name: 'transactional' },
  { id: 2, name: 'marketing' },
];

const validUser = {
  email: 'ada@example.com',
  password: 'greenarrow',
  permissions: { injection: 'smtp-only', api: 'stats-only', ui: 'read-only' },
};

const createInput: GreenArrowCreateInput = {
  email: 'ada@example.com',
  password: 'greenarrow',
  permissions: { injection: 'SMTP_ONLY', api: 'STATS_ONLY', ui: 'READ_ONLY' },
};

describe('GreenArrow mapper', () => {
  it('reads a wire user into the domain, with a string id and the mail class', () => {
    expect(
      fromWireUser({
        id: 3,
        email: 'ada@example.com',
        permissions: { injection: 'yes', api: 'yes', ui: 'yes' },
        is_disabled: false,
        force_mail_class: { id: 1, name: 'my_mail_class_one' },
      }),
    ).toEqual({
      externalId: '3',
      email: 'ada@example.com',
      permissions: {
        injection: 'ALL',
        api: 'FULL',
        ui: 'FULL',
        disabled: false,
        mailClass: { id: '1', name: 'my_mail_class_one' },
      },
    });
    expect(
      fromWireUser({
        id: 9,
        email: 'b@x.io',
        permissions: { injection: 'no', api: 'no', ui: 'no' },
        is_disabled: true,
        force_mail_class: null,
      }).permissions,
    ).toEqual({ injection: 'NONE', api: 'NONE', ui: 'NONE', disabled: true, mailClass: null });
  });

  it('maps every permission value both ways', () => {
    const injection = [
      ['yes', 'ALL'],
      ['smtp-only', 'SMTP_ONLY'],
      ['http-only', 'HTTP_ONLY'],
      ['no', 'NONE'],
    ] as const;
    const access = [
      ['yes', 'FULL'],
      ['read-only', 'READ_ONLY'],
      ['stats-only', 'STATS_ONLY'],
      ['no', 'NONE'],
    ] as const;
    for (const [wire, domain] of injection) {
      expect(fromWireInjection(wire)).toBe(domain);
      expect(toWireInjection(domain)).toBe(wire);
    }
    for (const [wire, domain] of access) {
      expect(fromWireAccess(wire)).toBe(domain);
      expect(toWireAccess(domain)).toBe(wire);
    }
  });

  it('writes a mail class reference by id (as an integer) or by name, and null to clear it', () => {
    expect(toWireMailClassRef({ id: '2' })).toEqual({ id: 2 });
    expect(toWireMailClassRef({ name: 'marketing' })).toEqual({ name: 'marketing' });
    expect(toWireMailClassRef(null)).toBeNull();
    expect(toWireMailClassRef({ id: 'two' })).toEqual({ id: 'two' });
  });

  it('writes a create input as the create body', () => {
    expect(toCreateUserRequest(createInput)).toEqual({ user: validUser });
    expect(
      toCreateUserRequest({
        ...createInput,
        permissions: { ...createInput.permissions, disabled: true, mailClass: { name: 'marketing' } },
      }),
    ).toEqual({ user: { ...validUser, is_disabled: true, force_mail_class: { name: 'marketing' } } });
  });

  it('writes only the given attributes of an update, disabled and mail class outside permissions', () => {
    expect(toUpdateUserRequest({})).toEqual({ user: {} });
    expect(toUpdateUserRequest({ permissions: { disabled: true, mailClass: null } })).toEqual({
      user: { is_disabled: true, force_mail_class: null },
    });
    expect(
      toUpdateUserRequest({
        email: 'n@x.io',
        password: 'p',
        permissions: { api: 'READ_ONLY', mailClass: { id: '1' } },
      }),
    ).toEqual({
      user: { email: 'n@x.io', password: 'p', permissions: { api: 'read-only' }, force_mail_class: { id: 1 } },
    });
  });

  it('reports create problems with domain field names', () => {
    expect(createInputProblems(createInput)).toEqual([]);
    expect(createInputProblems({ ...createInput, email: 'nope', password: '' })).toEqual([
      { field: 'email', message: 'email must be a valid email address' },
      { field: 'password', message: 'password must not be blank' },
    ]);
    expect(
      createInputProblems({ ...createInput, permissions: { ...createInput.permissions, mailClass: { id: 'x' } } }),
    ).toEqual([{ field: 'permissions.mailClass.id', message: 'permissions.mailClass.id must be a positive integer' }]);
    expect(
      createInputProblems(
        { ...createInput, permissions: { ...createInput.permissions, mailClass: { name: 'bulk' } } },
        MAIL_CLASSES,
      ),
    ).toEqual([
      { field: 'permissions.mailClass', message: `permissions.mailClass does not name an existing mail class` },
    ]);
    const untyped = { email: 'a@b.co', password: 'p' } as unknown as GreenArrowCreateInput;
    expect(createInputProblems(untyped).map((problem) => problem.message)).toEqual([
      'permissions.injection is required',
      'permissions.api is required',
      'permissions.ui is required',
    ]);
  });

  it('reports update problems, allowing an empty update', () => {
    expect(updateInputProblems({})).toEqual([]);
    expect(updateInputProblems({ email: ' ', permissions: { injection: 'EVERYTHING' as 'ALL' } })).toEqual([
      { field: 'email', message: 'email must not be blank' },
      { field: 'permissions.injection', message: 'permissions.injection must be one of yes, smtp-only, http-only, no' },
    ]);
    expect(domainFieldOf('is_disabled')).toBe('permissions.disabled');
    expect(domainFieldOf('something_else')).toBe('something_else');
  });
});

describe('GreenArrow contract validators', () => {
  it('accepts a valid user hash, with a mail class by id (a number or digits) or by name', () => {
    expect(userProblems(validUser, { creating: true })).toEqual([]);
    expect(
      userProblems(
        { ...validUser, is_disabled: true, force_mail_class: { id: '2' } },
        { creating: true, mailClasses: MAIL_CLASSES },
      ),
    ).toEqual([]);
    expect(
      userProblems(
        { ...validUser, force_mail_class: { id: 1, name: 'transactional' } },
        { creating: true, mailClasses: MAIL_CLASSES },
      ),
    ).toEqual([]);
    const result = validateRequest({ user: { ...validUser, force_mail_class: { id: '2' } } }, { creating: true });
    expect(result.ok && result.value.force_mail_class).toEqual({ id: 2 });
  });

  it('requires email, password and permissions on create, but not on update', () => {
    expect(userProblems({}, { creating: true })).toEqual([
      { field: 'email', message: 'email is required' },
      { field: 'password', message: 'password is required' },
      { field: 'permissions', message: 'permissions is required' },
    ]);
    expect(userProblems({}, { creating: false })).toEqual([]);
    expect(userProblems({ permissions: { ui: 'no' } }, { creating: false })).toEqual([]);
  });

  it('rejects wrong types and values without echoing them', () => {
    const problems = userProblems(
      {
        email: 42,
        password: ['secret'],
        permissions: { injection: 'all', api: 'yes', ui: 'write' },
        is_disabled: 'no',
        force_mail_class: 'bulk',
      },
      { creating: true },
    );
    expect(problems).toEqual([
      { field: 'email', message: 'email must be a string' },
      { field: 'password', message: 'password must be a string' },
      { field: 'permissions.injection', message: 'permissions.injection must be one of yes, smtp-only, http-only, no' },
      { field: 'permissions.ui', message: 'permissions.ui must be one of yes, read-only, stats-only, no' },
      { field: 'is_disabled', message: 'is_disabled must be true or false' },
      { field: 'force_mail_class', message: 'force_mail_class must be null or a hash with an id or a name' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('secret');
  });

  it('names the read-only id and unknown attributes, also inside permissions', () => {
    expect(userProblems({ id: 5, role: 'admin', permissions: { smtp: 'yes' } }, { creating: false })).toEqual([
      { field: 'permissions.smtp', message: 'permissions.smtp is not a known attribute' },
      { field: 'id', message: 'id is read-only' },
      { field: 'role', message: 'role is not a known attribute' },
    ]);
  });

  it('checks a mail class reference against the known mail classes when given', () => {
    expect(userProblems({ force_mail_class: {} }, { creating: false })).toEqual([
      { field: 'force_mail_class', message: 'force_mail_class must name a mail class by id or by name' },
    ]);
    expect(userProblems({ force_mail_class: { name: 'bulk' } }, { creating: false })).toEqual([]);
    expect(
      userProblems({ force_mail_class: { name: 'bulk' } }, { creating: false, mailClasses: MAIL_CLASSES }),
    ).toEqual([{ field: 'force_mail_class', message: messages.unknownMailClass }]);
    expect(resolveMailClass({ id: 2 }, MAIL_CLASSES)).toEqual({ ok: true, mailClass: { id: 2, name: 'marketing' } });
    expect(resolveMailClass({ id: 1, name: 'marketing' }, MAIL_CLASSES)).toEqual({
      ok: false,
      message: messages.mailClassMismatch,
    });
    expect(resolveMailClass({ name: 'Marketing' }, MAIL_CLASSES)).toEqual({
      ok: false,
      message: messages.unknownMailClass,
    });
  });

  it('checks the request body around the user hash', () => {
    expect(requestProblems([1], { creating: true })).toEqual([
      { field: '(body)', message: 'Request body must be a JSON object' },
    ]);
    expect(requestProblems(undefined, { creating: true })).toEqual([
      { field: '(body)', message: 'Request body must be a JSON object' },
    ]);
    expect(requestProblems({ email: 'a@b.co' }, { creating: false })).toEqual([
      { field: 'user', message: 'user is required' },
    ]);
    expect(requestProblems({ user: 'a@b.co' }, { creating: false })).toEqual([
      { field: 'user', message: 'user must be a hash' },
    ]);
    expect(requestProblems({ user: validUser, extra: true }, { creating: true })).toEqual([]);
  });

  it('checks the listing query', () => {
    expect(listQueryProblems(new URLSearchParams('page=2&name=ada'))).toEqual([]);
    expect(listQueryProblems(new URLSearchParams('page=-1'))).toEqual([
      { field: 'page', message: 'page must be a non-negative integer' },
    ]);
    expect(listQueryProblems(new URLSearchParams('page=0&page_token=abc'))).toEqual([
      { field: 'page', message: messages.pageWithToken },
    ]);
  });

  it('recognises a duplicate-email message, and nothing else, as a conflict', () => {
    expect(EMAIL_TAKEN_PATTERN.test(messages.emailTaken)).toBe(true);
    expect(EMAIL_TAKEN_PATTERN.test('A user with this email already exists')).toBe(true);
    expect(EMAIL_TAKEN_PATTERN.test('email must be a valid email address')).toBe(false);
    expect(EMAIL_TAKEN_PATTERN.test(messages.unknownMailClass)).toBe(false);
  });

  it("decodes the vendor document's listing example and lenient error envelopes", () => {
    const example = {
      success: true,
      data: {
        users: [
          {
            id: 3,
            email: 'c@example.com',
            permissions: { injection: 'yes', api: 'yes', ui: 'yes' },
            is_disabled: false,
            force_mail_class: { id: 1, name: 'my_mail_class_one' },
          },
        ],
        pagination: { page: 0, per_page: 100, num_pages: 1, num_records: 3, next_page_token: null },
      },
      error_code: null,
      error_messages: null,
    };
    expect(userListEnvelopeSchema.safeParse(example).success).toBe(true);
    expect(userListEnvelopeSchema.safeParse({ ...example, success: false }).success).toBe(false);
    expect(
      errorEnvelopeSchema.parse({
        success: false,
        data: null,
        error_code: 'not_found',
        error_messages: 'User not found',
      }),
    ).toEqual({
      success: false,
      error_code: 'not_found',
      error_messages: ['User not found'],
    });
  });
});
