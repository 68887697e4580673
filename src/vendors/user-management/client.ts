import { VendorNotFoundError, type VendorError } from '../transport/errors';
import type { VendorRequest, VendorResponse } from '../transport/http';
import { nonEmptyTextProblem } from '../kit/setting-rules';
import { VendorClient, isSuccessStatus, type VendorClientDeps } from '../kit/client';
import { ID_PATTERN, REQUEST_CONTENT_TYPE, errorBodySchema, paths, userListSchema, userSchema } from './contract';
import { fromWireUser, toAddUserRequest, toModifyUserRequest } from './mapper';
import type { UserManagementSettings } from './settings';
import type { ManagedUser, ManagedUserCreateInput, ManagedUserUpdateInput } from './types';

export type UserManagementDeps = VendorClientDeps;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The client of the in-house user-management API: API key authentication, users by account,
 * and single-user reads and writes. Nothing outside this folder sees the API's JSON.
 */
export class UserManagementClient extends VendorClient {
  private readonly accountPathPrefix: string;

  constructor(settings: UserManagementSettings, deps: UserManagementDeps) {
    const { apiKeyHeader, apiKey, accountPathPrefix } = settings;
    super({
      source: 'USER_MANAGEMENT',
      settings,
      deps,
      settingProblems: [
        nonEmptyTextProblem('apiKey', apiKey),
        HEADER_NAME.test(apiKeyHeader) ? null : `apiKeyHeader must be an HTTP header name, got "${apiKeyHeader}"`,
        accountPathPrefix === '' || /^\/.*[^/]$/.test(accountPathPrefix)
          ? null
          : `accountPathPrefix must be "" or a path starting with "/" and not ending with one, got "${accountPathPrefix}"`,
      ],
      authorize: () => (request) => ({ ...request, headers: { ...request.headers, [apiKeyHeader]: apiKey } }),
      credentials: [apiKey],
    });
    this.accountPathPrefix = accountPathPrefix;
  }

  /** Every user whose default account is this one (the API does not paginate). */
  async usersByAccount(accountId: string): Promise<ManagedUser[]> {
    const route = 'usersByAccount';
    this.requireId(route, accountId, 'account');
    const users = await this.call(
      { route, method: 'GET', path: paths.usersByAccount(this.accountPathPrefix, accountId) },
      userListSchema,
    );
    return users.map(fromWireUser);
  }

  async getUser(id: string): Promise<ManagedUser> {
    const route = 'getUser';
    this.requireId(route, id, 'user');
    return fromWireUser(await this.call({ route, method: 'GET', path: paths.user(id) }, userSchema));
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
    const response = await this.send({ route, method: 'DELETE', path: paths.user(id) });
    // The simulator answers the deleted user; a bare 204 is accepted in case the real API differs.
    if (response.status !== 204 && response.text.trim() !== '') this.http.decode(response, userSchema, route);
  }

  private async write(request: VendorRequest & { json: unknown }): Promise<ManagedUser> {
    return fromWireUser(await this.call({ ...request, contentType: REQUEST_CONTENT_TYPE }, userSchema));
  }

  /**
   * Ids at this API are integers. Anything else names no record, and sending it could even change
   * the meaning of the call (`POST /usr/new` adds a user), so it is answered here as not found.
   */
  private requireId(route: string, id: string, what: 'user' | 'account'): void {
    if (typeof id === 'string' && ID_PATTERN.test(id)) return;
    throw new VendorNotFoundError(
      'USER_MANAGEMENT',
      `${route}: ${JSON.stringify(String(id))} is not a ${what} id of this API`,
    );
  }

  /** Every failure answers `{ error }` (or `{ message }`), with the existing user's id on a 409. */
  protected errorFromResponse(route: string, response: VendorResponse): VendorError | undefined {
    if (isSuccessStatus(response.status)) return undefined;
    const body = this.http.tryDecode(response, errorBodySchema);
    const vendorMessage = body === undefined ? undefined : 'error' in body ? body.error : body.message;
    return this.errorForStatus(route, response, {
      vendorMessage,
      existingId: body?.id === undefined ? undefined : String(body.id),
    });
  }
}
