import { nodeHandler } from '../node-handler.js';
import { refuse } from './handler.js';
import { notRawBody } from './signature.js';

export type { NodeRequestLike, NodeResponseLike } from '../node-handler.js';

/**
 * Turns `webhookHandler(...)` (or any fetch-style handler) into a Node `http` listener, usable as an Express route:
 * `app.post('/plain/webhooks', toNodeHandler(webhookHandler({ … })))`. Mount it before `express.json()` (or give that
 * route `express.raw({ type: '*\/*' })`): the signature covers the raw bytes. It reads no `Host` header, and the
 * returned function never rejects.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return nodeHandler(handler, {
    bodyParsed: () => refuse(500, { kind: 'body_already_parsed', message: notRawBody({}).message }),
    methodNotAllowed: (method) => refuse(405, { kind: 'method_not_allowed', message: `${method} is not accepted.` }),
    failed: () => refuse(500, { kind: 'internal', message: 'The webhook handler failed.' }),
  });
}
