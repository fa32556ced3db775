// A Node `http` / Express adapter for webhookHandler. It imports no `node:` module (the types are structural) and,
// unlike a general adapter, reads no Host header: the handler needs only the method, headers and body.
import { notRawBody } from './signature.js';

/** The parts of Node's `http.IncomingMessage` (and Express's `req`) the adapter reads. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by a body parser that ran first: raw bytes or text are used as they are; a parsed object is refused. */
  body?: unknown;
  readableEnded?: boolean;
}

/** The parts of Node's `http.ServerResponse` (and Express's `res`) the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array | string): unknown;
  headersSent?: boolean;
}

const encoder = new TextEncoder();

function requestBody(req: NodeRequestLike): BodyInit | ReadableStream<Uint8Array> | 'parsed' {
  const parsed = req.body;
  if (parsed instanceof Uint8Array || typeof parsed === 'string') return parsed as BodyInit;
  const consumed = req.readableEnded === true || (req as { _body?: unknown })._body === true;
  if (parsed !== undefined && consumed) return 'parsed';
  const chunks = req[Symbol.asyncIterator]();
  // Pulled chunk by chunk, so the handler's size cap stops reading without buffering the rest.
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

/**
 * Turns `webhookHandler(...)` (or any fetch-style handler) into a Node `http` listener, usable as an Express route:
 * `app.post('/plain/webhooks', toNodeHandler(webhookHandler({ … })))`. Mount it before `express.json()` (or give that
 * route `express.raw({ type: '*\/*' })`): the signature covers the raw bytes. The returned function never rejects.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    let response: Response;
    try {
      const body = requestBody(req);
      if (body === 'parsed') {
        const { message } = notRawBody({});
        response = Response.json({ ok: false, error: { kind: 'body_already_parsed', message } }, { status: 500 });
      } else {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        const method = (req.method ?? 'POST').toUpperCase();
        const init = { method, headers, duplex: 'half' } as RequestInit;
        if (method !== 'GET' && method !== 'HEAD') init.body = body as BodyInit;
        response = await handler(new Request('http://localhost/', init));
      }
    } catch {
      response = Response.json(
        { ok: false, error: { kind: 'internal', message: 'The webhook handler failed.' } },
        { status: 500 },
      );
    }
    try {
      const out = new Uint8Array(await response.arrayBuffer());
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.end(out);
    } catch {
      try {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      } catch {}
    }
  };
}
