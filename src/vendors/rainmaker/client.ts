import type { VendorAck } from '../../domain/types';
import { VendorConflictError, VendorRejectedError, type VendorError } from '../transport/errors';
import type { HttpMethod, VendorResponse } from '../transport/http';
import { nonEmptyTextProblem } from '../kit/setting-rules';
import { VendorClient, isSuccessStatus, type VendorClientDeps } from '../kit/client';
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
import type { RainMakerSettings } from './settings';
import type { RainMakerCreateInput } from './types';

export interface RainMakerDeps extends VendorClientDeps {
  /** The clock requests are signed with; SigV4 signatures expire 15 minutes either side of it. */
  now?: () => Date;
}

/**
 * The client of ESP RainMaker's cloud-to-cloud admin user management: create a user, change
 * its password, delete it, every request signed with AWS Signature Version 4. RainMaker offers no
 * read, so there is nothing to load. Nothing outside this folder sees the API's JSON.
 */
export class RainMakerClient extends VendorClient<string> {
  private readonly usersPath: string;

  constructor(settings: RainMakerSettings, deps: RainMakerDeps) {
    super({
      source: 'RAINMAKER',
      settings,
      deps,
      settingProblems: [
        ...(['accessKeyId', 'secretAccessKey', 'region', 'service'] as const).map((name) =>
          nonEmptyTextProblem(name, settings[name]),
        ),
        settings.sessionToken === undefined ? null : nonEmptyTextProblem('sessionToken', settings.sessionToken),
        API_VERSION_PATTERN.test(settings.apiVersion)
          ? null
          : `apiVersion must be one path segment such as "v1", got "${settings.apiVersion}"`,
      ],
      authorize: () => {
        const signer = new SigV4Signer(
          {
            accessKeyId: settings.accessKeyId,
            secretAccessKey: settings.secretAccessKey,
            sessionToken: settings.sessionToken,
          },
          { region: settings.region, service: settings.service },
        );
        const now = deps.now ?? (() => new Date());
        return (request) => signer.signOutgoing(request, now());
      },
      credentials: [settings.secretAccessKey, settings.sessionToken],
    });
    this.usersPath = paths.users(settings.apiVersion);
  }

  /** Creates a user in the email-mobile pool; the locale is sent lower-cased, or omitted when empty. */
  async createUser(input: RainMakerCreateInput): Promise<VendorAck> {
    return this.write('createUser', 'POST', toCreateUserRequest(input), input.userName, {
      [LOCALE_QUERY]: toLocaleQuery(input.locale),
    });
  }

  async updatePassword(userName: string, password: string): Promise<VendorAck> {
    return this.write('updatePassword', 'PUT', toUpdatePasswordRequest(userName, password), userName);
  }

  async deleteUser(userName: string): Promise<VendorAck> {
    return this.write('deleteUser', 'DELETE', toDeleteUserRequest(userName), userName);
  }

  private async write(
    route: string,
    method: HttpMethod,
    json: unknown,
    userName: string,
    query?: Record<string, string | undefined>,
  ): Promise<VendorAck> {
    const body = await this.call({ route, method, path: this.usersPath, query, json }, ackResponseSchema, userName);
    return fromAckResponse(body);
  }

  /**
   * Every answer is the `{ status, description }` envelope, so a 2xx can still say `failure`. A
   * duplicate is a 400 whose description says so; the user name it names is the conflict's id.
   */
  protected errorFromResponse(route: string, response: VendorResponse, userName: string): VendorError | undefined {
    const { status } = response;
    const body = this.http.tryDecode(response, ackResponseSchema);
    if (isSuccessStatus(status)) {
      if (body?.status !== 'failure') return undefined;
      const vendorMessage = toVendorMessage(body.description, false);
      return new VendorRejectedError('RAINMAKER', `${route} answered HTTP ${status} with status "failure"`, {
        status,
        vendorMessage,
      });
    }
    // A signature failure echoes the canonical request, session token included; toVendorMessage cuts it.
    const vendorMessage =
      body === undefined ? undefined : toVendorMessage(body.description, status === 401 || status === 403);
    if (status === 409 || (status === 400 && vendorMessage !== undefined && isUserExistsDescription(vendorMessage))) {
      return this.failure(VendorConflictError, route, response, { vendorMessage, existingId: toExternalId(userName) });
    }
    return this.errorForStatus(route, response, { vendorMessage });
  }
}
