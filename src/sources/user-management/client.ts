import type { Dispatcher } from 'undici';
import type { UserManagementSettings } from '../../config';
import type { ManagedUser, ManagedUserCreateInput, ManagedUserUpdateInput } from '../../domain/types';
import type { Logger } from '../../logger';
import {
  VendorBadResponseError,
  VendorConflictError,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnauthorizedError,
  type VendorError,
} from '../errors';
import { VendorHttp, type VendorRequest, type VendorResponse } from '../http';
import {
  ID_PATTERN,
  REQUEST_CONTENT_TYPE,
  errorBodySchema,
  paths,
  userListSchema,
  userSchema,
} from './contract';
import { fromWireUser, toAddUserRequest, toModifyUserRequest } from './mapper';

export interface UserManagementDeps {
  logger: Logger;
  /** Injected transport (tests, a shared agent); defaults to a keep-alive pool of its own. */
  dispatcher?: Dispatcher;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The datasource of the in-house user-management API: API key authentication, users by account,
 * and single-user reads and writes. Nothing outside this folder sees the API's JSON.
 */
export class UserManagementSource {
  readonly http: VendorHttp;
  private readonly accountPathPrefix: string;

  constructor(settings: UserManagementSettings, deps: UserManagementDeps) {
    if (typeof settings.apiKey !== 'string' || settings.apiKey === '') {
      throw new TypeError('UserManagementSource: apiKey must be a non-empty string');
    }
    if (!HEADER_NAME.test(settings.apiKeyHeader)) {
      throw new TypeError(`UserManagementSource: apiKeyHeader must be an HTTP header name, got "${settings.apiKeyHeader}"`);
    }
    if (settings.accountPathPrefix !== '' && !/^\/.*[^/]$/.test(settings.accountPathPrefix)) {
      throw new TypeError(
        `UserManagementSource: accountPathPrefix must be "" or a path starting with "/" and not ending with one, got "${settings.accountPathPrefix}"`,
      );
    }
    this.accountPathPrefix = settings.accountPathPrefix;
    const { apiKeyHeader, apiKey } = settings;
    this.http = new VendorHttp({
      source: 'USER_MANAGEMENT',
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      connections: settings.connections,
      authorize: (request) => ({ ...request, headers: { ...request.headers, [apiKeyHeader]: apiKey } }),
      logger: deps.logger,
      dispatcher: deps.dispatcher,
    });
  }

  /** Every user whose default account is this one (the API does not paginate). */
  async usersByAccount(accountId: string): Promise<ManagedUser[]> {
    const route = 'usersByAccount';
    this.requireId(route, accountId, 'account');
    const response = await this.http.send({ route, method: 'GET', path: paths.usersByAccount(this.accountPathPrefix, accountId) });
    return this.http.decode(this.ok(route, response), userListSchema, route).map(fromWireUser);
  }

  async getUser(id: string): Promise<ManagedUser> {
    const route = 'getUser';
    this.requireId(route, id, 'user');
    const response = await this.http.send({ route, method: 'GET', path: paths.user(id) });
    return fromWireUser(this.http.decode(this.ok(route, response), userSchema, route));
  }

  /** Adds a user (`POST /usr/new`) and returns it with the id the API gave it. */
  async addUser(input: ManagedUserCreateInput): Promise<ManagedUser> {
    return this.write({ route: 'addUser', method: 'POST', path: paths.newUser, json: toAddUserRequest(input) });
  }

  /** Changes only the fields given (`POST /usr/{id}`) and returns the user as it now is. */
  async modifyUser(id: string, input: ManagedUserUpdateInput): Promise<ManagedUser> {
    const route = 'modifyUser';
    this.requireId(route, id, 'user');
    return this.write({ route, method: 'POST', path: paths.user(id), json: toModifyUserRequest(input) });
  }

  async deleteUser(id: string): Promise<void> {
    const route = 'deleteUser';
    this.requireId(route, id, 'user');
    const response = this.ok(route, await this.http.send({ route, method: 'DELETE', path: paths.user(id) }));
    // The simulator answers the deleted user; a bare 204 is accepted in case the real API differs.
    if (response.status !== 204 && response.text.trim() !== '') this.http.decode(response, userSchema, route);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async write(request: VendorRequest & { json: unknown }): Promise<ManagedUser> {
    const response = await this.http.send({ ...request, contentType: REQUEST_CONTENT_TYPE });
    return fromWireUser(this.http.decode(this.ok(request.route, response), userSchema, request.route));
  }

  /**
   * Ids at this API are integers. Anything else names no record, and sending it could even change
   * the meaning of the call (`POST /usr/new` adds a user), so it is answered here as not found.
   */
  private requireId(route: string, id: string, what: 'user' | 'account'): void {
    if (typeof id === 'string' && ID_PATTERN.test(id)) return;
    throw new VendorNotFoundError('USER_MANAGEMENT', `${route}: ${JSON.stringify(String(id))} is not a ${what} id of this API`);
  }

  /** Passes a 2xx response through; turns anything else into the VendorError its status means. */
  private ok(route: string, response: VendorResponse): VendorResponse {
    if (response.status >= 200 && response.status < 300) return response;
    const error = this.failure(route, response);
    this.http.recordFailure(error);
    throw error;
  }

  private failure(route: string, response: VendorResponse): VendorError {
    const body = this.http.tryDecode(response, errorBodySchema);
    const vendorMessage = body === undefined ? undefined : 'error' in body ? body.error : body.message;
    const details = { status: response.status, vendorMessage };
    const message = `${route} answered HTTP ${response.status}${vendorMessage === undefined ? '' : `: ${vendorMessage}`}`;
    switch (response.status) {
      case 401:
      case 403:
        return new VendorUnauthorizedError('USER_MANAGEMENT', message, details);
      case 404:
        return new VendorNotFoundError('USER_MANAGEMENT', message, details);
      case 409:
        return new VendorConflictError('USER_MANAGEMENT', message, {
          ...details,
          existingId: body?.id === undefined ? undefined : String(body.id),
        });
      default:
        if (response.status >= 400) return new VendorRejectedError('USER_MANAGEMENT', message, details);
        return new VendorBadResponseError('USER_MANAGEMENT', `${route} answered unexpected HTTP ${response.status}`, details);
    }
  }
}
