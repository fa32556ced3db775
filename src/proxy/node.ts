import { nodeHandler } from '../node-handler.js';

export type { NodeRequestLike, NodeResponseLike } from '../node-handler.js';

/** An answer of the adapter's own, shaped like a GraphQL error as the proxy's are, so PlainClient reports it. */
const failure = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });

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
      failure(
        500,
        'INTERNAL_SERVER_ERROR',
        'The proxy is misconfigured: the request body was already read by a body parser (such as express.json()) ' +
          'mounted before it. Mount the proxy before any body parser on this route.',
      ),
    methodNotAllowed: (method) => failure(405, 'METHOD_NOT_ALLOWED', `${method} is not accepted.`),
    failed: () => failure(500, 'INTERNAL_SERVER_ERROR', 'The proxy failed.'),
  });
}
