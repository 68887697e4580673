import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { StateFileError, readStateFile, writeStateFile } from './state-file';

/** A request as a simulator route sees it: path parameters decoded, body read as text. */
export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The fault on this route, for the faults only the route itself can enact (`repeatPageToken`). */
  fault?: Readonly<Fault>;
}

/** What a route answers. `body` is serialised as JSON unless `raw` is given. */
export interface SimResponse {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/**
 * A fault on one route (or `*` for every route). Latency applies first; then a hang never answers
 * (`true`: before doing the work; `afterWork`: the vendor does the work, then never answers, as when
 * a connection dies after the vendor committed); a `reset` drops the connection with a TCP reset
 * instead of answering (`true`: before the work; `afterWork`: after it); then `status` answers that
 * status (with the vendor's error shape) with the given probability, without doing the work, and
 * with `retryAfter`, a `Retry-After` header of that many seconds; `malformed` does the work, then
 * answers 200 with a broken body (`json`: not JSON at all; `shape`: JSON that does not fit the
 * vendor's contract); `oversizedBytes` does the work, then answers 200 with a JSON body of that many
 * bytes, streamed without a Content-Length; `contentType` answers what the route answers under
 * that Content-Type instead of JSON's; `slowBodyMs` sends the headers at once and then the body one
 * byte every that many milliseconds. `times` makes the fault last that many calls of its route (or
 * of every route, for `*`), after which it is gone and the route answers normally again.
 * `repeatPageToken` makes a paged listing answer, as its next page token, the token it was asked
 * for (a first page answers one that reads it again), as a vendor with a stuck cursor would: a
 * client that follows tokens without a guard walks for ever. Only a route registered as `paged` can
 * enact it, since only the vendor knows its tokens. `echo` makes the injected `status` quote the
 * request body in the vendor's error message, as a vendor that repeats what it was sent (a password
 * included) would.
 */
export const faultSchema = z
  .object({
    latencyMs: z.number().int().min(0).optional(),
    hang: z.union([z.boolean(), z.literal('afterWork')]).optional(),
    reset: z.union([z.boolean(), z.literal('afterWork')]).optional(),
    status: z.number().int().min(100).max(599).optional(),
    probability: z.number().min(0).max(1).optional(),
    retryAfter: z.number().int().min(0).optional(),
    malformed: z.enum(['json', 'shape']).optional(),
    oversizedBytes: z.number().int().min(16).optional(),
    contentType: z.string().min(1).max(200).optional(),
    slowBodyMs: z.number().int().min(1).optional(),
    times: z.number().int().min(1).optional(),
    repeatPageToken: z.boolean().optional(),
    echo: z.boolean().optional(),
  })
  .strict()
  .refine((fault) => fault.retryAfter === undefined || fault.status !== undefined, {
    message: 'retryAfter goes with a status (429 or 503)',
    path: ['retryAfter'],
  });
export type Fault = z.infer<typeof faultSchema>;

/** One call as the simulator saw it; start and end times let tests prove calls overlapped. */
export interface SimCall {
  route: string;
  method: string;
  path: string;
  /** The query string, `?` included (empty when none): with the path, what the call asked for. */
  search: string;
  status: number | null;
  startedAt: number;
  endedAt: number | null;
  /** The trace context the call carried (W3C `traceparent`, `tracestate`), when it did; never a credential. */
  traceHeaders: Record<string, string>;
}

/** The request headers a call log keeps: the trace context only, so a test can follow a trace to the vendor. */
const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

export interface SimulatorOptions {
  /** Vendor name, for messages. */
  name: string;
  /** Runs before every matched route; answers instead of the route when it returns a response. */
  authenticate?: (request: SimRequest) => SimResponse | null | Promise<SimResponse | null>;
  /** The vendor's error body for a status and message (used for injected statuses and 404s). */
  errorResponse: (status: number, message: string) => SimResponse;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  random?: () => number;
  /** How the simulator's records become JSON and back; without it the simulator cannot {@link Simulator.persistTo}. */
  state?: SimulatorState;
}

/** The two halves of persistence a vendor simulator provides; the framework decides when and where. */
export interface SimulatorState {
  /** Every record, id counter and other datum the simulator holds, as plain JSON. Never a plain password. */
  snapshot(): unknown;
  /** Replaces everything the simulator holds with a snapshot; throws, changing nothing, when it does not fit. */
  restore(state: unknown): void;
}

interface Route {
  name: string;
  method: string;
  segments: string[];
  handler: SimHandler;
  paged: boolean;
}

export interface RouteOptions {
  /** The route answers a paged listing and enacts the `repeatPageToken` fault from `request.fault`. */
  paged?: boolean;
}

const UNMATCHED = '(unmatched)';

/** What an oversized answer is made of, 64 KiB at a time, so the simulator itself holds no large answer. */
const PADDING = Buffer.alloc(65_536, 'x');

/**
 * A small HTTP server for one vendor: named routes with `:param` segments, a call log per route,
 * fault injection, and optionally a state file that outlives the process. Binds to loopback only.
 */
export class Simulator {
  readonly name: string;
  private readonly routes: Route[] = [];
  /** Faults by route name (or `*`), with how many calls each still lasts (null: until cleared). */
  private readonly faults = new Map<string, { fault: Fault; callsLeft: number | null }>();
  private readonly log: SimCall[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | null = null;
  private baseUrl: string | null = null;
  private stateFile: string | null = null;

  constructor(private readonly options: SimulatorOptions) {
    this.name = options.name;
  }

  /** Registers a route under a stable name; the name is what counters and faults refer to. */
  route(name: string, method: string, pattern: string, handler: SimHandler, options: RouteOptions = {}): this {
    const segments = splitPath(pattern);
    if (this.routes.some((route) => route.method === method && route.segments.join('/') === segments.join('/'))) {
      throw new TypeError(`${this.name}: route ${method} ${pattern} is registered twice`);
    }
    this.routes.push({ name, method, segments, handler, paged: options.paged ?? false });
    return this;
  }

  /** Route names, for validating fault settings. */
  get routeNames(): string[] {
    return [...new Set(this.routes.map((route) => route.name))];
  }

  get url(): string {
    if (this.baseUrl === null) throw new Error(`${this.name} simulator is not listening`);
    return this.baseUrl;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error(`${this.name} simulator is already listening`);
    const server = createServer((req, res) => void this.dispatch(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return this.baseUrl;
  }

  /**
   * Keeps the simulator's records in `file` from now on, so a restarted simulator holds what the
   * gateway's database links to. When the file exists, its state replaces whatever the simulator
   * was seeded with; when it does not, the current state is written at once. After that, every
   * request to a non-GET route whose handler ran is saved before it is answered (or left
   * unanswered by a fault), and so is every {@link saveState} of a subclass, e.g. on reset;
   * changes made straight to a store, as tests make them, are saved with the next of those.
   * Returns whether the state came from the file. Throws a StateFileError naming the file when it
   * cannot be used.
   */
  persistTo(file: string): boolean {
    const state = this.options.state;
    if (!state)
      throw new TypeError(`${this.name}: this simulator has no state option, so it cannot persist to ${file}`);
    if (this.server)
      throw new TypeError(`${this.name}: persistTo(${JSON.stringify(file)}) must be called before listen`);
    if (this.stateFile !== null) throw new TypeError(`${this.name}: already persists to ${this.stateFile}`);
    const saved = readStateFile(file, this.name);
    if (saved !== undefined) {
      try {
        state.restore(saved);
      } catch (error) {
        throw new StateFileError(
          file,
          this.name,
          `does not hold a valid state (${(error as Error).message}); delete it to start over`,
          { cause: error },
        );
      }
    }
    this.stateFile = file;
    if (saved === undefined) this.saveState();
    return saved !== undefined;
  }

  /** Writes the current state to the state file, if there is one; subclasses call it after changing data outside a route. */
  protected saveState(): void {
    if (this.stateFile === null || !this.options.state) return;
    writeStateFile(this.stateFile, this.name, this.options.state.snapshot());
  }

  /** Stops listening and drops every connection, including hung requests. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.baseUrl = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Sockets currently open to this simulator; lets tests prove a client left none behind. */
  openConnections(): Promise<number> {
    const server = this.server;
    if (!server) return Promise.resolve(0);
    return new Promise((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  /** How many calls reached a route (any outcome); without a name, the counts of every route. */
  calls(route: string): number;
  calls(): Record<string, number>;
  calls(route?: string): number | Record<string, number> {
    if (route !== undefined) return this.log.filter((call) => call.route === route).length;
    const counts: Record<string, number> = {};
    for (const call of this.log) counts[call.route] = (counts[call.route] ?? 0) + 1;
    return counts;
  }

  /** The call log, oldest first. */
  callLog(route?: string): readonly SimCall[] {
    return route === undefined ? [...this.log] : this.log.filter((call) => call.route === route);
  }

  resetCalls(): void {
    this.log.length = 0;
  }

  /** Sets the fault of a route name (or `*`); `null` clears it. */
  setFault(route: string, fault: Fault | null): void {
    if (route !== '*' && !this.routeNames.includes(route)) {
      throw new TypeError(`${this.name}: no route named "${route}" (routes: ${this.routeNames.join(', ')})`);
    }
    if (fault === null) {
      this.faults.delete(route);
      return;
    }
    const parsed = faultSchema.parse(fault);
    // A fault the route cannot enact would pass silently, and the test relying on it would prove nothing.
    if (
      parsed.repeatPageToken &&
      route !== '*' &&
      !this.routes.some((candidate) => candidate.name === route && candidate.paged)
    ) {
      const paged = this.routes.filter((candidate) => candidate.paged).map((candidate) => candidate.name);
      throw new TypeError(
        `${this.name}: route "${route}" is not a paged listing, so it cannot repeatPageToken (paged routes: ${paged.join(', ') || 'none'})`,
      );
    }
    this.faults.set(route, { fault: parsed, callsLeft: parsed.times ?? null });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const match = this.match(req.method ?? 'GET', url.pathname);
    const call: SimCall = {
      route: match?.route.name ?? UNMATCHED,
      method: req.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      status: null,
      startedAt: performance.now(),
      endedAt: null,
      traceHeaders: Object.fromEntries(
        TRACE_HEADERS.flatMap((name) => (typeof req.headers[name] === 'string' ? [[name, req.headers[name]]] : [])),
      ),
    };
    this.log.push(call);
    // A TCP reset instead of an answer, as a crashed vendor process or a middlebox would give.
    const reset = () => {
      call.endedAt = performance.now();
      req.socket.resetAndDestroy();
    };
    const send = (response: SimResponse) => {
      call.status = response.status;
      call.endedAt = performance.now();
      if (res.destroyed) return;
      const text = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
      res.writeHead(response.status, {
        'content-type': 'application/json; charset=utf-8',
        ...response.headers,
      });
      res.end(text);
    };
    try {
      const rawBody = await readBody(req, this.options.maxBodyBytes ?? 1_048_576);
      if (rawBody === null) return send(this.options.errorResponse(413, 'Request body too large'));
      const fault = match ? this.takeFault(match.route.name) : undefined;
      if (fault?.latencyMs) await this.sleep(fault.latencyMs);
      if (fault?.hang === true) return; // never answer; close() drops the socket
      if (fault?.reset === true) return reset();
      if (!match) return send(this.options.errorResponse(404, `No route for ${req.method} ${url.pathname}`));
      const request: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        fault,
      };
      const denied = await this.options.authenticate?.(request);
      if (denied) return send(denied);
      const random = this.options.random ?? Math.random;
      if (fault?.status !== undefined && random() < (fault.probability ?? 1)) {
        const echoed = fault.echo ? `: could not accept ${rawBody}` : '';
        const failure = this.options.errorResponse(fault.status, `Injected failure (HTTP ${fault.status})${echoed}`);
        if (fault.retryAfter !== undefined)
          failure.headers = { ...failure.headers, 'retry-after': String(fault.retryAfter) };
        return send(failure);
      }
      let response: SimResponse;
      try {
        response = await match.route.handler(request);
      } finally {
        // Saved before any answer goes out: a caller that heard of a write can rely on it surviving.
        if (match.route.method !== 'GET') this.saveState();
      }
      if (fault?.hang === 'afterWork') return;
      if (fault?.reset === 'afterWork') return reset();
      if (fault?.malformed === 'json') return send({ status: 200, raw: '{"truncated": ' });
      if (fault?.malformed === 'shape') return send({ status: 200, body: { unexpected: 'shape' } });
      if (fault?.oversizedBytes !== undefined) return await this.sendOversized(res, fault.oversizedBytes, call);
      if (fault?.contentType !== undefined)
        response = { ...response, headers: { ...response.headers, 'content-type': fault.contentType } };
      if (fault?.slowBodyMs !== undefined) return await this.sendSlowly(res, response, fault.slowBodyMs, call);
      send(response);
    } catch (error) {
      send(
        this.options.errorResponse(500, `Simulator failure: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }

  /** The fault a call to `route` meets, counting it against the fault's `times`. */
  private takeFault(route: string): Fault | undefined {
    const key = this.faults.has(route) ? route : this.faults.has('*') ? '*' : null;
    if (key === null) return undefined;
    const entry = this.faults.get(key)!;
    if (entry.callsLeft !== null) {
      entry.callsLeft -= 1;
      if (entry.callsLeft <= 0) this.faults.delete(key);
    }
    return entry.fault;
  }

  /** 200 with a JSON body of `bytes` bytes, streamed in chunks without a Content-Length, until done or the client hangs up. */
  private async sendOversized(res: ServerResponse, bytes: number, call: SimCall): Promise<void> {
    call.status = 200;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    const head = '{"padding":"';
    const tail = '"}';
    res.write(head);
    let left = bytes - head.length - tail.length;
    while (left > 0 && !res.destroyed) {
      const chunk = left >= PADDING.length ? PADDING : PADDING.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
    if (!res.destroyed) res.end(tail);
    call.endedAt = performance.now();
  }

  /** The headers at once, then the body one byte every `intervalMs`, until done or the client hangs up. */
  private async sendSlowly(
    res: ServerResponse,
    response: SimResponse,
    intervalMs: number,
    call: SimCall,
  ): Promise<void> {
    call.status = response.status;
    const body = Buffer.from(response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body)));
    res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', ...response.headers });
    res.flushHeaders();
    for (let index = 0; index < body.length && !res.destroyed; index += 1) {
      res.write(body.subarray(index, index + 1));
      await this.sleep(intervalMs);
    }
    if (!res.destroyed) res.end();
    call.endedAt = performance.now();
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    const segments = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matched = route.segments.every((segment, index) => {
        const actual = segments[index];
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = safeDecode(actual);
          return true;
        }
        return segment === actual;
      });
      if (matched) return { route, params };
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** Resolves once `res` can take more, or is gone; leaves no listener behind either way. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Reads the whole body as UTF-8; null when it exceeds the limit. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON request body; `undefined` when it is empty, an Error when it is not JSON. */
export function parseJsonBody(request: SimRequest): unknown {
  if (request.rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(request.rawBody);
  } catch {
    return new SyntaxError('Request body is not valid JSON');
  }
}
