/**
 * The parts of Node's `http.IncomingMessage` (and so Express's `req`) the adapter reads. Declared here rather than
 * imported, so that the entries' types need no @types/node and their code no `node:` module.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * Set by a body parser that has already read the stream: raw bytes or text (`express.raw()`, `express.text()`) are
   * used as they are; anything else (`express.json()`'s object) is refused with the caller's `bodyParsed` answer.
   */
  body?: unknown;
  /** Whether the stream was already read to its end. */
  readableEnded?: boolean;
}

/** The parts of Node's `http.ServerResponse` (and Express's `res`) the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array): unknown;
  headersSent?: boolean;
  on?(event: 'close', listener: () => void): unknown;
  writableFinished?: boolean;
}

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
  const body = method === 'GET' || method === 'HEAD' ? null : bodyOf(req);
  return new Request(url, { method, headers, body, signal, duplex: 'half' } as RequestInit);
}

/** The bytes a body parser already read, or the stream, pulled chunk by chunk so a size cap stops reading early. */
function bodyOf(req: NodeRequestLike): Uint8Array | string | ReadableStream<Uint8Array> {
  if (req.body instanceof Uint8Array || typeof req.body === 'string') return req.body;
  const chunks = req[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const { done, value } = await chunks.next();
        if (done) stream.close();
        else stream.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
      } catch (error) {
        stream.error(error);
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/** A body parser read the stream and kept something other than the raw bytes. */
const bodyParsed = (req: NodeRequestLike) =>
  !(req.body instanceof Uint8Array || typeof req.body === 'string') &&
  (req.body !== undefined || req.readableEnded === true);

/** What the handler answers to `req`, as a Response with its whole body. Never rejects. */
async function answerTo(
  handler: (request: Request) => Promise<Response>,
  answers: NodeHandlerAnswers,
  request: { req: NodeRequestLike; signal: AbortSignal },
): Promise<{ response: Response; body: Uint8Array }> {
  const { req, signal } = request;
  let response: Response;
  try {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && bodyParsed(req)) response = answers.bodyParsed();
    else if (FORBIDDEN_METHODS.test(method)) response = answers.methodNotAllowed(method.toUpperCase());
    else response = await handler(requestFrom(req, signal));
    // A Response built by the host's own code may have a body that fails to read: answered 500 below.
    return { response, body: new Uint8Array(await response.arrayBuffer()) };
  } catch {
    response = answers.failed();
    return { response, body: new Uint8Array(await response.arrayBuffer()) };
  }
}

/** The adapter's own answers, in the shape of the entry that uses it. */
export interface NodeHandlerAnswers {
  /** A body parser mounted first read the body into something other than raw bytes. */
  bodyParsed(): Response;
  /** A method fetch cannot carry (CONNECT, TRACE, TRACK). */
  methodNotAllowed(method: string): Response;
  /** The handler threw, or its answer could not be read. */
  failed(): Response;
}

/**
 * Turns a fetch-style handler into a Node `http` listener, usable as an Express route handler. It reads the body
 * itself (or takes the raw bytes `express.raw()` left); a body a parser turned into something else gets
 * `answers.bodyParsed()`. The handler sees `http://localhost` and the request's path as its URL, never the `Host`
 * header. The returned promise never rejects: a failure anywhere is answered 500, or, once the answer cannot be
 * written (the client is gone), dropped.
 */
export function nodeHandler(handler: (request: Request) => Promise<Response>, answers: NodeHandlerAnswers) {
  return async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    const controller = new AbortController();
    try {
      // The client went away before the answer was written: stop the handler's work.
      res.on?.('close', () => {
        if (!res.writableFinished) controller.abort();
      });
    } catch {
      // A response without events: nothing to listen to.
    }
    const { response, body } = await answerTo(handler, answers, { req, signal: controller.signal });
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
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      } catch {
        // The connection is gone: there is no one left to answer.
      }
    }
  };
}
