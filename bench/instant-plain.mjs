// A stand-in for Plain that answers in the same process, at once, with no I/O: what the benchmarks give
// PlainClient as `fetch` when they measure the SDK's own work. GetThread gets an EMAIL thread, ReplyToThread a
// success, each with the headers Plain sends (request id, rate limit with room to spare, Date), so the client reads
// and parses what it would in production. Its rate limit counts every request against a budget far larger than a
// run uses, in a one-minute window, as Plain counts them (only far more generous).
const THREAD_QUERY_MARK = 'thread(';
const REPLY_MARK = 'replyToThread';

const REPLY_OK = JSON.stringify({ data: { replyToThread: { error: null } } });

const LIMIT = 100_000_000;
const WINDOW_MS = 60_000;
let window = { start: Date.now(), used: 0, reset: '', date: '' };

/** Answer headers: the same for every answer and every variant measured, the budget counted down per request. */
function headers() {
  const now = Date.now();
  if (now >= window.start + WINDOW_MS || window.reset === '') {
    window = { start: now, used: 0, reset: new Date(now + WINDOW_MS).toISOString(), date: new Date(now).toUTCString() };
  }
  window.used++;
  return {
    'content-type': 'application/json',
    'apigw-requestid': 'bench-request-id',
    'x-ratelimit-limit': String(LIMIT),
    'x-ratelimit-remaining': String(LIMIT - window.used),
    'x-ratelimit-reset': window.reset,
    date: window.date,
  };
}

/** The thread answer for an id, as Plain shapes it. */
export function threadAnswer(id) {
  return JSON.stringify({
    data: {
      thread: {
        id,
        ref: 'T-1',
        title: 'Benchmark thread',
        channel: 'EMAIL',
        status: 'TODO',
        customer: { id: 'c_bench' },
      },
    },
  });
}

/** Which operation a request body carries, without parsing it (the SDK's serialiser is not ours to assume). */
export function operationOf(body) {
  if (body.includes(REPLY_MARK)) return 'ReplyToThread';
  if (body.includes(THREAD_QUERY_MARK)) return 'GetThread';
  return 'unknown';
}

/** Builds an instant `fetch`. `onRequest(operation)` is called for each request (to count them). */
export function instantFetch(onRequest) {
  return async (_url, init) => {
    const body = String(init?.body ?? '');
    const operation = operationOf(body);
    onRequest?.(operation);
    if (operation === 'ReplyToThread') return new Response(REPLY_OK, { status: 200, headers: headers() });
    if (operation === 'GetThread') {
      const id = /"threadId":"([^"]+)"/.exec(body)?.[1] ?? 'th_unknown';
      return new Response(threadAnswer(id), { status: 200, headers: headers() });
    }
    return new Response('{"errors":[{"message":"unknown operation"}]}', { status: 400, headers: headers() });
  };
}

/** Plain-like thread ids (`th_` and 26 characters). */
export const threadId = (prefix, i) => `th_${prefix}${String(i).padStart(26 - prefix.length, '0')}`;

export const API_KEY = 'plainApiKey_benchmark_0123456789abcdef';
export const TEXT = 'Thanks for the report, this is fixed in 2.1.';
