// The benchmark's stand-in for Plain: a minimal GraphQL endpoint on 127.0.0.1, run as a child process of
// bench/run.mjs so that its work lands on the other core and not in the client's timings.
// GetThread answers with an EMAIL thread; ReplyToThread with `{ data: { replyToThread: { error: null } } }`.
// It also counts the bytes each request carried (request line + headers, and body) for the "bytes sent" row.
import http from 'node:http';

if (!process.send) {
  console.error('bench/server.mjs is started by bench/run.mjs (it reports its port over IPC).');
  process.exit(1);
}

// Built once: the server's own cost should be the same, and small, for every variant measured.
const REPLY_OK = Buffer.from(JSON.stringify({ data: { replyToThread: { error: null } } }));
const threadAnswer = (id) =>
  JSON.stringify({
    data: { thread: { id, ref: 'T-1', title: 'Benchmark thread', channel: 'EMAIL', status: 'TODO', customer: { id: 'c_bench' } } },
  });
const JSON_HEADERS = { 'content-type': 'application/json' };

// Counting is off except while run.mjs measures bytes: the per-header work would otherwise weigh on the
// requests with more headers in every other phase.
let stats = { requests: 0, lookups: 0, replies: 0, named: 0, headerBytes: 0, bodyBytes: 0 };
let counting = false;

/** Bytes of the request line and header block as they were on the wire (rawHeaders keeps case and order). */
function headerBytesOf(req) {
  let n = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`) + 2;
  for (let i = 0; i < req.rawHeaders.length; i += 2) n += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
  return n;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (counting) {
      stats.requests++;
      stats.headerBytes += headerBytesOf(req);
      stats.bodyBytes += raw.length;
    }
    let body;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(400, JSON_HEADERS).end('{"errors":[{"message":"bad JSON"}]}');
      return;
    }
    const query = typeof body?.query === 'string' ? body.query : '';
    if (counting && typeof body?.operationName === 'string' && body.operationName) stats.named++;
    if (query.includes('replyToThread(')) {
      if (counting) stats.replies++;
      res.writeHead(200, JSON_HEADERS).end(REPLY_OK);
    } else if (query.includes('thread(')) {
      if (counting) stats.lookups++;
      res.writeHead(200, JSON_HEADERS).end(threadAnswer(String(body.variables?.threadId)));
    } else {
      res.writeHead(400, JSON_HEADERS).end('{"errors":[{"message":"unknown operation"}]}');
    }
  });
});
// Keep sockets open across the pauses between phases, so no variant pays for reconnecting.
server.keepAliveTimeout = 120_000;

// 'count' zeroes the counters and starts counting; 'stats' stops counting and reports.
process.on('message', (msg) => {
  if (msg === 'stats') {
    counting = false;
    process.send({ stats });
  } else if (msg === 'count') {
    stats = { requests: 0, lookups: 0, replies: 0, named: 0, headerBytes: 0, bodyBytes: 0 };
    counting = true;
    process.send({ counting: true });
  }
});
// If the parent goes away for any reason, so does the server.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
