import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type { GreenArrowSettings } from '../../config';
import type { GreenArrowCreateInput, GreenArrowUpdateInput, GreenArrowUser, Page } from '../../domain/types';
import type { Logger } from '../../logger';
import {
  VendorBadResponseError,
  VendorConflictError,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnauthorizedError,
  VendorUnavailableError,
  type VendorError,
} from '../errors';
import { VendorHttp, type VendorRequest, type VendorResponse } from '../http';
import {
  DEFAULT_ERROR_CODES,
  EMAIL_TAKEN_PATTERN,
  ID_PATTERN,
  deleteEnvelopeSchema,
  errorEnvelopeSchema,
  listQuery,
  paths,
  userEnvelopeSchema,
  userListEnvelopeSchema,
  type ErrorEnvelope,
} from './contract';
import { fromWireUser, toCreateUserRequest, toUpdateUserRequest } from './mapper';

export interface GreenArrowDeps {
  logger: Logger;
  /** Injected transport (tests, a shared agent); defaults to a keep-alive pool of its own. */
  dispatcher?: Dispatcher;
}

export interface ListUsersOptions {
  /** Page number, starting at 0. */
  page?: number;
  /** A `next` from an earlier page; the vendor rejects it together with `page`. */
  pageToken?: string;
  /** Only users whose email address contains this, case-insensitively. */
  name?: string;
}

/** One page of the listing, with GreenArrow's page numbering besides the generic fields. */
export type GreenArrowUserPage = Page<GreenArrowUser> & { page: number; perPage: number; numPages: number };

/**
 * The datasource of GreenArrow Engine's users API: HTTP Basic authentication, a paginated listing
 * and single-user reads and writes, every answer wrapped in `{ success, data, error_code,
 * error_messages }`. Nothing outside this folder sees the API's JSON.
 */
export class GreenArrowSource {
  readonly http: VendorHttp;
  /** GreenArrow's fixed page size, for callers choosing between a list scan and single reads. */
  readonly pageSize: number;

  constructor(settings: GreenArrowSettings, deps: GreenArrowDeps) {
    if (typeof settings.username !== 'string' || settings.username === '' || settings.username.includes(':')) {
      throw new TypeError('GreenArrowSource: username must be a non-empty string without ":"');
    }
    if (typeof settings.password !== 'string' || settings.password === '') {
      throw new TypeError('GreenArrowSource: password must be a non-empty string');
    }
    if (!Number.isInteger(settings.pageSize) || settings.pageSize <= 0) {
      throw new TypeError(`GreenArrowSource: pageSize must be a positive integer, got ${settings.pageSize}`);
    }
    this.pageSize = settings.pageSize;
    const authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`, 'utf8').toString('base64')}`;
    this.http = new VendorHttp({
      source: 'GREENARROW',
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      connections: settings.connections,
      authorize: (request) => ({ ...request, headers: { ...request.headers, authorization } }),
      logger: deps.logger,
      dispatcher: deps.dispatcher,
    });
  }

  /** One page of users; `next` is the vendor's `next_page_token` (null on the last page). */
  async listUsers(options: ListUsersOptions = {}): Promise<GreenArrowUserPage> {
    const route = 'listUsers';
    const envelope = await this.call(
      {
        route,
        method: 'GET',
        path: paths.users,
        query: { [listQuery.page]: options.page, [listQuery.pageToken]: options.pageToken, [listQuery.name]: options.name },
      },
      userListEnvelopeSchema,
    );
    const { users, pagination } = envelope.data;
    return {
      items: users.map(fromWireUser),
      total: pagination.num_records,
      next: pagination.next_page_token,
      page: pagination.page,
      perPage: pagination.per_page,
      numPages: pagination.num_pages,
    };
  }

  /** Every user (matching `name`), page after page by following the vendor's page tokens. */
  async *users(options: { name?: string } = {}): AsyncIterableIterator<GreenArrowUser> {
    const used = new Set<string>();
    let page = await this.listUsers({ name: options.name });
    for (;;) {
      yield* page.items;
      if (page.next === null) return;
      // A vendor answering a token it already answered would keep this loop going forever.
      if (used.has(page.next)) {
        const error = new VendorBadResponseError('GREENARROW', 'listUsers answered a next_page_token it had answered before');
        this.http.recordFailure(error);
        throw error;
      }
      used.add(page.next);
      page = await this.listUsers({ pageToken: page.next, name: options.name });
    }
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
    this.requireId(route, id);
    const envelope = await this.call({ route, method: 'PUT', path: paths.user(id), json: toUpdateUserRequest(input) }, userEnvelopeSchema);
    return fromWireUser(envelope.data.user);
  }

  async deleteUser(id: string): Promise<void> {
    const route = 'deleteUser';
    this.requireId(route, id);
    await this.call({ route, method: 'DELETE', path: paths.user(id) }, deleteEnvelopeSchema);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Sends a request and reads its success envelope; a failure envelope or status becomes a VendorError. */
  private async call<T>(request: VendorRequest, schema: ZodType<T>): Promise<T> {
    const response = await this.http.send(request);
    const failure = this.http.tryDecode(response, errorEnvelopeSchema);
    if (failure !== undefined || response.status < 200 || response.status >= 300) {
      const error = this.failure(request.route, response, failure);
      this.http.recordFailure(error);
      throw error;
    }
    return this.http.decode(response, schema, request.route);
  }

  /**
   * PUT and DELETE name a user by its integer id. Anything else names no user, and sending it
   * could reach another route, so it is answered here as not found.
   */
  private requireId(route: string, id: string): void {
    if (typeof id === 'string' && ID_PATTERN.test(id)) return;
    throw new VendorNotFoundError('GREENARROW', `${route}: ${JSON.stringify(String(id))} is not a user id of this API`);
  }

  /**
   * The HTTP status decides first, so the client does not depend on the exact `error_code`s; the
   * code decides for a 2xx that says `success: false`.
   */
  private failure(route: string, response: VendorResponse, envelope: ErrorEnvelope | undefined): VendorError {
    const code = envelope?.error_code ?? undefined;
    const texts = envelope?.error_messages ?? [];
    const vendorMessage = texts.length > 0 ? texts.join('; ') : undefined;
    const details = { status: response.status, vendorMessage, vendorCode: code };
    const message = `${route} answered HTTP ${response.status}${code === undefined ? '' : ` (${code})`}${vendorMessage === undefined ? '' : `: ${vendorMessage}`}`;
    const { status } = response;
    if (status === 401 || status === 403 || code === DEFAULT_ERROR_CODES.unauthorized) return new VendorUnauthorizedError('GREENARROW', message, details);
    if (status === 404 || code === DEFAULT_ERROR_CODES.notFound) return new VendorNotFoundError('GREENARROW', message, details);
    if (texts.some((text) => EMAIL_TAKEN_PATTERN.test(text))) return new VendorConflictError('GREENARROW', message, details);
    if (status < 300 && (code === DEFAULT_ERROR_CODES.serverError || code === DEFAULT_ERROR_CODES.tooManyRequests)) {
      return new VendorUnavailableError('GREENARROW', message, details);
    }
    if (status >= 400 || envelope !== undefined) return new VendorRejectedError('GREENARROW', message, details);
    return new VendorBadResponseError('GREENARROW', `${route} answered unexpected HTTP ${response.status}`, details);
  }
}
