import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import {
  ALGORITHM_IDENTIFIER,
  SignatureV4,
  createScope,
  getCanonicalHeaders,
  getPayloadHash,
  prepareRequest,
} from '@smithy/signature-v4';
import type { OutgoingRequest } from '../transport/http';

/**
 * AWS Signature Version 4 for RainMaker, through the AWS SDK's own signer. The client signs with it;
 * the simulator verifies with it; `explain` exposes the intermediate strings so a test can compare
 * them with AWS's published test suite and a 403 can say what was expected, as AWS's own does.
 */

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Scope {
  region: string;
  service: string;
}

export interface SignatureExplanation {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
  authorization: string;
}

export class SigV4Signer extends SignatureV4 {
  private readonly accessKeyId: string;
  private readonly scope: SigV4Scope;

  constructor(credentials: SigV4Credentials, scope: SigV4Scope) {
    // API Gateway does not need x-amz-content-sha256; leaving it out keeps requests AWS-canonical.
    super({ credentials, region: scope.region, service: scope.service, sha256: Sha256, applyChecksum: false });
    this.accessKeyId = credentials.accessKeyId;
    this.scope = scope;
  }

  /** Every intermediate of signing `request` at `signingDate`, over the headers the request has. */
  async explain(request: HttpRequest, signingDate: Date): Promise<SignatureExplanation> {
    const prepared = prepareRequest(request);
    const { longDate, shortDate } = this.formatDate(signingDate);
    const credentialScope = createScope(shortDate, this.scope.region, this.scope.service);
    // prepareRequest drops the generated headers; signing puts the date back, so explaining must too.
    prepared.headers['x-amz-date'] = longDate;
    const payloadHash = await getPayloadHash(prepared, Sha256);
    const canonicalHeaders = getCanonicalHeaders(prepared);
    const canonicalRequest = this.createCanonicalRequest(prepared, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(
      longDate,
      credentialScope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.sign(stringToSign, { signingDate });
    const signedHeaders = this.getCanonicalHeaderList(canonicalHeaders);
    return {
      canonicalRequest,
      stringToSign,
      signature,
      signedHeaders,
      authorization: `${ALGORITHM_IDENTIFIER} Credential=${this.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }

  /** Signs an outgoing vendor request: adds host, x-amz-date, the session token and Authorization. */
  async signOutgoing(outgoing: OutgoingRequest, signingDate = new Date()): Promise<OutgoingRequest> {
    const signed = await this.sign(toHttpRequest(outgoing), { signingDate });
    return { ...outgoing, headers: { ...(signed.headers as Record<string, string>) } };
  }
}

/** Converts our request shape into the signer's, with the host header it must sign. */
function toHttpRequest(outgoing: OutgoingRequest): HttpRequest {
  const query: Record<string, string> = {};
  for (const [name, value] of outgoing.url.searchParams) query[name] = value;
  return new HttpRequest({
    method: outgoing.method,
    protocol: outgoing.url.protocol,
    hostname: outgoing.url.hostname,
    port: outgoing.url.port === '' ? undefined : Number(outgoing.url.port),
    path: outgoing.url.pathname,
    query,
    headers: { ...outgoing.headers, host: outgoing.url.host },
    body: outgoing.body,
  });
}

/** A request as it arrived at a server, for verification. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface VerifyOptions extends SigV4Scope {
  /** The secret for an access key id, or undefined when the key is unknown. */
  secretFor(accessKeyId: string): string | undefined;
  now: Date;
  /** AWS allows 15 minutes of clock skew. */
  maxSkewMs: number;
}

export type Verification = { ok: true; accessKeyId: string } | { ok: false; message: string };

const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9\-;]+),\s*Signature=([0-9a-f]{64})$/;

/** Recomputes the signature of a received request with the shared secret, as AWS does. */
export async function verifySigV4(request: ReceivedRequest, options: VerifyOptions): Promise<Verification> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) return { ok: false, message: 'Missing Authentication Token' };
  const parts = AUTHORIZATION_PATTERN.exec(authorization);
  if (!parts)
    return {
      ok: false,
      message: 'Authorization header requires Credential, SignedHeaders and Signature in AWS4-HMAC-SHA256 form.',
    };
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = parts as unknown as string[];
  const secret = options.secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, message: 'The security token included in the request is invalid.' };
  if (region !== options.region || service !== options.service) {
    return {
      ok: false,
      message: `Credential should be scoped to a valid region and service ('${options.region}', '${options.service}').`,
    };
  }
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (signingDate === undefined)
    return { ok: false, message: 'Authorization header requires existence of a valid X-Amz-Date header.' };
  if (amzDate!.slice(0, 8) !== scopeDate) return { ok: false, message: 'Credential date does not match X-Amz-Date.' };
  if (Math.abs(options.now.getTime() - signingDate.getTime()) > options.maxSkewMs) {
    return {
      ok: false,
      message: `Signature expired: ${amzDate} is outside the allowed ${options.maxSkewMs / 60_000} minutes of ${options.now.toISOString()}.`,
    };
  }
  const signedNames = signedHeaderList.split(';');
  if (!signedNames.includes('host')) return { ok: false, message: "'Host' must be a signed header." };
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(request.headers, name);
    if (value === undefined) return { ok: false, message: `Signed header '${name}' is missing from the request.` };
    headers[name] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of request.query) query[name] = value;
  const expected = await new SigV4Signer({ accessKeyId: accessKeyId, secretAccessKey: secret }, options).explain(
    new HttpRequest({ method: request.method, path: request.path, query, headers, body: request.body }),
    signingDate,
  );
  const matches =
    expected.signedHeaders === signedHeaderList &&
    timingSafeEqual(Buffer.from(expected.signature, 'hex'), Buffer.from(signature, 'hex'));
  if (!matches) {
    return {
      ok: false,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' +
        `\n\nThe Canonical String for this request should have been\n'${expected.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${expected.stringToSign}'\n`,
    };
  }
  return { ok: true, accessKeyId: accessKeyId };
}

function header(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20150830T123600Z` → Date; undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map<number>(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2015-13-30 over into 2016; a real timestamp survives the round trip unchanged.
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? date : undefined;
}
