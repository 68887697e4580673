import type { Dispatcher } from 'undici';
import type { EngagementSettings } from '../../config';
import type { EngagementCreateInput, EngagementMember, Page, VendorAck } from '../../domain/types';
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
  ALREADY_EXISTS_PATTERN,
  ID_PATTERN,
  LIST_QUERY,
  REQUEST_CONTENT_TYPE,
  ackSchema,
  audienceListSchema,
  basicAuthorization,
  errorBodySchema,
  paths,
} from './contract';
import { existingIdFrom, fromWireMember, toCreateRequest } from './mapper';

export interface EngagementDeps {
  logger: Logger;
  /** Injected transport (tests, a shared agent); defaults to a keep-alive pool of its own. */
  dispatcher?: Dispatcher;
}

export interface ListMembersOptions {
  /** 0-based record offset (default 0). */
  start?: number;
  /** Records per page (default `settings.pageSize`); the vendor may answer fewer. */
  pageSize?: number;
}

/** What to make of a 400, which this vendor answers for every kind of refusal. */
type BadRequestMeaning = 'rejected' | 'conflictOrRejected' | 'notFound';

/**
 * The datasource of Engagement Services' audience: HTTP Basic authentication, create, paged
 * listing and delete. Nothing outside this folder sees the vendor's JSON.
 */
export class EngagementSource {
  readonly http: VendorHttp;
  /** Records per page when walking the listing. */
  readonly pageSize: number;

  constructor(settings: EngagementSettings, deps: EngagementDeps) {
    if (typeof settings.username !== 'string' || settings.username === '' || settings.username.includes(':')) {
      throw new TypeError('EngagementSource: username must be a non-empty string without ":" (HTTP Basic cannot carry one)');
    }
    if (typeof settings.password !== 'string' || settings.password === '') {
      throw new TypeError('EngagementSource: password must be a non-empty string');
    }
    if (!Number.isInteger(settings.pageSize) || settings.pageSize < 1) {
      throw new TypeError(`EngagementSource: pageSize must be a positive integer, got ${settings.pageSize}`);
    }
    this.pageSize = settings.pageSize;
    const authorization = basicAuthorization(settings.username, settings.password);
    this.http = new VendorHttp({
      source: 'ENGAGEMENT',
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      connections: settings.connections,
      authorize: (request) => ({ ...request, headers: { ...request.headers, authorization } }),
      logger: deps.logger,
      dispatcher: deps.dispatcher,
    });
  }

  /**
   * Adds an audience member (`POST /api/v1/audience`) and returns the id the vendor gave it. A member
   * that already holds the email address or mobile number is VENDOR_CONFLICT with its `existingId`.
   */
  async createMember(input: EngagementCreateInput): Promise<{ externalId: string; message: string }> {
    const route = 'createMember';
    const response = await this.send({ route, method: 'POST', path: paths.audience, json: toCreateRequest(input) });
    const ack = this.http.decode(this.ok(route, response, 'conflictOrRejected'), ackSchema, route);
    return { externalId: String(ack.id), message: ack.message };
  }

  /** One page of the audience; `next` is the offset of the following page, null after the last. */
  async listMembers(options: ListMembersOptions = {}): Promise<Page<EngagementMember>> {
    const route = 'listMembers';
    const start = options.start ?? 0;
    const pageSize = options.pageSize ?? this.pageSize;
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new TypeError(`EngagementSource.listMembers: start must be a non-negative integer, got ${start}`);
    }
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new TypeError(`EngagementSource.listMembers: pageSize must be a positive integer, got ${pageSize}`);
    }
    const response = await this.send({
      route,
      method: 'GET',
      path: paths.audience,
      query: { [LIST_QUERY.start]: start, [LIST_QUERY.pageSize]: pageSize },
    });
    const list = this.http.decode(this.ok(route, response, 'rejected'), audienceListSchema, route);
    // The vendor may clamp the page size, so the next offset follows what came back, not what was asked.
    const end = start + list.audience.length;
    return {
      items: list.audience.map(fromWireMember),
      total: list.total,
      next: list.audience.length > 0 && end < list.total ? String(end) : null,
    };
  }

  /** Every member, page after page of `settings.pageSize`, fetched as the iteration goes. */
  async *members(): AsyncIterableIterator<EngagementMember> {
    let start = 0;
    for (;;) {
      const page = await this.listMembers({ start, pageSize: this.pageSize });
      yield* page.items;
      if (page.next === null) return;
      start = Number(page.next);
    }
  }

  /** Deletes a member (`POST /api/v1/audience/{id}/delete`); an unknown id is VENDOR_NOT_FOUND. */
  async deleteMember(id: string): Promise<VendorAck> {
    const route = 'deleteMember';
    // A non-numeric id names no member; refusing it here also keeps it from reshaping the path.
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new VendorNotFoundError('ENGAGEMENT', `${route}: ${JSON.stringify(String(id))} is not a member id of this vendor`);
    }
    const response = await this.send({ route, method: 'POST', path: paths.deleteMember(id) });
    const ack = this.http.decode(this.ok(route, response, 'notFound'), ackSchema, route);
    return { message: ack.message };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** The vendor document says requests carry this content type, so every request does, body or not. */
  private send(request: VendorRequest): Promise<VendorResponse> {
    const headers = request.json === undefined ? { ...request.headers, 'content-type': REQUEST_CONTENT_TYPE } : request.headers;
    return this.http.send({ ...request, headers, contentType: REQUEST_CONTENT_TYPE });
  }

  /** Passes a 2xx response through; turns anything else into the VendorError its status means. */
  private ok(route: string, response: VendorResponse, badRequest: BadRequestMeaning): VendorResponse {
    if (response.status >= 200 && response.status < 300) return response;
    const error = this.failure(route, response, badRequest);
    this.http.recordFailure(error);
    throw error;
  }

  private failure(route: string, response: VendorResponse, badRequest: BadRequestMeaning): VendorError {
    const body = this.http.tryDecode(response, errorBodySchema);
    const vendorMessage = body?.message;
    const details = { status: response.status, vendorMessage };
    const message = `${route} answered HTTP ${response.status}${vendorMessage === undefined ? '' : `: ${vendorMessage}`}`;
    switch (response.status) {
      case 401:
      case 403:
        return new VendorUnauthorizedError('ENGAGEMENT', message, details);
      case 400:
        if (badRequest === 'notFound') return new VendorNotFoundError('ENGAGEMENT', message, details);
        if (badRequest === 'conflictOrRejected' && vendorMessage !== undefined && ALREADY_EXISTS_PATTERN.test(vendorMessage)) {
          return new VendorConflictError('ENGAGEMENT', message, { ...details, existingId: existingIdFrom(body) });
        }
        return new VendorRejectedError('ENGAGEMENT', message, details);
      case 404:
        if (badRequest === 'notFound') return new VendorNotFoundError('ENGAGEMENT', message, details);
        return new VendorRejectedError('ENGAGEMENT', message, details);
      default:
        if (response.status >= 400) return new VendorRejectedError('ENGAGEMENT', message, details);
        return new VendorBadResponseError('ENGAGEMENT', `${route} answered unexpected HTTP ${response.status}`, details);
    }
  }
}
