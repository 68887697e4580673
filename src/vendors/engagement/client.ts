import type { Page, VendorAck } from '../../domain/types';
import { basicAuthorizer, basicCredentialProblems, basicCredentialValues } from '../kit/basic-auth';
import { VendorConflictError, VendorNotFoundError, VendorRejectedError, type VendorError } from '../transport/errors';
import type { VendorRequest, VendorResponse } from '../transport/http';
import { positiveIntegerProblem } from '../kit/setting-rules';
import { VendorClient, isSuccessStatus, type VendorClientDeps } from '../kit/client';
import {
  ALREADY_EXISTS_PATTERN,
  ID_PATTERN,
  LIST_QUERY,
  REQUEST_CONTENT_TYPE,
  ackSchema,
  audienceListSchema,
  errorBodySchema,
  paths,
} from './contract';
import { existingIdFrom, fromWireMember, toCreateRequest } from './mapper';
import type { EngagementSettings } from './settings';
import type { EngagementCreateInput, EngagementMember } from './types';

export type EngagementDeps = VendorClientDeps;

export interface ListMembersOptions {
  /** 0-based record offset (default 0). */
  start?: number;
  /** Records per page (default `settings.pageSize`); the vendor may answer fewer. */
  pageSize?: number;
}

/** What to make of a 400, which this vendor answers for every kind of refusal. */
type BadRequestMeaning = 'rejected' | 'conflictOrRejected' | 'notFound';

/**
 * The client of Engagement Services' audience: HTTP Basic authentication, create, paged
 * listing and delete. Nothing outside this folder sees the vendor's JSON.
 */
export class EngagementClient extends VendorClient<BadRequestMeaning> {
  /** Records per page when walking the listing. */
  readonly pageSize: number;

  constructor(settings: EngagementSettings, deps: EngagementDeps) {
    super({
      source: 'ENGAGEMENT',
      settings,
      deps,
      settingProblems: [...basicCredentialProblems(settings), positiveIntegerProblem('pageSize', settings.pageSize)],
      authorize: () => basicAuthorizer(settings.username, settings.password),
      credentials: basicCredentialValues(settings),
    });
    this.pageSize = settings.pageSize;
  }

  /**
   * Adds an audience member (`POST /api/v1/audience`) and returns the id the vendor gave it. A member
   * that already holds the email address or mobile number is VENDOR_CONFLICT with its `existingId`.
   */
  async createMember(input: EngagementCreateInput): Promise<{ externalId: string; message: string }> {
    const route = 'createMember';
    const ack = await this.call(
      { route, method: 'POST', path: paths.audience, json: toCreateRequest(input) },
      ackSchema,
      'conflictOrRejected',
    );
    return { externalId: String(ack.id), message: ack.message };
  }

  /** One page of the audience; `next` is the offset of the following page, null after the last. */
  async listMembers(options: ListMembersOptions = {}): Promise<Page<EngagementMember>> {
    const route = 'listMembers';
    const start = options.start ?? 0;
    const pageSize = options.pageSize ?? this.pageSize;
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new TypeError(`EngagementClient.listMembers: start must be a non-negative integer, got ${start}`);
    }
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new TypeError(`EngagementClient.listMembers: pageSize must be a positive integer, got ${pageSize}`);
    }
    const list = await this.call(
      {
        route,
        method: 'GET',
        path: paths.audience,
        query: { [LIST_QUERY.start]: start, [LIST_QUERY.pageSize]: pageSize },
      },
      audienceListSchema,
      'rejected',
    );
    // The vendor may clamp the page size, so the next offset follows what came back, not what was asked.
    const end = start + list.audience.length;
    return {
      items: list.audience.map(fromWireMember),
      total: list.total,
      next: list.audience.length > 0 && end < list.total ? String(end) : null,
    };
  }

  /**
   * Every member, page after page of `settings.pageSize`, fetched as the iteration goes; an offset
   * that does not advance is VENDOR_BAD_RESPONSE rather than a walk without end.
   */
  async *members(): AsyncIterableIterator<EngagementMember> {
    yield* this.walkItems('listMembers', (start) =>
      this.listMembers({ start: start === null ? 0 : Number(start), pageSize: this.pageSize }),
    );
  }

  /** Deletes a member (`POST /api/v1/audience/{id}/delete`); an unknown id is VENDOR_NOT_FOUND. */
  async deleteMember(id: string): Promise<VendorAck> {
    const route = 'deleteMember';
    // A non-numeric id names no member; refusing it here also keeps it from reshaping the path.
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new VendorNotFoundError(
        'ENGAGEMENT',
        `${route}: ${JSON.stringify(String(id))} is not a member id of this vendor`,
      );
    }
    const ack = await this.call({ route, method: 'POST', path: paths.deleteMember(id) }, ackSchema, 'notFound');
    return { message: ack.message };
  }

  /** The vendor document says requests carry this content type, so every request does, body or not. */
  protected override willSendRequest(request: VendorRequest): VendorRequest {
    const headers =
      request.json === undefined ? { ...request.headers, 'content-type': REQUEST_CONTENT_TYPE } : request.headers;
    return { ...request, headers, contentType: REQUEST_CONTENT_TYPE };
  }

  /** This vendor answers 400 for every kind of refusal; what it means depends on the endpoint. */
  protected errorFromResponse(
    route: string,
    response: VendorResponse,
    badRequest: BadRequestMeaning,
  ): VendorError | undefined {
    const { status } = response;
    if (isSuccessStatus(status)) return undefined;
    const body = this.http.tryDecode(response, errorBodySchema);
    const facts = { vendorMessage: body?.message };
    if (status === 400 || status === 404) {
      if (badRequest === 'notFound') return this.failure(VendorNotFoundError, route, response, facts);
      if (
        status === 400 &&
        badRequest === 'conflictOrRejected' &&
        body !== undefined &&
        ALREADY_EXISTS_PATTERN.test(body.message)
      ) {
        return this.failure(VendorConflictError, route, response, { ...facts, existingId: existingIdFrom(body) });
      }
      // A 404 of the audience path itself says the route is wrong, not that a member is missing.
      return this.failure(VendorRejectedError, route, response, facts);
    }
    return this.errorForStatus(route, response, facts);
  }
}
