/**
 * The parts of Node's `http.IncomingMessage` (and so Express's `req`) the adapter reads. Declared here rather than
 * imported, so that plain-client/proxy's types need no @types/node and its code no `node:` module.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by a body parser (`express.json()`, Next.js API routes) that has already read the stream. */
  body?: unknown;
  /** Whether the stream was already read to its end. */
  readableEnded?: boolean;
}

/** The parts of Node's `http.ServerResponse` (and Express's `res`) the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array): unknown;
  on?(event: 'close', listener: () => void): unknown;
  writableFinished?: boolean;
}

/** The adapter's own answers, shaped like GraphQL errors as the proxy's are. */
const failure = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });

/** Methods fetch's Request refuses to carry. */
const FORBIDDEN_METHODS = /^(CONNECT|TRACE|TRACK)$/i;

/**
 * The fetch Request for a Node request. Its URL is `http://localhost` and the request's path: the `Host` header is
 * the client's to write, so it builds nothing (a malformed one, or a target such as `//other.example/`, could
 * otherwise fail to parse or name another host).
 */
function requestFrom(req: NodeRequestLike, signal: AbortSignal): Request {
  const target = typeof req.url === 'string' && req.url.startsWith('/') ? req.url : '/';
  let url: URL;
  try {
    url = new URL(`http://localhost${target}`);
  } catch {
    url = new URL('http://localhost/');
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      try {
        headers.append(name, v);
      } catch {
        // A header fetch cannot carry is not one the handler reads.
      }
    }
  }
  const method = req.method ?? 'GET';
  const chunks = req[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  // Pulled chunk by chunk, so the proxy's body limit stops reading without buffering the rest.
  const body =
    method === 'GET' || method === 'HEAD'
      ? null
      : new ReadableStream<Uint8Array>({
          async pull(stream) {
            const { done, value } = await chunks.next();
            if (done) stream.close();
            else stream.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
          },
          async cancel() {
            await chunks.return?.();
          },
        });
  return new Request(url, { method, headers, body, signal, duplex: 'half' } as RequestInit);
}

/** What the handler answers to `req`, as a Response with its whole body. Never rejects. */
async function answerTo(
  handler: (request: Request) => Promise<Response>,
  req: NodeRequestLike,
  signal: AbortSignal,
): Promise<{ response: Response; body: Uint8Array }> {
  let response: Response;
  try {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && (req.body !== undefined || req.readableEnded === true)) {
      response = failure(
        500,
        'INTERNAL_SERVER_ERROR',
        'The proxy is misconfigured: the request body was already read by a body parser (such as express.json()) ' +
          'mounted before it. Mount the proxy before any body parser on this route.',
      );
    } else if (FORBIDDEN_METHODS.test(method)) {
      response = failure(405, 'METHOD_NOT_ALLOWED', `${method.toUpperCase()} is not accepted.`);
    } else {
      response = await handler(requestFrom(req, signal));
    }
    // A Response from the host's authorize() may have a body that fails to read: answered 500 below.
    return { response, body: new Uint8Array(await response.arrayBuffer()) };
  } catch {
    response = failure(500, 'INTERNAL_SERVER_ERROR', 'The proxy failed.');
    return { response, body: new Uint8Array(await response.arrayBuffer()) };
  }
}

/**
 * Turns a fetch-style handler such as `createPlainProxy(...)` into a Node `http` listener, usable as an Express
 * route handler: `app.post('/api/plain', toNodeHandler(proxy))`. Mount it before any body parser
 * (`express.json()`) on that route, since it reads the body itself; a body already read is answered with a 500
 * that says so. The handler sees `http://localhost` and the request's path as its URL, never the `Host` header.
 * The returned promise never rejects: a failure anywhere is answered 500, or, once the answer cannot be written
 * (the client is gone), dropped.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    const controller = new AbortController();
    try {
      // The browser went away before the answer was written: stop waiting for Plain.
      res.on?.('close', () => {
        if (!res.writableFinished) controller.abort();
      });
    } catch {
      // A response without events: nothing to listen to.
    }
    const { response, body } = await answerTo(handler, req, controller.signal);
    try {
      res.statusCode = response.status;
      for (const [name, value] of response.headers) {
        if (name !== 'set-cookie') res.setHeader(name, value);
      }
      // Headers iterate Set-Cookie one by one but `get` folds them into one line, which browsers cannot split.
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      res.end(body);
    } catch {
      // Writing failed half-way (a header Node refuses, a closed socket): end what can be ended.
      try {
        res.statusCode = 500;
        res.end();
      } catch {
        // The connection is gone: there is no one left to answer.
      }
    }
  };
}
