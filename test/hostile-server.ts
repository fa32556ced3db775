import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

// A small HTTP server on 127.0.0.1 that answers the client as a hostile (or broken) Plain could: the tests decide
// each answer, and read back what reached the server and when each connection closed.

/** One request as the server received it. */
export interface Received {
  method: string;
  /** The request target, e.g. `/graphql/v1`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** `operationName` of the GraphQL body, when the body was one. */
  operationName: string | undefined;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** Body bytes the server wrote to this request's answer (counted by `send`, `sendJson` and `streamForever`). */
  bytesSent: number;
  /** True once the response finished or its connection closed. */
  closed: boolean;
  /** True when the connection closed before the answer was complete: the client gave up on it. */
  cutOff: boolean;
  /** Resolves when the answer finished or the connection closed, whichever happens first. */
  whenClosed: Promise<void>;
}

/** How the server answers one request. Throwing or rejecting answers 500. */
export type Answer = (request: Received, res: http.ServerResponse) => void | Promise<void>;

export interface HostileServer {
  /** The GraphQL endpoint, for `apiUrl`. */
  url: string;
  /** `http://127.0.0.1:<port>`, for other paths. */
  origin: string;
  /** Every request received, in order. */
  requests: Received[];
  /** How many requests named this operation. */
  count(operationName: string): number;
  /** Replaces how the server answers from now on. */
  answerWith(answer: Answer): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

const MAX_REQUEST_BODY = 1 << 20;

export const THREAD_CHANNEL_DEFAULT = 'EMAIL';

/** A thread as Plain's lookup returns it. */
export const threadJson = (id: string, channel = THREAD_CHANNEL_DEFAULT) => ({
  id,
  ref: 'T-1',
  title: 'Help',
  channel,
  status: 'TODO',
  customer: { id: 'c_1' },
});

/** Answers like a healthy Plain: every thread exists on EMAIL, every reply succeeds. */
export const healthyPlain: Answer = (request, res) => {
  if (request.operationName === 'ReplyToThread') return sendJson(res, { data: { replyToThread: { error: null } } });
  const threadId = (request.body as { variables?: { threadId?: string } } | undefined)?.variables?.threadId ?? 'th_1';
  return sendJson(res, { data: { thread: threadJson(threadId) } });
};

export async function startHostileServer(answer: Answer = healthyPlain): Promise<HostileServer> {
  let current = answer;
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY) chunks.push(chunk);
    });
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      const operationName = (body as { operationName?: unknown } | null)?.operationName;
      const received: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        operationName: typeof operationName === 'string' ? operationName : undefined,
        body,
        bytesSent: 0,
        closed: false,
        cutOff: false,
        whenClosed: once(res, 'close').then(() => {}),
      };
      res.on('close', () => {
        received.closed = true;
        received.cutOff = !res.writableFinished;
      });
      requests.push(received);
      sent.set(res, received);
      Promise.resolve()
        .then(() => current(received, res))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/graphql/v1`,
    origin,
    requests,
    count: (operationName) => requests.filter((r) => r.operationName === operationName).length,
    answerWith: (next) => {
      current = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Received record of each response, so that the answer helpers can count the bytes they write. */
const sent = new WeakMap<http.ServerResponse, Received>();

const count = (res: http.ServerResponse, bytes: number) => {
  const received = sent.get(res);
  if (received) received.bytesSent += bytes;
};

/** Writes a whole answer. */
export function send(
  res: http.ServerResponse,
  body: string | Buffer,
  options: { status?: number; headers?: http.OutgoingHttpHeaders } = {},
) {
  res.writeHead(options.status ?? 200, options.headers ?? {});
  count(res, Buffer.byteLength(body));
  res.end(body);
}

/** Writes `value` as a JSON answer. */
export function sendJson(
  res: http.ServerResponse,
  value: unknown,
  options: { status?: number; headers?: http.OutgoingHttpHeaders } = {},
) {
  send(res, typeof value === 'string' ? value : JSON.stringify(value), {
    status: options.status,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

/**
 * Sends headers, then `chunk` every `everyMs` for as long as the connection stays open: an answer that never ends.
 * At most one chunk waits in the socket's buffer, so the server never writes faster than the client reads.
 */
export function streamForever(
  res: http.ServerResponse,
  options: { chunk: Buffer | string; everyMs: number; headers?: http.OutgoingHttpHeaders },
) {
  res.writeHead(200, { 'content-type': 'application/json', ...options.headers });
  res.write('{"data":{"replyToThread":{"error":null,"padding":"');
  const bytes = Buffer.byteLength(options.chunk);
  const timer = setInterval(() => {
    if (res.destroyed || res.writableNeedDrain) return;
    count(res, bytes);
    res.write(options.chunk);
  }, options.everyMs);
  res.on('close', () => clearInterval(timer));
}

/** Headers now, then nothing, ever. */
export function headersOnly(res: http.ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.flushHeaders();
}

/**
 * Zeros compressed with `encoding`: a small answer that inflates to `inflatedBytes` (a multiple of 16 MiB for gzip).
 * Brotli at quality 1 turns 2 GiB into about 390 KB in well under a second. Gzip's ratio tops out near 1000:1 and
 * its best level is slow, so one 16 MiB member is compressed once and repeated: a gzip stream may hold many members.
 */
export async function compressionBomb(encoding: 'br' | 'gzip', inflatedBytes: number): Promise<Buffer> {
  if (encoding === 'br') {
    return compressed(
      zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
      inflatedBytes,
    );
  }
  const member = await compressed(zlib.createGzip({ level: 9 }), GZIP_MEMBER_BYTES);
  return Buffer.concat(Array.from({ length: Math.ceil(inflatedBytes / GZIP_MEMBER_BYTES) }, () => member));
}

const GZIP_MEMBER_BYTES = 16 << 20;

async function compressed(compressor: zlib.BrotliCompress | zlib.Gzip, zeroBytes: number): Promise<Buffer> {
  const out: Buffer[] = [];
  compressor.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = once(compressor, 'end');
  const zeros = Buffer.alloc(4 << 20);
  for (let written = 0; written < zeroBytes; written += zeros.length) {
    const part = written + zeros.length <= zeroBytes ? zeros : zeros.subarray(0, zeroBytes - written);
    if (!compressor.write(part)) await once(compressor, 'drain');
  }
  compressor.end();
  await ended;
  return Buffer.concat(out);
}

/**
 * How a promise settled within `ms`: resolved (with its value), rejected (with its reason), or still pending. Lets a
 * test say "never rejects, never hangs" without waiting for the test's own timeout.
 */
export type Settled<T> =
  | { state: 'resolved'; value: T }
  | { state: 'rejected'; reason: unknown }
  | { state: 'pending' };

export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ state: 'pending' }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ state: 'resolved', value });
      },
      (reason: unknown) => {
        clearTimeout(timer);
        resolve({ state: 'rejected', reason });
      },
    );
  });
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export const within = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  settledWithin(promise, ms).then((s) => s.state !== 'pending');

/** Peak resident memory of this process so far, in bytes. */
export const peakRss = () => process.resourceUsage().maxRSS * 1024;
