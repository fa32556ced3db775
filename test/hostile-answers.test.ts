import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlainClient, type PlainClientOptions, type ReplyOptions } from '../src/index.js';
import {
  compressionBomb,
  type HostileServer,
  healthyPlain,
  peakRss,
  send,
  sendJson,
  settledWithin,
  startHostileServer,
  streamForever,
  threadJson,
  within,
} from './hostile-server.js';

// Answers a hostile or broken server could send, through the public client against a real local HTTP server. Whatever
// comes back, a call resolves (never rejects, never hangs) to one of the documented error kinds, memory stays
// bounded, a reply is never sent twice, and a later call on the same client still works.

const KEY = 'plainApiKey_hostileAnswersTestKey000000000000000000000';
const THREAD = { id: 'th_1', channel: 'EMAIL' as const };
const MiB = 1 << 20;
const SUCCESS = { data: { replyToThread: { error: null } } };

/** The client options of this suite; `maxResponseBytes` is the option the rewrite adds. */
type Options = Partial<PlainClientOptions> & { maxResponseBytes?: number };

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterEach(() => {
  server.requests.length = 0;
  server.answerWith(healthyPlain);
});
afterAll(() => server.close());

const clientFor = (options: Options = {}) => {
  const all: Options = { apiKey: KEY, apiUrl: server.url, maxRetries: 0, timeoutMs: 5_000, ...options };
  return new PlainClient(all as PlainClientOptions);
};

/** A reply to a thread whose channel the caller already knows: no lookup, one request. */
const reply = (plain: PlainClient, options: ReplyOptions = {}) =>
  plain.replyToThread({ threadId: THREAD.id, textContent: 'Hello' }, { thread: THREAD, ...options });

/** Resolves within `ms` to the call's result; fails the test if the call rejected or was still pending. */
async function resolvedWithin<T>(call: Promise<T>, ms: number): Promise<T> {
  const settled = await settledWithin(call, ms);
  if (settled.state === 'rejected') throw new Error(`the call rejected: ${String(settled.reason)}`);
  if (settled.state === 'pending') throw new Error(`the call did not resolve within ${ms} ms`);
  return settled.value;
}

/** A later reply on the same client, against a healthy server: how it settled, within a bound. */
function nextReply(plain: PlainClient) {
  server.answerWith(healthyPlain);
  return settledWithin(reply(plain, { timeoutMs: 3_000 }), 4_000);
}

/** A later reply on the same client, against a healthy server, resolves ok: no gate or lookup was left stuck. */
async function expectNextReplyWorks(plain: PlainClient) {
  const before = server.count('ReplyToThread');
  expect(await nextReply(plain)).toMatchObject({
    state: 'resolved',
    value: { ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } },
  });
  expect(server.count('ReplyToThread')).toBe(before + 1);
}

/** `[[[…]]]`, `depth` levels deep. */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** `{"a":{"a":…1…}}`, `depth` levels deep. */
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('an answer bigger than maxResponseBytes is cut off at the cap', () => {
  let brotliBomb: Buffer;
  let gzipBomb: Buffer;
  beforeAll(async () => {
    // 2 GiB of zeros as about 390 KB of brotli, and 512 MiB as about 0.5 MB of gzip: both well under the 4 MiB cap
    // on the wire, so only a client that asks for no encoding or counts what they inflate to can stop them. The
    // server sends them whatever the request's accept-encoding says.
    [brotliBomb, gzipBomb] = await Promise.all([
      compressionBomb('br', 2 * 1024 * MiB),
      compressionBomb('gzip', 512 * MiB),
    ]);
  }, 20_000);

  it('a brotli answer that inflates to 2 GiB resolves unexpected_response, flagged, with memory bounded', async () => {
    server.answerWith((_, res) =>
      send(res, brotliBomb, { headers: { 'content-type': 'application/json', 'content-encoding': 'br' } }),
    );
    const plain = clientFor();
    const peakBefore = peakRss();

    const result = await resolvedWithin(reply(plain), 10_000);

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unexpected_response', mayHaveBeenSent: true, attempts: 1 },
    });
    expect(server.count('ReplyToThread')).toBe(1);
    expect(peakRss() - peakBefore).toBeLessThan(256 * MiB);
    await expectNextReplyWorks(plain);
  });

  it('a gzip answer that inflates to 512 MiB resolves unexpected_response, with memory bounded', async () => {
    server.answerWith((_, res) =>
      send(res, gzipBomb, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
    );
    const plain = clientFor();
    const peakBefore = peakRss();

    const result = await resolvedWithin(plain.getThread('th_1'), 10_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', attempts: 1 } });
    // A lookup changes nothing in Plain: it is not flagged.
    expect(result.error?.mayHaveBeenSent).toBeUndefined();
    expect(peakRss() - peakBefore).toBeLessThan(256 * MiB);
  });

  it('a well-formed GraphQL success of 8 MiB is refused as unexpected_response, flagged', async () => {
    const padding = 'a'.repeat(8 * MiB);
    server.answerWith((_, res) => sendJson(res, { data: { replyToThread: { error: null, padding } } }));

    const result = await resolvedWithin(reply(clientFor()), 10_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', mayHaveBeenSent: true } });
    expect(server.count('ReplyToThread')).toBe(1);
  });

  it('maxResponseBytes sets the cap: an answer over it is refused, one under it is read', async () => {
    const plain = clientFor({ maxResponseBytes: 1024 });
    server.answerWith((_, res) =>
      sendJson(res, { data: { replyToThread: { error: null, padding: 'a'.repeat(2048) } } }),
    );
    const over = await resolvedWithin(reply(plain), 5_000);
    expect(over).toMatchObject({ ok: false, error: { kind: 'unexpected_response', mayHaveBeenSent: true } });

    server.answerWith((_, res) =>
      sendJson(res, { data: { replyToThread: { error: null, padding: 'a'.repeat(100) } } }),
    );
    const under = await resolvedWithin(reply(plain), 5_000);
    expect(under).toMatchObject({ ok: true, data: { threadId: 'th_1' } });
    expect(server.count('ReplyToThread')).toBe(2);
  });

  it('four replies answered at once by the 512 MiB gzip answer: all refused, memory bounded', async () => {
    server.answerWith((_, res) =>
      send(res, gzipBomb, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
    );
    const plain = clientFor();
    const peakBefore = peakRss();

    const results = await resolvedWithin(Promise.all(Array.from({ length: 4 }, () => reply(plain))), 10_000);

    for (const result of results)
      expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', mayHaveBeenSent: true } });
    expect(server.count('ReplyToThread')).toBe(4);
    expect(peakRss() - peakBefore).toBeLessThan(256 * MiB);
  });

  it('an endless body that arrives fast is cut at the cap, long before the timeout, and its connection closed', async () => {
    server.answerWith((_, res) => streamForever(res, { chunk: 'a'.repeat(64 * 1024), everyMs: 1 }));

    const result = await resolvedWithin(reply(clientFor({ timeoutMs: 30_000 })), 8_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', mayHaveBeenSent: true } });
    const [request] = server.requests;
    expect(await within(request!.whenClosed, 1_000)).toBe(true);
  });

  it('an answer just under the default cap is read as usual', async () => {
    const padding = 'a'.repeat(3 * MiB);
    server.answerWith((_, res) => sendJson(res, { data: { replyToThread: { error: null, padding } } }));
    const result = await resolvedWithin(reply(clientFor()), 10_000);
    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
  });
});

describe('deeply nested answers resolve, and leave the client working', () => {
  // A backslash escape anywhere in an answer makes a key-redacting client look through every string it parsed.
  const ESCAPE = '"note":"line\\nbreak"';

  it('a reply answered with arrays nested 5,000 levels deep', async () => {
    const body = `{"data":{"replyToThread":{"error":null,"x":${deepArray(5_000)}}},"extensions":{${ESCAPE}}}`;
    server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
    // A fresh client: its rate-limit gate knows nothing yet, so it lets one request through and holds the rest
    // until that one reports back.
    const plain = clientFor();

    const first = await settledWithin(reply(plain), 5_000);
    const next = await nextReply(plain);

    // The data says the reply ran; whatever else is in the answer does not change that.
    expect(first).toMatchObject({ state: 'resolved', value: { ok: true, data: { threadId: 'th_1' } } });
    expect(next).toMatchObject({ state: 'resolved', value: { ok: true } });
  });

  it('a reply answered with objects nested 5,000 levels deep', async () => {
    const body = `{"data":{"replyToThread":{"error":null,"x":${deepObject(5_000)}}},"extensions":{${ESCAPE}}}`;
    server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
    const plain = clientFor();

    const first = await settledWithin(reply(plain), 5_000);
    const next = await nextReply(plain);

    expect(first).toMatchObject({ state: 'resolved', value: { ok: true, data: { threadId: 'th_1' } } });
    expect(next).toMatchObject({ state: 'resolved', value: { ok: true } });
  });

  it('a GraphQL error whose path and extensions are nested 5,000 levels deep', async () => {
    const body = `{"errors":[{"message":"bad","path":${deepArray(5_000)},"extensions":{"cause":${deepObject(5_000)},${ESCAPE}}}]}`;
    server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
    const plain = clientFor();

    const first = await settledWithin(plain.getThread('th_1'), 5_000);
    const next = await nextReply(plain);

    expect(first).toMatchObject({ state: 'resolved', value: { ok: false, error: { kind: 'graphql_error' } } });
    // What a caller does with a result: log it.
    expect(() => JSON.stringify(first)).not.toThrow();
    expect(next).toMatchObject({ state: 'resolved', value: { ok: true } });
  });

  it('a thread lookup whose thread carries a field nested 50,000 levels deep', async () => {
    const body = `{"data":{"thread":{"id":"th_1","ref":"T-1","title":"Help","channel":"EMAIL","status":"TODO","customer":{"id":"c_1"},"x":${deepArray(50_000)}}},"extensions":{${ESCAPE}}}`;
    server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
    const plain = clientFor();

    const first = await settledWithin(plain.getThread('th_1'), 5_000);
    const next = await nextReply(plain);

    expect(first.state).toBe('resolved');
    const result = first.state === 'resolved' ? first.value : undefined;
    // Either the thread, or an answer refused as unreadable: both are fine, a rejection or a hang is not.
    expect(result?.ok === true || result?.error?.kind === 'unexpected_response').toBe(true);
    if (result?.ok) expect(result.data).toMatchObject({ id: 'th_1', channel: 'EMAIL' });
    expect(next).toMatchObject({ state: 'resolved', value: { ok: true } });
  });

  it('a fetch error whose cause chain is 5,000 levels deep resolves network', async () => {
    let root: Error = new Error('socket hang up');
    for (let i = 0; i < 5_000; i++) root = new Error(`layer ${i}`, { cause: root });
    const thrown = new TypeError('fetch failed', { cause: root });
    const plain = new PlainClient({
      apiKey: KEY,
      apiUrl: server.url,
      maxRetries: 0,
      fetch: async () => Promise.reject(thrown),
    });

    const result = await resolvedWithin(reply(plain), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'network', mayHaveBeenSent: true } });
    expect(() => JSON.stringify(result)).not.toThrow();
  });
});

describe('huge error answers give bounded messages', () => {
  const BOUND = 10_000;

  it('100,000 GraphQL errors', async () => {
    const errors = Array.from({ length: 100_000 }, (_, i) => ({ message: `error number ${i}` }));
    server.answerWith((_, res) => sendJson(res, { errors }));

    const result = await resolvedWithin(clientFor().getThread('th_1'), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'graphql_error' } });
    expect(result.error!.message.length).toBeLessThan(BOUND);
  });

  it('one GraphQL error with a 3 MB message', async () => {
    server.answerWith((_, res) => sendJson(res, { errors: [{ message: 'x'.repeat(3_000_000) }] }, { status: 500 }));

    const result = await resolvedWithin(reply(clientFor()), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'server_error', mayHaveBeenSent: true } });
    expect(result.error!.message.length).toBeLessThan(BOUND);
  });

  it('a MutationError with a 3 MB message', async () => {
    const error = { message: 'y'.repeat(3_000_000), type: 'VALIDATION', code: 'input_validation', fields: [] };
    server.answerWith((_, res) => sendJson(res, { data: { replyToThread: { error } } }));

    const result = await resolvedWithin(reply(clientFor()), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'validation', code: 'input_validation' } });
    expect(result.error!.message.length).toBeLessThan(BOUND);
  });
});

describe('redirects are never followed', () => {
  it('a 307 loop on a reply: one request reaches the server, flagged mayHaveBeenSent', async () => {
    server.answerWith((_, res) => send(res, '', { status: 307, headers: { location: server.url } }));

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unexpected_response', mayHaveBeenSent: true, status: 307 },
    });
  });

  it('a 308 to another path on a reply: one request, flagged mayHaveBeenSent', async () => {
    server.answerWith((request, res) =>
      request.path === '/elsewhere'
        ? sendJson(res, SUCCESS)
        : send(res, '', { status: 308, headers: { location: `${server.origin}/elsewhere` } }),
    );

    const result = await resolvedWithin(reply(clientFor()), 5_000);

    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unexpected_response', mayHaveBeenSent: true, status: 308 },
    });
  });

  it('a 301 to another URL: exactly one POST and no GET, and the reply is not reported delivered', async () => {
    // A fetch that follows a 301 turns the POST into a GET, which an endpoint may well answer with a "success".
    server.answerWith((request, res) =>
      request.path === '/elsewhere'
        ? sendJson(res, SUCCESS)
        : send(res, '', { status: 301, headers: { location: `${server.origin}/elsewhere` } }),
    );

    const result = await resolvedWithin(reply(clientFor()), 5_000);

    expect(server.requests.map((r) => r.method)).toEqual(['POST']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ mayHaveBeenSent: true, status: 301 });
  });

  it('a 302 on a thread lookup: one request, a typed error, no reply sent', async () => {
    server.answerWith((request, res) =>
      request.path === '/elsewhere'
        ? sendJson(res, { data: { thread: threadJson('th_9') } })
        : send(res, '', { status: 302, headers: { location: `${server.origin}/elsewhere` } }),
    );

    const result = await resolvedWithin(clientFor().replyToThread({ threadId: 'th_9', textContent: 'Hello' }), 5_000);

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /graphql/v1']);
    expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', status: 302 } });
    expect(result.error?.mayHaveBeenSent).toBeUndefined();
    expect(server.count('ReplyToThread')).toBe(0);
  });
});

describe('an answer to a reply that is not a definitive refusal is flagged mayHaveBeenSent', () => {
  const pages: [string, number, string, string][] = [
    ['a 400 HTML page', 400, 'text/html', '<html><body>Bad Request</body></html>'],
    ['a 404 text answer', 404, 'text/plain', 'Not Found'],
    ['a 405 HTML page', 405, 'text/html', '<html>Method Not Allowed</html>'],
    ['a 200 with an empty body', 200, 'application/json', ''],
    ['a 200 with a JSON list', 200, 'application/json', '[]'],
    ['a 502 HTML page', 502, 'text/html', '<html>Bad Gateway</html>'],
  ];
  for (const [what, status, type, body] of pages) {
    it(what, async () => {
      server.answerWith((_, res) => send(res, body, { status, headers: { 'content-type': type } }));

      const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ mayHaveBeenSent: true, status });
      expect(server.count('ReplyToThread')).toBe(1);
    });
  }
});

describe('a reply whose answer shows it ran is never retried', () => {
  const ranButRateLimited = { ...SUCCESS, errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED' } }] };

  it('replyToThread.error null plus a RATE_LIMITED error: sent once, ok', async () => {
    server.answerWith((_, res) => sendJson(res, ranButRateLimited));

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

    expect(server.count('ReplyToThread')).toBe(1);
    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
  });

  it('the same answer with HTTP 429: sent once, ok', async () => {
    server.answerWith((_, res) => sendJson(res, ranButRateLimited, { status: 429, headers: { 'retry-after': '0' } }));

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

    expect(server.count('ReplyToThread')).toBe(1);
    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
  });

  it('a plain 429 with no data is still retried (the reply certainly did not run)', async () => {
    // Retried after a short wait (a client may add a floor and jitter to `retry-after: 0`).
    let calls = 0;
    server.answerWith((_, res) =>
      ++calls === 1
        ? sendJson(
            res,
            { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] },
            { status: 429, headers: { 'retry-after': '0' } },
          )
        : sendJson(res, SUCCESS),
    );

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 15_000);

    expect(server.count('ReplyToThread')).toBe(2);
    expect(result).toMatchObject({ ok: true });
  });
});

describe('malformed answers resolve to a typed error', () => {
  const malformed: [string, string | Buffer][] = [
    ['errors that are not objects', '{"errors":[null,1,"x",[],true]}'],
    [
      'error messages that are not strings',
      '{"errors":[{"message":{"toString":1}},{"message":null},{"message":[1,2]}]}',
    ],
    ['errors that is an object, not a list', '{"errors":{"message":"x"}}'],
    ['data that is a string', '{"data":"yes"}'],
    [
      'a MutationError with fields of the wrong types',
      '{"data":{"replyToThread":{"error":{"message":1,"type":[],"code":{},"fields":"x"}}}}',
    ],
    [
      'a MutationError whose fields list holds junk',
      '{"data":{"replyToThread":{"error":{"message":"m","type":"VALIDATION","code":"c","fields":[null,1,{"field":2}]}}}}',
    ],
    ['a JSON-hijacking prefix', ')]}\',\n{"data":{"replyToThread":{"error":null}}}'],
    [
      'a byte-order mark and invalid UTF-8',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"data":'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('}'),
      ]),
    ],
  ];
  for (const [what, body] of malformed) {
    it(what, async () => {
      server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));

      const settled = await settledWithin(reply(clientFor()), 5_000);

      expect(settled.state).toBe('resolved');
      const result = settled.state === 'resolved' ? settled.value : undefined;
      // Either a typed refusal Plain sent, or an answer that cannot be read: flagged, since the reply went out.
      expect(result?.ok).toBe(false);
      if (result?.error?.kind !== 'validation' && result?.error?.kind !== 'graphql_error')
        expect(result?.error).toMatchObject({ mayHaveBeenSent: true });
      expect(server.count('ReplyToThread')).toBe(1);
    });
  }

  it('__proto__ and constructor keys anywhere in an answer pollute nothing', async () => {
    const body =
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"data":{"__proto__":{"polluted":1},' +
      '"thread":{"id":"th_1","ref":"T-1","title":"Help","channel":"EMAIL","status":"TODO","customer":{"id":"c_1"},"__proto__":{"polluted":1}}}}';
    server.answerWith((_, res) =>
      send(res, body, { headers: { 'content-type': 'application/json', 'apigw-requestid': '__proto__' } }),
    );

    const result = await resolvedWithin(clientFor().getThread('th_1'), 5_000);

    expect(result).toMatchObject({ ok: true, data: { id: 'th_1', channel: 'EMAIL' } });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((result.data as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('a connection closed halfway through the answer to a reply: network, flagged', async () => {
    server.answerWith((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"replyToThread":');
      setTimeout(() => res.destroy(), 20);
    });

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'network', mayHaveBeenSent: true } });
    expect(server.count('ReplyToThread')).toBe(1);
  });

  it('a connection closed after the request was read, with no answer: network, flagged, not retried', async () => {
    server.answerWith((_, res) => {
      res.socket?.destroy();
    });

    const result = await resolvedWithin(reply(clientFor({ maxRetries: 2 })), 5_000);

    expect(result).toMatchObject({ ok: false, error: { kind: 'network', mayHaveBeenSent: true } });
    expect(server.count('ReplyToThread')).toBe(1);
  });

  it('a thread lookup whose channel is a 1 MB string: refused locally with a bounded message, no reply sent', async () => {
    server.answerWith((_, res) =>
      sendJson(res, { data: { thread: threadJson('th_7', `EMAIL${'x'.repeat(1_000_000)}`) } }),
    );

    const result = await resolvedWithin(clientFor().replyToThread({ threadId: 'th_7', textContent: 'Hello' }), 5_000);

    expect(result.ok).toBe(false);
    expect(['cannot_reply_to_thread', 'unexpected_response']).toContain(result.error!.kind);
    expect(result.error!.message.length).toBeLessThan(10_000);
    expect(JSON.stringify(result).length).toBeLessThan(100_000);
    expect(server.count('ReplyToThread')).toBe(0);
  });
});

describe('refusals before sending', () => {
  const cc = { email: { additionalRecipients: [{ email: 'boss@example.com' }] } };

  it('Cc on a CHAT thread given by the caller: refused locally, nothing sent, and the message names where Cc applies', async () => {
    const result = await resolvedWithin(
      clientFor().replyToThread(
        { threadId: 'th_1', textContent: 'Hello', channelSpecificOptions: cc },
        { thread: { id: 'th_1', channel: 'CHAT' } },
      ),
      5_000,
    );

    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'cannot_reply_to_thread',
        reason: 'channel_specific_options_not_supported',
        source: 'local',
        channel: 'CHAT',
        attempts: 0,
      },
    });
    expect(server.requests).toHaveLength(0);
    expect(result.error!.message).not.toMatch(/only apply on CHAT/i);
    expect(result.error!.message).toMatch(/EMAIL/);
    expect(result.error!.message).toMatch(/API/);
  });

  it('Cc on a thread the lookup finds on CHAT: only the lookup is sent', async () => {
    server.answerWith((_, res) => sendJson(res, { data: { thread: threadJson('th_2', 'CHAT') } }));

    const result = await resolvedWithin(
      clientFor().replyToThread({ threadId: 'th_2', textContent: 'Hello', channelSpecificOptions: cc }),
      5_000,
    );

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'cannot_reply_to_thread', reason: 'channel_specific_options_not_supported' },
    });
    expect(server.requests.map((r) => r.operationName)).toEqual(['GetThread']);
    expect(result.error!.message).not.toMatch(/only apply on CHAT/i);
  });
});

describe('per-call options that throw resolve invalid_input, nothing sent', () => {
  const unhandled = vi.fn();
  beforeEach(() => {
    unhandled.mockClear();
  });
  beforeAll(() => {
    process.on('unhandledRejection', unhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', unhandled);
  });
  afterEach(async () => {
    // Give a stray rejection a chance to surface before checking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).not.toHaveBeenCalled();
  });

  const boom = () => {
    throw new Error('boom');
  };
  const throwingOptions: [string, () => unknown][] = [
    [
      'a timeoutMs getter that throws',
      () => ({
        get timeoutMs() {
          return boom();
        },
      }),
    ],
    [
      'a signal getter that throws',
      () => ({
        get signal() {
          return boom();
        },
      }),
    ],
    [
      'a maxRetries getter that throws',
      () => ({
        get maxRetries() {
          return boom();
        },
      }),
    ],
    [
      'a thread getter that throws',
      () => ({
        get thread() {
          return boom();
        },
      }),
    ],
    [
      'a Proxy whose every read throws',
      () => new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
    ],
    ['a thread option that is a Proxy whose reads throw', () => ({ thread: new Proxy({}, { get: boom }) })],
  ];

  for (const [what, options] of throwingOptions) {
    it(`replyToThread with ${what}`, async () => {
      const call = clientFor().replyToThread({ threadId: 'th_1', textContent: 'Hello' }, options() as ReplyOptions);
      const result = await resolvedWithin(call, 2_000);
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input', attempts: 0 } });
      expect(server.requests).toHaveLength(0);
    });
  }

  for (const [what, options] of throwingOptions.slice(0, 3)) {
    it(`getThread with ${what}`, async () => {
      const result = await resolvedWithin(clientFor().getThread('th_1', options() as ReplyOptions), 2_000);
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input', attempts: 0 } });
      expect(server.requests).toHaveLength(0);
    });
  }

  it('an input that is a Proxy whose reads throw', async () => {
    const input = new Proxy({ threadId: 'th_1', textContent: 'Hello' }, { get: boom });
    const result = await resolvedWithin(clientFor().replyToThread(input, { thread: THREAD }), 2_000);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input', attempts: 0 } });
    expect(server.requests).toHaveLength(0);
  });

  it('an input whose textContent getter throws', async () => {
    const input = {
      threadId: 'th_1',
      get textContent(): string {
        return boom();
      },
    };
    const result = await resolvedWithin(clientFor().replyToThread(input), 2_000);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input', attempts: 0 } });
    expect(server.requests).toHaveLength(0);
  });
});

describe('per-call options that change between reads', () => {
  it('a timeoutMs that reads 300 once and NaN afterwards still ends the call', async () => {
    // Validated as 300, then read again as NaN: a client that reads it twice would set no timer at all.
    server.answerWith(() => {}); // never answers
    let reads = 0;
    const options = {
      thread: THREAD,
      get timeoutMs() {
        return reads++ === 0 ? 300 : Number.NaN;
      },
    };

    const result = await resolvedWithin(
      clientFor().replyToThread({ threadId: 'th_1', textContent: 'Hello' }, options),
      3_000,
    );

    expect(result.ok).toBe(false);
    expect(['invalid_input', 'timeout']).toContain(result.error!.kind);
  });
});

describe('concurrent replies through a hostile thread lookup', () => {
  it('50 replies to one unknown thread whose lookup answer is nested 50,000 levels deep: all resolve, none is sent', async () => {
    const body = `{"data":{"thread":{"id":${deepArray(50_000)}}},"extensions":{"note":"a\\nb"}}`;
    server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
    const plain = clientFor();

    const calls = Array.from({ length: 50 }, () =>
      plain.replyToThread({ threadId: 'th_5', textContent: 'Hello' }, { timeoutMs: 2_000 }),
    );
    const settled = await Promise.all(calls.map((c) => settledWithin(c, 5_000)));
    const repliesSent = server.count('ReplyToThread');
    const next = await nextReply(plain);

    for (const s of settled)
      expect(s).toMatchObject({ state: 'resolved', value: { ok: false, error: { kind: 'unexpected_response' } } });
    expect(repliesSent).toBe(0);
    expect(next).toMatchObject({ state: 'resolved', value: { ok: true } });
    // The thread that failed to look up is looked up afresh, and the reply goes out once.
    const later = await resolvedWithin(
      plain.replyToThread({ threadId: 'th_5', textContent: 'Hello' }, { timeoutMs: 2_000 }),
      4_000,
    );
    expect(later).toMatchObject({ ok: true, data: { threadId: 'th_5', channel: 'EMAIL' } });
  });

  it('50 replies whose shared lookup finds the thread with a deeply nested extra field: each reply is sent once', async () => {
    const thread = JSON.stringify(threadJson('th_6')).slice(0, -1);
    const lookup = `{"data":{"thread":${thread},"x":${deepArray(50_000)}}},"extensions":{"note":"a\\nb"}}`;
    server.answerWith((request, res) =>
      request.operationName === 'GetThread'
        ? send(res, lookup, { headers: { 'content-type': 'application/json' } })
        : sendJson(res, SUCCESS),
    );
    const plain = clientFor();

    const calls = Array.from({ length: 50 }, () =>
      plain.replyToThread({ threadId: 'th_6', textContent: 'Hello' }, { timeoutMs: 2_000 }),
    );
    const settled = await Promise.all(calls.map((c) => settledWithin(c, 5_000)));

    for (const s of settled)
      expect(s).toMatchObject({ state: 'resolved', value: { ok: true, data: { threadId: 'th_6', channel: 'EMAIL' } } });
    expect(server.count('ReplyToThread')).toBe(50);
    expect(server.count('GetThread')).toBe(1);
  });
});
