import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlainClient, type PlainClientOptions, type RequestEvent, type ResponseEvent } from '../src/index.js';
import { type HostileServer, healthyPlain, send, sendJson, startHostileServer, threadJson } from './hostile-server.js';

// The API key leaves in no result and no hook payload, whatever form a server (or a fetch error) echoes it in; and a
// short or common key, as people use in tests, never rewrites anything in a result.

/** A key shaped like a real one, with a `/` so that JSON can also spell it `\/`. */
const SECRET_HEAD = 'Zq8XvL2mN9pR4wT7';
const SECRET_TAIL = 'yK1cH5jD3fG6sA0bE2uI7oQ';
const KEY = `plainApiKey_${SECRET_HEAD}/${SECRET_TAIL}`;

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterEach(() => {
  server.requests.length = 0;
  server.answerWith(healthyPlain);
});
afterAll(() => server.close());

/** A client with hooks that record every payload they are given. */
function clientWith(apiKey: string, options: Partial<PlainClientOptions> = {}) {
  const payloads: (RequestEvent | ResponseEvent)[] = [];
  const plain = new PlainClient({
    apiKey,
    apiUrl: server.url,
    maxRetries: 0,
    timeoutMs: 5_000,
    onRequest: (event) => payloads.push(event),
    onResponse: (event) => payloads.push(event),
    ...options,
  });
  return { plain, payloads };
}

/** Undoes JSON's `\uXXXX` and `\/` spellings, however many backslashes a re-serialisation added. */
const unescaped = (text: string) =>
  text
    .replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\+\//g, '/');

/** Whether any secret part of the key is readable in `value`, in any spelling. */
function leaks(value: unknown): boolean {
  const text = JSON.stringify(value) ?? '';
  return [text, unescaped(text)].some((t) => t.includes(SECRET_HEAD) || t.includes(SECRET_TAIL));
}

/** `\u` escapes for every character of `text`, upper-case hex digits when asked. */
const uEscaped = (text: string, upper = false) =>
  [...text]
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .map((e) => (upper ? e.toUpperCase().replace('\\U', '\\u') : e))
    .join('');

/** The ways a JSON answer can spell the key (each is a JSON string body, without quotes). */
const SPELLINGS: [string, string][] = [
  ['raw', KEY],
  ['with its first letter as \\u0070', `\\u0070${KEY.slice(1)}`],
  ['with every character \\u-escaped', uEscaped(KEY)],
  [
    'with upper-case \\u escapes in the middle',
    `plainApiKey_${uEscaped(SECRET_HEAD.slice(0, 4), true)}${SECRET_HEAD.slice(4)}/${SECRET_TAIL}`,
  ],
  ['with its slash as \\/', KEY.replace('/', '\\/')],
  ['glued to the words around it', `Bearer${KEY}xyz`],
];

describe('an echoed key leaves in no result and no hook payload', () => {
  for (const [spelling, key] of SPELLINGS) {
    it(`in a 401's GraphQL error message, ${spelling}`, async () => {
      const body = `{"errors":[{"message":"Invalid API key ${key}","extensions":{"code":"UNAUTHENTICATED"}}]}`;
      server.answerWith((_, res) => send(res, body, { status: 401, headers: { 'content-type': 'application/json' } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.getThread('th_1');

      expect(result).toMatchObject({ ok: false, error: { kind: 'unauthenticated', status: 401 } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });

    it(`in a GraphQL error's message, code and path, ${spelling}`, async () => {
      const body = `{"errors":[{"message":"no ${key}","path":["thread","${key}"],"extensions":{"code":"${key}"}}]}`;
      server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.getThread('th_1');

      expect(result).toMatchObject({ ok: false, error: { kind: 'graphql_error' } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });

    it(`in a reply's MutationError message and field errors, ${spelling}`, async () => {
      const body = `{"data":{"replyToThread":{"error":{"message":"bad ${key}","type":"VALIDATION","code":"input_validation","fields":[{"field":"${key}","message":"${key}","type":"VALIDATION"}]}}}}`;
      server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.replyToThread(
        { threadId: 'th_1', textContent: 'Hello' },
        { thread: { id: 'th_1', channel: 'EMAIL' } },
      );

      expect(result).toMatchObject({ ok: false, error: { kind: 'validation', code: 'input_validation' } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });

    it(`in a thread's title and as a property name, ${spelling}`, async () => {
      const thread = JSON.stringify(threadJson('th_1')).slice(0, -1);
      const body = `{"data":{"thread":${thread},"note":"${key}","${key}":1}}}`.replace(
        '"title":"Help"',
        `"title":"Ask ${key}"`,
      );
      server.answerWith((_, res) => send(res, body, { headers: { 'content-type': 'application/json' } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.getThread('th_1');

      expect(result).toMatchObject({ ok: true, data: { id: 'th_1', channel: 'EMAIL' } });
      expect(result.data?.title.startsWith('Ask ')).toBe(true);
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });

    it(`in a 500's GraphQL error, ${spelling}`, async () => {
      const body = `{"errors":[{"message":"crashed on ${key}","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`;
      server.answerWith((_, res) => send(res, body, { status: 500, headers: { 'content-type': 'application/json' } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.replyToThread(
        { threadId: 'th_1', textContent: 'Hello' },
        { thread: { id: 'th_1', channel: 'EMAIL' } },
      );

      expect(result).toMatchObject({ ok: false, error: { kind: 'server_error', mayHaveBeenSent: true } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });
  }

  for (const header of ['apigw-requestid', 'x-request-id']) {
    it(`in the ${header} header of a success`, async () => {
      server.answerWith((_, res) =>
        sendJson(res, { data: { replyToThread: { error: null } } }, { headers: { [header]: `req ${KEY}` } }),
      );
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.replyToThread(
        { threadId: 'th_1', textContent: 'Hello' },
        { thread: { id: 'th_1', channel: 'EMAIL' } },
      );

      expect(result).toMatchObject({ ok: true, data: { threadId: 'th_1' } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });

    it(`in the ${header} header of a failure`, async () => {
      server.answerWith((_, res) => send(res, '<html>oops</html>', { status: 502, headers: { [header]: KEY } }));
      const { plain, payloads } = clientWith(KEY);

      const result = await plain.getThread('th_1');

      expect(result).toMatchObject({ ok: false, error: { kind: 'server_error', status: 502 } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });
  }

  it("in a redirect's location", async () => {
    server.answerWith((_, res) =>
      send(res, '', { status: 307, headers: { location: `https://elsewhere.test/?key=${KEY}` } }),
    );
    const { plain, payloads } = clientWith(KEY);

    const result = await plain.replyToThread(
      { threadId: 'th_1', textContent: 'Hello' },
      { thread: { id: 'th_1', channel: 'EMAIL' } },
    );

    expect(result.ok).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(leaks(result)).toBe(false);
    expect(leaks(payloads)).toBe(false);
  });

  const fetchErrors: [string, () => unknown][] = [
    ['message', () => new TypeError(`fetch failed for Bearer ${KEY}`)],
    [
      'cause',
      () => new TypeError('fetch failed', { cause: new Error(`connect refused (Authorization: Bearer ${KEY})`) }),
    ],
    [
      'cause of its cause',
      () =>
        new TypeError('fetch failed', {
          cause: new Error('outer', { cause: Object.assign(new Error(KEY), { code: KEY }) }),
        }),
    ],
    [
      'AggregateError entries',
      () =>
        new TypeError('fetch failed', {
          cause: new AggregateError([new Error(`a ${KEY}`), new Error(`b ${KEY}`)], 'all failed'),
        }),
    ],
    [
      'request it carries',
      () => Object.assign(new TypeError('fetch failed'), { request: { headers: { authorization: `Bearer ${KEY}` } } }),
    ],
    ['rejection that is a string', () => `Bearer ${KEY} was refused`],
    ['rejection that is a plain object', () => ({ message: `no ${KEY}`, headers: { authorization: `Bearer ${KEY}` } })],
  ];
  for (const [where, error] of fetchErrors) {
    it(`in a fetch error's ${where}`, async () => {
      const { plain, payloads } = clientWith(KEY, { fetch: () => Promise.reject(error()) });

      const result = await plain.replyToThread(
        { threadId: 'th_1', textContent: 'Hello' },
        { thread: { id: 'th_1', channel: 'EMAIL' } },
      );

      expect(result).toMatchObject({ ok: false, error: { kind: 'network' } });
      expect(leaks(result)).toBe(false);
      expect(leaks(payloads)).toBe(false);
    });
  }

  it('in an error thrown synchronously by fetch', async () => {
    const { plain, payloads } = clientWith(KEY, {
      fetch: () => {
        throw new Error(`bad header Bearer ${KEY}`);
      },
    });

    const result = await plain.replyToThread(
      { threadId: 'th_1', textContent: 'Hello' },
      { thread: { id: 'th_1', channel: 'EMAIL' } },
    );

    expect(result.ok).toBe(false);
    expect(leaks(result)).toBe(false);
    expect(leaks(payloads)).toBe(false);
  });

  it("text that only shares the key's prefix, or one of its halves, is left as it was", async () => {
    const title = `plainApiKey_ keys start with plainApiKey_; ${SECRET_HEAD} is not the key`;
    server.answerWith((_, res) => sendJson(res, { data: { thread: { ...threadJson('th_1'), title } } }));
    const { plain } = clientWith(KEY);

    const result = await plain.getThread('th_1');

    expect(result).toMatchObject({ ok: true, data: { id: 'th_1', title } });
  });
});

describe('a short or common key never rewrites a result', () => {
  it("apiKey 'test': a thread id with 'test' in it comes back unchanged from a reply", async () => {
    const { plain } = clientWith('test');

    const result = await plain.replyToThread({ threadId: 'th_test_1', textContent: 'testing' });

    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_test_1', channel: 'EMAIL' } });
    expect(server.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread']);
  });

  it("apiKey 'test': the thread a lookup finds comes back unchanged", async () => {
    server.answerWith((_, res) =>
      sendJson(
        res,
        { data: { thread: { ...threadJson('th_test_1'), title: 'test title' } } },
        { headers: { 'apigw-requestid': 'req-test-1' } },
      ),
    );
    const { plain } = clientWith('test');

    const result = await plain.getThread('th_test_1');

    expect(result).toMatchObject({ ok: true, requestId: 'req-test-1', data: { id: 'th_test_1', title: 'test title' } });
  });

  it("apiKey 'test': a thread that does not exist is named unchanged in the error", async () => {
    server.answerWith((_, res) => sendJson(res, { data: { thread: null } }));
    const { plain } = clientWith('test');

    const result = await plain.replyToThread({ threadId: 'th_test_1', textContent: 'Hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'thread_not_found', threadId: 'th_test_1' } });
    expect(result.error!.message).toContain('th_test_1');
  });

  it("apiKey 'test': Plain's error message comes back unchanged", async () => {
    server.answerWith((_, res) => sendJson(res, { errors: [{ message: 'test failed: field "latest" is unknown' }] }));
    const { plain } = clientWith('test');

    const result = await plain.getThread('th_1');

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'graphql_error', errors: [{ message: 'test failed: field "latest" is unknown' }] },
    });
    expect(result.error!.message).toContain('test failed: field "latest" is unknown');
  });

  it("apiKey 'k': a success keeps its keys and values", async () => {
    const { plain } = clientWith('k');

    const result = await plain.replyToThread(
      { threadId: 'th_kk', textContent: 'ok' },
      { thread: { id: 'th_kk', channel: 'EMAIL' } },
    );

    expect(result).toEqual({ ok: true, data: { threadId: 'th_kk', channel: 'EMAIL' } });
  });

  it("apiKey 'k': an error keeps kind, message and every other key, as with a real key", async () => {
    server.answerWith((_, res) =>
      send(res, '<html>back soon</html>', { status: 503, headers: { 'content-type': 'text/html' } }),
    );
    const shortKey = clientWith('k');
    const realKey = clientWith(KEY);
    const send503 = (plain: PlainClient) =>
      plain.replyToThread({ threadId: 'th_k', textContent: 'Hello' }, { thread: { id: 'th_k', channel: 'EMAIL' } });

    const result = await send503(shortKey.plain);
    const asWithARealKey = await send503(realKey.plain);

    expect(result).toMatchObject({ ok: false, error: { kind: 'server_error', status: 503, mayHaveBeenSent: true } });
    expect(Object.keys(result.error!)).toEqual(
      expect.arrayContaining(['kind', 'message', 'attempts', 'retryable', 'mayHaveBeenSent', 'status']),
    );
    // The answer holds no key: the two results, and the two clients' hook payloads, are the same but for timing.
    expect(result).toEqual(asWithARealKey);
    const timeless = (payloads: unknown[]) => payloads.map((p) => ({ ...(p as object), durationMs: 0 }));
    expect(timeless(shortKey.payloads)).toEqual(timeless(realKey.payloads));
  });

  it("apiKey 'a': a failure reads exactly as with a real key", async () => {
    server.answerWith((_, res) =>
      sendJson(
        res,
        { errors: [{ message: 'a bad request', extensions: { code: 'BAD_REQUEST' } }] },
        { headers: { 'apigw-requestid': 'a-1' } },
      ),
    );

    const result = await clientWith('a').plain.getThread('th_a');
    const asWithARealKey = await clientWith(KEY).plain.getThread('th_a');

    expect(result).toMatchObject({
      ok: false,
      requestId: 'a-1',
      error: { kind: 'graphql_error', requestId: 'a-1', errors: [{ message: 'a bad request', code: 'BAD_REQUEST' }] },
    });
    expect(result).toEqual(asWithARealKey);
  });
});
