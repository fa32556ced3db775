import { nodeHandler } from '../node-handler.js';
import { refuse } from './proxy.js';

export type { NodeRequestLike, NodeResponseLike } from '../node-handler.js';

/**
 * Turns a fetch-style handler such as `createPlainProxy(...)` into a Node `http` listener, usable as an Express
 * route handler: `app.post('/api/plain', toNodeHandler(proxy))`. Mount it before any body parser
 * (`express.json()`) on that route, since it reads the body itself; a body already parsed is answered with a 500
 * that says so. The handler sees `http://localhost` and the request's path as its URL, never the `Host` header.
 * The returned promise never rejects.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>) {
  return nodeHandler(handler, {
    bodyParsed: () =>
      refuse(
        500,
        'INTERNAL_SERVER_ERROR',
        'The proxy is misconfigured: the request body was already read by a body parser (such as express.json()) ' +
          'mounted before it. Mount the proxy before any body parser on this route.',
      ),
    methodNotAllowed: (method) => refuse(405, 'METHOD_NOT_ALLOWED', `${method} is not accepted.`),
    failed: () => refuse(500, 'INTERNAL_SERVER_ERROR', 'The proxy failed.'),
  });
}
