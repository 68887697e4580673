import { HttpRequest } from '@smithy/protocol-http';
import { SigV4Signer, parseAmzDate, verifySigV4 } from '../../src/vendors/rainmaker/sigv4';

/**
 * The `get-vanilla` case of AWS's Signature Version 4 test suite: the published request, credentials
 * and every intermediate string, copied from the suite's .creq, .sts and .authz files.
 */
const VANILLA = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  scope: { region: 'us-east-1', service: 'service' },
  signingDate: new Date('2015-08-30T12:36:00Z'),
  canonicalRequest: [
    'GET',
    '/',
    '',
    'host:example.amazonaws.com',
    'x-amz-date:20150830T123600Z',
    '',
    'host;x-amz-date',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ].join('\n'),
  stringToSign: [
    'AWS4-HMAC-SHA256',
    '20150830T123600Z',
    '20150830/us-east-1/service/aws4_request',
    'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
  ].join('\n'),
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
};

function vanillaRequest(): HttpRequest {
  return new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: 'example.amazonaws.com',
    path: '/',
    query: {},
    headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
  });
}

describe('SigV4 signer against the AWS test suite (get-vanilla)', () => {
  const signer = new SigV4Signer(VANILLA.credentials, VANILLA.scope);

  it('builds the published canonical request', async () => {
    const explained = await signer.explain(vanillaRequest(), VANILLA.signingDate);
    expect(explained.canonicalRequest).toBe(VANILLA.canonicalRequest);
  });

  it('builds the published string to sign', async () => {
    const explained = await signer.explain(vanillaRequest(), VANILLA.signingDate);
    expect(explained.stringToSign).toBe(VANILLA.stringToSign);
  });

  it('produces the published signature and Authorization header', async () => {
    const explained = await signer.explain(vanillaRequest(), VANILLA.signingDate);
    expect(explained.authorization).toBe(VANILLA.authorization);
    const signed = await signer.sign(vanillaRequest(), { signingDate: VANILLA.signingDate });
    expect(signed.headers['authorization']).toBe(VANILLA.authorization);
  });

  it('verifies the published request and rejects it with another secret', async () => {
    const received = {
      method: 'GET',
      path: '/',
      query: new URLSearchParams(),
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization: VANILLA.authorization,
      },
      body: '',
    };
    const base = { ...VANILLA.scope, now: VANILLA.signingDate, maxSkewMs: 15 * 60_000 };
    await expect(
      verifySigV4(received, { ...base, secretFor: () => VANILLA.credentials.secretAccessKey }),
    ).resolves.toEqual({
      ok: true,
      accessKeyId: 'AKIDEXAMPLE',
    });
    const wrong = await verifySigV4(received, { ...base, secretFor: () => 'not-the-secret' });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.message).toContain(VANILLA.canonicalRequest);
  });

  it('rejects a request signed more than 15 minutes from the server clock', async () => {
    const received = {
      method: 'GET',
      path: '/',
      query: new URLSearchParams(),
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization: VANILLA.authorization,
      },
      body: '',
    };
    const result = await verifySigV4(received, {
      ...VANILLA.scope,
      now: new Date(VANILLA.signingDate.getTime() + 16 * 60_000),
      maxSkewMs: 15 * 60_000,
      secretFor: () => VANILLA.credentials.secretAccessKey,
    });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^Signature expired/) });
  });

  it('parses X-Amz-Date and refuses malformed ones', () => {
    expect(parseAmzDate('20150830T123600Z')?.toISOString()).toBe('2015-08-30T12:36:00.000Z');
    expect(parseAmzDate('2015-08-30T12:36:00Z')).toBeUndefined();
    expect(parseAmzDate('20151330T123600Z')).toBeUndefined();
    expect(parseAmzDate('20150230T123600Z')).toBeUndefined();
    expect(parseAmzDate('20150830T246000Z')).toBeUndefined();
  });
});
