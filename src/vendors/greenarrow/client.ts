import type { MailClass, Page } from '../../domain/types';
import { basicAuthorizer, basicCredentialProblems, basicCredentialValues } from '../kit/basic-auth';
import {
  VendorConflictError,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnauthorizedError,
  VendorUnavailableError,
  type VendorError,
} from '../transport/errors';
import type { VendorResponse } from '../transport/http';
import { positiveIntegerProblem } from '../kit/setting-rules';
import { VendorClient, isSuccessStatus, type VendorClientDeps } from '../kit/client';
import {
  DEFAULT_ERROR_CODES,
  EMAIL_TAKEN_PATTERN,
  ID_PATTERN,
  deleteEnvelopeSchema,
  errorEnvelopeSchema,
  listQuery,
  mailClassEnvelopeSchema,
  mailClassListEnvelopeSchema,
  paths,
  userEnvelopeSchema,
  userListEnvelopeSchema,
  type WirePagination,
} from './contract';
import { fromWireMailClass, fromWireUser, toCreateUserRequest, toUpdateUserRequest } from './mapper';
import type { GreenArrowSettings } from './settings';
import type { GreenArrowCreateInput, GreenArrowUpdateInput, GreenArrowUser } from './types';

export type GreenArrowDeps = VendorClientDeps;

/** Where a listing starts. */
export interface PageOptions {
  /** Page number, starting at 0. */
  page?: number;
  /** A `next` from an earlier page; the vendor rejects it together with `page`. */
  pageToken?: string;
}

export interface ListUsersOptions extends PageOptions {
  /** Only users whose email address contains this, case-insensitively. */
  name?: string;
}

export interface ListMailClassesOptions extends PageOptions {
  /** Only the mail class with this name, compared case-insensitively. */
  name?: string;
}

/** GreenArrow's page numbering, besides the generic page fields. */
export type GreenArrowPage<T> = Page<T> & { page: number; perPage: number; numPages: number };

/** One page of the user listing. */
export type GreenArrowUserPage = GreenArrowPage<GreenArrowUser>;

/**
 * The client of GreenArrow Engine's users API: HTTP Basic authentication, a paginated listing
 * and single-user reads and writes, and reads of the mail classes a user can be forced to, every
 * answer wrapped in `{ success, data, error_code, error_messages }`. Nothing outside this folder
 * sees the API's JSON.
 */
export class GreenArrowClient extends VendorClient {
  /** GreenArrow's fixed page size, for callers choosing between a list scan and single reads. */
  readonly pageSize: number;

  constructor(settings: GreenArrowSettings, deps: GreenArrowDeps) {
    super({
      source: 'GREENARROW',
      settings,
      deps,
      settingProblems: [...basicCredentialProblems(settings), positiveIntegerProblem('pageSize', settings.pageSize)],
      authorize: () => basicAuthorizer(settings.username, settings.password),
      credentials: basicCredentialValues(settings),
    });
    this.pageSize = settings.pageSize;
  }

  /** One page of users; `next` is the vendor's `next_page_token` (null on the last page). */
  async listUsers(options: ListUsersOptions = {}): Promise<GreenArrowUserPage> {
    const envelope = await this.call(
      { route: 'listUsers', method: 'GET', path: paths.users, query: listQueryOf(options) },
      userListEnvelopeSchema,
    );
    const { users, pagination } = envelope.data;
    return pageOf(users.map(fromWireUser), pagination);
  }

  /** Every user (matching `name`), page after page by following the vendor's page tokens. */
  async *users(options: { name?: string } = {}): AsyncIterableIterator<GreenArrowUser> {
    yield* this.walkItems('listUsers', (pageToken) =>
      this.listUsers(pageToken === null ? { name: options.name } : { pageToken, name: options.name }),
    );
  }

  /** A user by its id or its email address (any case). */
  async getUser(idOrEmail: string): Promise<GreenArrowUser> {
    const route = 'getUser';
    if (typeof idOrEmail !== 'string' || idOrEmail.trim() === '') {
      throw new VendorNotFoundError('GREENARROW', `${route}: an empty id or email names no user`);
    }
    const envelope = await this.call({ route, method: 'GET', path: paths.user(idOrEmail) }, userEnvelopeSchema);
    return fromWireUser(envelope.data.user);
  }

  /** Creates a user and returns it with the id the API gave it (never its password). */
  async createUser(input: GreenArrowCreateInput): Promise<GreenArrowUser> {
    const envelope = await this.call(
      { route: 'createUser', method: 'POST', path: paths.users, json: toCreateUserRequest(input) },
      userEnvelopeSchema,
    );
    return fromWireUser(envelope.data.user);
  }

  /** Changes only the attributes given (permissions are merged) and returns the user as it now is. */
  async updateUser(id: string, input: GreenArrowUpdateInput): Promise<GreenArrowUser> {
    const route = 'updateUser';
    this.requireId(route, id, 'user');
    const envelope = await this.call(
      { route, method: 'PUT', path: paths.user(id), json: toUpdateUserRequest(input) },
      userEnvelopeSchema,
    );
    return fromWireUser(envelope.data.user);
  }

  async deleteUser(id: string): Promise<void> {
    const route = 'deleteUser';
    this.requireId(route, id, 'user');
    await this.call({ route, method: 'DELETE', path: paths.user(id) }, deleteEnvelopeSchema);
  }

  /** One page of mail classes, in id order; `next` is the vendor's `next_page_token`. */
  async listMailClasses(options: ListMailClassesOptions = {}): Promise<GreenArrowPage<MailClass>> {
    const envelope = await this.call(
      { route: 'listMailClasses', method: 'GET', path: paths.mailClasses, query: listQueryOf(options) },
      mailClassListEnvelopeSchema,
    );
    const { mail_classes: mailClasses, pagination } = envelope.data;
    return pageOf(
      mailClasses.map((mailClass) => fromWireMailClass(mailClass)),
      pagination,
    );
  }

  /** A mail class by its id; an unknown one is VENDOR_NOT_FOUND. */
  async getMailClass(id: string): Promise<MailClass> {
    const route = 'getMailClass';
    this.requireId(route, id, 'mail class');
    const envelope = await this.call({ route, method: 'GET', path: paths.mailClass(id) }, mailClassEnvelopeSchema);
    return fromWireMailClass(envelope.data.mail_class);
  }

  /**
   * The mail class with exactly this name, or null. The vendor's filter ignores case, but a write
   * names a mail class by its exact name (see the contract), so only an exact match is answered:
   * what this finds is what a write will accept.
   */
  async findMailClassByName(name: string): Promise<MailClass | null> {
    if (typeof name !== 'string' || name.trim() === '') return null;
    const candidates = this.walkItems('listMailClasses', (pageToken) =>
      this.listMailClasses(pageToken === null ? { name } : { pageToken, name }),
    );
    for await (const mailClass of candidates) {
      if (mailClass.name === name) return mailClass;
    }
    return null;
  }

  /**
   * The HTTP status decides first, so the client does not depend on the exact `error_code`s; the
   * code decides for a 2xx that says `success: false`.
   */
  protected errorFromResponse(route: string, response: VendorResponse): VendorError | undefined {
    const envelope = this.http.tryDecode(response, errorEnvelopeSchema);
    const { status } = response;
    if (envelope === undefined && isSuccessStatus(status)) return undefined;
    const code = envelope?.error_code ?? undefined;
    const texts = envelope?.error_messages ?? [];
    const facts = { vendorMessage: texts.length > 0 ? texts.join('; ') : undefined, vendorCode: code };
    if (status === 401 || status === 403 || code === DEFAULT_ERROR_CODES.unauthorized)
      return this.failure(VendorUnauthorizedError, route, response, facts);
    if (status === 404 || code === DEFAULT_ERROR_CODES.notFound)
      return this.failure(VendorNotFoundError, route, response, facts);
    if (texts.some((text) => EMAIL_TAKEN_PATTERN.test(text)))
      return this.failure(VendorConflictError, route, response, facts);
    if (status < 300 && (code === DEFAULT_ERROR_CODES.serverError || code === DEFAULT_ERROR_CODES.tooManyRequests)) {
      return this.failure(VendorUnavailableError, route, response, facts);
    }
    if (envelope !== undefined) return this.failure(VendorRejectedError, route, response, facts);
    return this.errorForStatus(route, response, facts);
  }

  /**
   * PUT, DELETE and a mail class read name a record by its integer id. Anything else names no
   * record, and sending it could reach another route, so it is answered here as not found.
   */
  private requireId(route: string, id: string, what: 'user' | 'mail class'): void {
    if (typeof id === 'string' && ID_PATTERN.test(id)) return;
    throw new VendorNotFoundError(
      'GREENARROW',
      `${route}: ${JSON.stringify(String(id))} is not a ${what} id of this API`,
    );
  }
}

function listQueryOf(options: ListUsersOptions | ListMailClassesOptions): Record<string, string | number | undefined> {
  return { [listQuery.page]: options.page, [listQuery.pageToken]: options.pageToken, [listQuery.name]: options.name };
}

function pageOf<T>(items: T[], pagination: WirePagination): GreenArrowPage<T> {
  return {
    items,
    total: pagination.num_records,
    next: pagination.next_page_token,
    page: pagination.page,
    perPage: pagination.per_page,
    numPages: pagination.num_pages,
  };
}
