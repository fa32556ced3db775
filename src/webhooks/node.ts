import { nodeHandler } from '../node-handler.js';
import { notRawBody } from './signature.js';

export type { NodeRequestLike, NodeResponseLike } from '../node-handler.js';

const failure = (status: number, kind: string, message: string) =>
  Response.json({ ok: false, error: { kind, message } }, { status });

/**
 * Turns `webhookHandler(...)` (or any fetch-style handler) into a Node `http` listener, usable as an Express route:
 * `app.post('/plain/webhooks', toNodeHandler(webhookHandler({ … })))`. Mount it before `express.json()` (or give that
 * route `express.raw({ type: '*\/*' })`): the signature covers the raw bytes. It reads no `Host` header, and the
 * returned function never rejects.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return nodeHandler(handler, {
    bodyParsed: () => failure(500, 'body_already_parsed', notRawBody({}).message),
    methodNotAllowed: (method) => failure(405, 'method_not_allowed', `${method} is not accepted.`),
    failed: () => failure(500, 'internal', 'The webhook handler failed.'),
  });
}
