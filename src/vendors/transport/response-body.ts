/**
 * A vendor's answer body: read as it streams in, no further than `maxResponseBytes`, and decoded
 * as JSON against the contract's schema. What does not fit is VENDOR_BAD_RESPONSE.
 */
import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type { Source } from '../../domain/types';
import { VendorBadResponseError } from './errors';

/** Media types a JSON contract may come back as (user-management's examples say text/javascript). */
const JSON_MEDIA_TYPE = /^(application|text)\/([\w.-]+\+)?(json|javascript)$/;

/** What decoding needs of an answer. */
export interface ResponseText {
  status: number;
  text: string;
  contentType?: string;
}

/**
 * The answer's body as text, read as it streams in and cut off (the connection dropped, nothing
 * more read) as soon as it is over `limit` bytes, or at once when its Content-Length says so.
 */
export async function readBody(
  source: Source,
  route: string,
  response: Dispatcher.ResponseData,
  limit: number,
): Promise<string> {
  const tooLarge = () =>
    new VendorBadResponseError(source, `${route} answered more than ${limit} bytes; the rest was not read`, {
      status: response.statusCode,
    });
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    // Leaving the loop by a throw destroys the stream, and with it the connection.
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Parses a JSON body against the contract's schema; anything else is VENDOR_BAD_RESPONSE,
 * including an answer whose content type says it is not JSON (a proxy's error page, a login form).
 */
export function decodeBody<T>(source: Source, route: string, response: ResponseText, schema: ZodType<T>): T {
  const badResponse = (message: string) =>
    new VendorBadResponseError(source, `${route} ${message}`, { status: response.status });
  const mediaType = response.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== undefined && mediaType !== '' && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw badResponse(`answered HTTP ${response.status} with content type ${mediaType.slice(0, 100)}, not JSON`);
  }
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw badResponse(`answered HTTP ${response.status} with a body that is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw badResponse(
      `answered HTTP ${response.status} with a body that does not match its contract${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Like decodeBody, but for error bodies: undefined instead of an error when they do not fit. */
export function tryDecodeBody<T>(response: ResponseText, schema: ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(response.text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
