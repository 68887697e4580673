import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

/** An answer as it came over the wire: status, headers, the body as text, and its JSON when it is JSON. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

/**
 * One HTTP request through node:http rather than fetch, which forbids setting `Host` and sends only
 * well-formed text: the body goes out as the exact bytes given.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: RawAnswer['json'];
          try {
            json = JSON.parse(text) as RawAnswer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** The codes of an answer's errors, in order. */
export const errorCodes = (answer: RawAnswer): unknown[] =>
  answer.json?.errors?.map((error) => error.extensions?.['code']) ?? [];

/** A plain TCP connection to the server behind `url`, for clients that misbehave below HTTP. */
export function openSocket(url: string): Promise<Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the other side has closed `socket` (or it failed), with what it received meanwhile. */
export function closedByServer(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.once('close', () => resolve(received));
    socket.once('error', () => undefined);
  });
}
