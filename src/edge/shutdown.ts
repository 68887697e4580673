/**
 * A stop that loses nothing: what the HTTP front needs to refuse new requests once shutdown has
 * begun, and to know when the requests it was serving have all been answered.
 */
import type { ServerResponse } from 'node:http';
import type { EnvReader } from '../platform/env';
import { errorContentType } from './media-type';

export interface ShutdownSettings {
  /**
   * `SHUTDOWN_GRACE_MS`: how long a stop waits for the requests in flight (mutations finishing
   * their vendor calls and journal entries) before it gives up on them: their operations are
   * journaled INTERRUPTED and they are answered 503. Keep it below the supervisor's own limit
   * (Kubernetes' terminationGracePeriodSeconds, 30 s by default), which then kills the process.
   */
  graceMs: number;
}

export function readShutdownSettings(read: EnvReader): ShutdownSettings {
  return { graceMs: read.int('SHUTDOWN_GRACE_MS', 20_000, 0, 3_600_000) };
}

/** The answer to a request that arrives once shutdown has begun, and to one still unfinished when the grace ran out. */
const REFUSED = {
  status: 503,
  code: 'SHUTTING_DOWN',
  message: 'The gateway is shutting down and did not start this request: nothing was done; send it again',
};
const INTERRUPTED = {
  status: 503,
  code: 'SHUTDOWN_INTERRUPTED',
  message:
    'The gateway stopped before this request finished: a mutation may be partly done. Its outcome is in the journal; send it again with the same idempotency key to finish it',
};

/**
 * The HTTP requests being served, and whether the gateway is stopping. Once `begin()` is called,
 * the HTTP front refuses every new request (503 SHUTTING_DOWN, before authentication and before any
 * vendor call) and every answer still to be sent closes its connection, so kept-alive connections
 * end with the request they carry.
 */
export class RequestDrain {
  private readonly open = new Set<ServerResponse>();
  private stoppingNow = false;
  private readonly waiting = new Set<() => void>();

  /** Whether shutdown has begun. */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** Requests being served now. */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Counts a request as in flight until both its handler has finished (call the function returned)
   * and its answer has gone out (or its connection died). Both: a client that goes away does not
   * end the mutation it started, which must finish before the vendor pools close; and an answer
   * handed to its socket must be sent before the connections are closed.
   */
  track(res: ServerResponse): () => void {
    if (this.stoppingNow)
      throw new TypeError('RequestDrain.track: shutdown has begun; refuse the request instead (RequestDrain.refuse)');
    this.open.add(res);
    let pending = 2;
    const one = () => {
      pending -= 1;
      if (pending > 0) return;
      this.open.delete(res);
      if (this.open.size === 0) for (const done of this.waiting) done();
    };
    res.once('close', one);
    let handled = false;
    return () => {
      if (handled) return;
      handled = true;
      one();
    };
  }

  /** Begins shutdown: from now on new requests are refused, and the answers still to come close their connections. */
  begin(): void {
    this.stoppingNow = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  /** Resolves once every request in flight has been answered (or lost its client). */
  settled(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
    });
  }

  /** Answers a request that arrived after shutdown began: nothing of it ran. */
  refuse(res: ServerResponse, requestId: string): void {
    answer(res, REFUSED, requestId);
  }

  /**
   * Answers every request still unfinished when the grace ran out with 503 SHUTDOWN_INTERRUPTED,
   * so no client is left without an answer. Returns how many there were.
   */
  interruptUnfinished(): number {
    let count = 0;
    for (const res of this.open) {
      if (res.writableEnded) continue;
      if (res.headersSent) {
        // Half an answer cannot be taken back; closing the connection tells the client it is incomplete.
        res.destroy();
      } else {
        answer(res, INTERRUPTED, String(res.getHeader('x-request-id') ?? ''));
      }
      count += 1;
    }
    return count;
  }
}

function answer(
  res: ServerResponse,
  refusal: { status: number; code: string; message: string },
  requestId: string,
): void {
  res.writeHead(refusal.status, {
    'content-type': errorContentType(res.req.headers.accept),
    connection: 'close',
    'retry-after': '1',
  });
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code, requestId } }] }));
}
