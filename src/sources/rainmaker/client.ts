import type { Dispatcher } from 'undici';
import type { RainMakerSettings } from '../../config';
import type { RainMakerCreateInput, VendorAck } from '../../domain/types';
import type { Logger } from '../../logger';
import {
  VendorBadResponseError,
  VendorConflictError,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnauthorizedError,
  type VendorError,
} from '../errors';
import { VendorHttp, type HttpMethod, type VendorResponse } from '../http';
import { API_VERSION_PATTERN, LOCALE_QUERY, ackResponseSchema, isUserExistsDescription, paths } from './contract';
import {
  fromAckResponse,
  toCreateUserRequest,
  toDeleteUserRequest,
  toExternalId,
  toLocaleQuery,
  toUpdatePasswordRequest,
  toVendorMessage,
} from './mapper';
import { SigV4Signer } from './sigv4';

export interface RainMakerDeps {
  logger: Logger;
  /** Injected transport (tests, a shared agent); defaults to a keep-alive pool of its own. */
  dispatcher?: Dispatcher;
  /** The clock requests are signed with; SigV4 signatures expire 15 minutes either side of it. */
  now?: () => Date;
}

/**
 * The datasource of ESP RainMaker's cloud-to-cloud admin user management: create a user, change
 * its password, delete it, every request signed with AWS Signature Version 4. RainMaker offers no
 * read, so there is nothing to load. Nothing outside this folder sees the API's JSON.
 */
export class RainMakerSource {
  readonly http: VendorHttp;
  private readonly usersPath: string;

  constructor(settings: RainMakerSettings, deps: RainMakerDeps) {
    for (const name of ['accessKeyId', 'secretAccessKey', 'region', 'service'] as const) {
      if (typeof settings[name] !== 'string' || settings[name] === '') {
        throw new TypeError(`RainMakerSource: ${name} must be a non-empty string`);
      }
    }
    if (settings.sessionToken !== undefined && (typeof settings.sessionToken !== 'string' || settings.sessionToken === '')) {
      throw new TypeError('RainMakerSource: sessionToken must be a non-empty string when given');
    }
    if (!API_VERSION_PATTERN.test(settings.apiVersion)) {
      throw new TypeError(`RainMakerSource: apiVersion must be one path segment such as "v1", got "${settings.apiVersion}"`);
    }
    this.usersPath = paths.users(settings.apiVersion);
    const signer = new SigV4Signer(
      { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, sessionToken: settings.sessionToken },
      { region: settings.region, service: settings.service },
    );
    const now = deps.now ?? (() => new Date());
    this.http = new VendorHttp({
      source: 'RAINMAKER',
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      connections: settings.connections,
      authorize: (request) => signer.signOutgoing(request, now()),
      logger: deps.logger,
      dispatcher: deps.dispatcher,
    });
  }

  /** Creates a user in the email-mobile pool; the locale is sent lower-cased, or omitted when empty. */
  async createUser(input: RainMakerCreateInput): Promise<VendorAck> {
    return this.write('createUser', 'POST', toCreateUserRequest(input), input.userName, { [LOCALE_QUERY]: toLocaleQuery(input.locale) });
  }

  async updatePassword(userName: string, password: string): Promise<VendorAck> {
    return this.write('updatePassword', 'PUT', toUpdatePasswordRequest(userName, password), userName);
  }

  async deleteUser(userName: string): Promise<VendorAck> {
    return this.write('deleteUser', 'DELETE', toDeleteUserRequest(userName), userName);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async write(
    route: string,
    method: HttpMethod,
    json: unknown,
    userName: string,
    query?: Record<string, string | undefined>,
  ): Promise<VendorAck> {
    const response = await this.http.send({ route, method, path: this.usersPath, query, json });
    if (response.status < 200 || response.status >= 300) throw this.fail(this.failure(route, response, userName));
    const body = this.http.decode(response, ackResponseSchema, route);
    if (body.status === 'failure') {
      const vendorMessage = toVendorMessage(body.description, false);
      throw this.fail(
        new VendorRejectedError('RAINMAKER', `${route} answered HTTP ${response.status} with status "failure": ${vendorMessage}`, {
          status: response.status,
          vendorMessage,
        }),
      );
    }
    return fromAckResponse(body);
  }

  private fail(error: VendorError): VendorError {
    this.http.recordFailure(error);
    return error;
  }

  /** The VendorError a non-2xx status means; a duplicate is a 400 whose description says so. */
  private failure(route: string, response: VendorResponse, userName: string): VendorError {
    const authorization = response.status === 401 || response.status === 403;
    const body = this.http.tryDecode(response, ackResponseSchema);
    const vendorMessage = body === undefined ? undefined : toVendorMessage(body.description, authorization);
    const details = { status: response.status, vendorMessage };
    const message = `${route} answered HTTP ${response.status}${vendorMessage ? `: ${vendorMessage}` : ''}`;
    if (authorization) return new VendorUnauthorizedError('RAINMAKER', message, details);
    if (response.status === 404) return new VendorNotFoundError('RAINMAKER', message, details);
    if (response.status === 409 || (response.status === 400 && vendorMessage !== undefined && isUserExistsDescription(vendorMessage))) {
      return new VendorConflictError('RAINMAKER', message, { ...details, existingId: toExternalId(userName) });
    }
    if (response.status >= 400) return new VendorRejectedError('RAINMAKER', message, details);
    return new VendorBadResponseError('RAINMAKER', `${route} answered unexpected HTTP ${response.status}`, details);
  }
}
