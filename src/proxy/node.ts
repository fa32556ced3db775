/**
 * The parts of Node's `http.IncomingMessage` (and so Express's `req`) the adapter reads. Declared here rather than
 * imported, so that plain-client/proxy's types need no @types/node and its code no `node:` module.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of Node's `http.ServerResponse` (and Express's `res`) the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array): unknown;
  on?(event: 'close', listener: () => void): unknown;
  writableFinished?: boolean;
}

/**
 * Turns a fetch-style handler such as `createPlainProxy(...)` into a Node `http` listener, usable as an Express
 * route handler: `app.post('/api/plain', toNodeHandler(proxy))`. Mount it before any body parser
 * (`express.json()`) on that route, since it reads the body itself.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    const controller = new AbortController();
    // The browser went away before the answer was written: stop waiting for Plain.
    res.on?.('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
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
    // The host header only builds a URL for `authorize` to read; it decides nothing here.
    const url = new URL(req.url ?? '/', `http://${headers.get('host') ?? 'localhost'}`);
    let response: Response;
    try {
      response = await handler(
        new Request(url, { method, headers, body, signal: controller.signal, duplex: 'half' } as RequestInit),
      );
    } catch {
      response = Response.json({ errors: [{ message: 'The proxy failed.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }, { status: 500 });
    }
    // A Response from the host's authorize() may have a body that fails to read: answer 500 rather than reject.
    let out: Uint8Array;
    try {
      out = new Uint8Array(await response.arrayBuffer());
    } catch {
      response = Response.json({ errors: [{ message: 'The proxy failed.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }, { status: 500 });
      out = new Uint8Array(await response.arrayBuffer());
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      res.setHeader(name, value);
    });
    res.end(out);
  };
}
