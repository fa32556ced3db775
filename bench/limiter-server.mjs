// A stand-in for Plain behind its rate limiter, on 127.0.0.1: fixed windows of `limit` requests per `windowMs` on the
// server's own clock (which may be shifted from the machine's), Plain's x-ratelimit-* headers and an HTTP `Date` on
// every answer, 429 with Plain's RATE_LIMITED body when a window is spent. Answers GetThread and ReplyToThread as
// Plain does (every thread is an EMAIL thread, every reply is accepted). By default a 429 does not spend the budget.
import { createServer } from 'node:http';

const RATE_LIMITED = JSON.stringify({
  errors: [{ message: 'Too Many Requests - Rate limit exceeded', extensions: { code: 'RATE_LIMITED' } }],
});

function answerTo(body) {
  const query = typeof body?.query === 'string' ? body.query : '';
  if (/\breplyToThread\s*\(/.test(query)) return { data: { replyToThread: { error: null } } };
  if (/\bthread\s*\(/.test(query)) {
    const id = String(body.variables?.threadId ?? 'th_unknown');
    return {
      data: {
        thread: {
          id,
          ref: 'T-1',
          title: 'Bench thread',
          channel: 'EMAIL',
          status: 'TODO',
          customer: { id: 'c_bench' },
        },
      },
    };
  }
  return { errors: [{ message: 'Unknown operation', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
}

/**
 * Starts the limiter. `clockShiftMs`: how far the server's clock is ahead of this machine's (negative: behind); its
 * `Date` and `x-ratelimit-reset` are on that clock. `latencyMs`: each request is counted that long after it arrives,
 * and answered that long after it is counted (a round trip of twice that, like a far server). `refusalsSpend`: a
 * refused request counts against the window too (some limiters do; whether Plain's does is not documented).
 * `keepAliveTimeoutMs`: how long an idle connection is kept (Node's default, 5 s, unless given): a client that reuses a
 * connection just as the server closes it fails with a socket error, more often on a loaded machine.
 */
export function startLimiterServer({
  limit = 60,
  windowMs = 2000,
  clockShiftMs = 0,
  latencyMs = 0,
  refusalsSpend = false,
  keepAliveTimeoutMs,
} = {}) {
  const stats = { requests: 0, limited: 0, replies: 0, lookups: 0, spentPerWindow: [], firstAt: 0, lastAt: 0 };
  let window = { index: -1, used: 0 };
  const later = (work) => (latencyMs > 0 ? setTimeout(work, latencyMs) : work());

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => later(count));
    const count = () => {
      const serverNow = Date.now() + clockShiftMs;
      const index = Math.floor(serverNow / windowMs);
      if (index !== window.index) {
        window = { index, used: 0 };
        stats.spentPerWindow.push(0);
      }
      stats.requests++;
      if (stats.firstAt === 0) stats.firstAt = performance.now();
      stats.lastAt = performance.now();
      const headers = {
        'content-type': 'application/json',
        date: new Date(serverNow).toUTCString(),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-reset': new Date((index + 1) * windowMs).toISOString(),
      };
      if (window.used >= limit) {
        stats.limited++;
        if (refusalsSpend) window.used++;
        later(() => {
          res.writeHead(429, { ...headers, 'x-ratelimit-remaining': '0' });
          res.end(RATE_LIMITED);
        });
        return;
      }
      window.used++;
      stats.spentPerWindow[stats.spentPerWindow.length - 1]++;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const answer = answerTo(body);
      if (answer.data?.replyToThread) stats.replies++;
      if (answer.data?.thread) stats.lookups++;
      headers['x-ratelimit-remaining'] = String(limit - window.used);
      later(() => {
        res.writeHead(200, headers);
        res.end(JSON.stringify(answer));
      });
    };
  });

  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/graphql/v1`,
        stats,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
