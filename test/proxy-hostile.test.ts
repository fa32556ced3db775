import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GetThreadByRefDocument, GetThreadDocument, ReplyToThreadDocument } from '../src/generated/graphql.js';
import { PlainClient } from '../src/index.js';
import {
  createPlainProxy,
  type NodeRequestLike,
  type NodeResponseLike,
  type PlainProxyOptions,
  toNodeHandler,
} from '../src/proxy/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { rawExchange, rawPost, serve, statusOf, watchCrashes } from './support.js';

const KEY = 'plainApiKey_hostile_test_0123456789';
const PLAIN = 'https://plain.example.test/graphql/v1';
const MiB = 1024 * 1024;
const getThread = (threadId = 'th_mine') => ({
  query: String(GetThreadDocument),
  variables: { threadId },
  operationName: 'GetThread',
});
const getThreadByRef = (ref: string) => ({
  query: String(GetThreadByRefDocument),
  variables: { ref },
  operationName: 'GetThreadByRef',
});
const anyThread: PlainProxyOptions['authorize'] = () => ({ threads: 'any', impersonate: false });

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('https://app.example.test/api/plain', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A proxy whose Plain is `answer`; records what was forwarded (url, init). */
function proxyOver(
  answer: (init: RequestInit) => Response | Promise<Response>,
  extra: Partial<PlainProxyOptions> = {},
) {
  const forwarded: RequestInit[] = [];
  const fetch = (async (_url: unknown, init?: RequestInit) => {
    forwarded.push(init ?? {});
    return answer(init ?? {});
  }) as typeof globalThis.fetch;
  return { forwarded, proxy: createPlainProxy({ apiKey: KEY, apiUrl: PLAIN, authorize: anyThread, fetch, ...extra }) };
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
  return { status: response.status, code: body.errors[0]?.extensions.code, message: body.errors[0]?.message ?? '' };
}

/** A body stream that yields `chunk` on every pull, forever; counts what it gave and whether it was cancelled. */
function endless(chunk: Uint8Array) {
  const seen = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { seen, stream };
}

describe('toNodeHandler on a real server, under malformed requests', () => {
  const fake = createFakePlain();
  const thread = fake.addThread({ channel: 'CHAT' });
  const urlsSeen: string[] = [];
  const proxy = createPlainProxy({
    apiKey: fake.apiKey,
    fetch: fake.fetch,
    authorize: (request) => {
      urlsSeen.push(request.url);
      return { threads: [thread.id], impersonate: false };
    },
  });
  let server: Awaited<ReturnType<typeof serve>>;
  let watch: ReturnType<typeof watchCrashes>;
  beforeEach(async () => {
    watch = watchCrashes();
    urlsSeen.length = 0;
    server = await serve(toNodeHandler(proxy));
  });
  afterEach(async () => {
    await server.close();
    watch.stop();
  });

  const postRaw = (target: string, host: string, body: string) =>
    rawExchange(server.port, rawPost(target, { host, body }));

  /** The server still proxies a reply, and nothing went unhandled. */
  async function stillServes() {
    const plain = new PlainClient({ apiUrl: `${server.url}/api/plain`, maxRetries: 0 });
    expect(await plain.getThread(thread.id)).toMatchObject({ ok: true, data: { id: thread.id } });
    expect(watch.crashes).toEqual([]);
  }

  it('ignores a malformed Host: the request is answered, and authorize sees a localhost URL', async () => {
    const raw = await postRaw('/api/plain', '[::1', JSON.stringify(getThread(thread.id)));
    expect(statusOf(raw)).toBe(200);
    expect(urlsSeen).toEqual(['http://localhost/api/plain']);
    const refused = await rawExchange(
      server.port,
      'GET /api/plain HTTP/1.1\r\nHost: a b c\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(refused)).toBe(405);
    await stillServes();
  });

  it('takes a request target starting with // as a path on localhost, never as another host', async () => {
    const raw = await postRaw('//evil.example/api', 'app.example', JSON.stringify(getThread(thread.id)));
    expect(statusOf(raw)).toBe(200);
    const bare = await postRaw('//', 'app.example', '{}');
    expect(statusOf(bare)).toBe(400);
    expect(urlsSeen).toEqual(['http://localhost//evil.example/api']);
    await stillServes();
  });

  it('leaves a bad request line to Node (400) and keeps serving', async () => {
    expect(statusOf(await rawExchange(server.port, 'BREW /pot HTCPCP/1.0 junk\r\n\r\n'))).toBe(400);
    await stillServes();
  });
});

describe('toNodeHandler: its promise never rejects', () => {
  const request = (init: Partial<NodeRequestLike> = {}): NodeRequestLike => ({
    method: 'POST',
    url: '/api/plain',
    headers: { 'content-type': 'application/json' },
    async *[Symbol.asyncIterator]() {
      yield JSON.stringify(getThread());
    },
    ...init,
  });
  const response = (broken: 'setHeader' | 'end' | 'none' = 'none') => {
    const out = { statusCode: 0, headers: {} as Record<string, unknown>, ended: false };
    const res: NodeResponseLike = {
      get statusCode() {
        return out.statusCode;
      },
      set statusCode(value) {
        out.statusCode = value;
      },
      setHeader(name, value) {
        if (broken === 'setHeader') throw new TypeError('Invalid character in header content');
        out.headers[name] = value;
      },
      end() {
        if (broken === 'end') throw new Error('write after end');
        out.ended = true;
      },
    };
    return { out, res };
  };
  const { proxy } = proxyOver(() => Response.json({ data: { thread: null } }));

  it('with a malformed Host, a // target and no url at all', async () => {
    for (const init of [
      { headers: { host: '[::1', 'content-type': 'application/json' } },
      { url: '//' },
      { url: undefined },
    ]) {
      const { out, res } = response();
      await expect(toNodeHandler(proxy)(request(init), res)).resolves.toBeUndefined();
      expect(out).toMatchObject({ statusCode: 200, ended: true });
    }
  });

  it('when the request stream fails, the handler throws, or writing the answer fails', async () => {
    const failing = request({
      // biome-ignore lint/correctness/useYield: a stream that fails before its first chunk
      async *[Symbol.asyncIterator]() {
        throw new Error('socket reset');
      },
    });
    const first = response();
    await expect(toNodeHandler(proxy)(failing, first.res)).resolves.toBeUndefined();
    expect(first.out.statusCode).toBe(400);

    const second = response();
    const throwing = () => Promise.reject(new Error('handler bug'));
    await expect(toNodeHandler(throwing)(request(), second.res)).resolves.toBeUndefined();
    expect(second.out.statusCode).toBe(500);

    for (const broken of ['setHeader', 'end'] as const) {
      await expect(toNodeHandler(proxy)(request(), response(broken).res)).resolves.toBeUndefined();
    }
  });
});

describe('a ref the policy refuses is answered like a ref that does not exist', () => {
  const headers = { 'apigw-requestid': 'req-1', 'x-ratelimit-remaining': '9' };
  const refs: Record<string, string> = { 'T-1': 'th_mine', 'T-2': 'th_other', 'T-3': 'th_broken' };
  const answer = (init: RequestInit) => {
    const ref = JSON.parse(String(init.body)).variables.ref as string;
    const id = refs[ref];
    return Response.json(
      {
        data: {
          threadByRef: id ? { id, ref, title: 'x', channel: 'EMAIL', status: 'TODO', customer: { id: 'c_1' } } : null,
        },
      },
      { headers },
    );
  };
  const rule = (id: string) => {
    if (id === 'th_broken') throw new Error('lookup failed');
    return id === 'th_mine';
  };
  const snapshot = async (response: Response) => ({
    status: response.status,
    headers: [...response.headers],
    body: await response.text(),
  });

  it('byte for byte: same status, headers and body', async () => {
    const { proxy, forwarded } = proxyOver(answer, { authorize: () => ({ threads: rule, impersonate: false }) });
    const missing = await snapshot(await proxy(post(getThreadByRef('T-404'))));
    const refused = await snapshot(await proxy(post(getThreadByRef('T-2'))));
    const failedCheck = await snapshot(await proxy(post(getThreadByRef('T-3'))));
    expect(missing).toEqual({ status: 200, headers: expect.any(Array), body: '{"data":{"threadByRef":null}}' });
    expect(refused).toEqual(missing);
    expect(failedCheck).toEqual(missing);
    expect(forwarded).toHaveLength(3);
    const allowed = await proxy(post(getThreadByRef('T-1')));
    expect(await allowed.json()).toMatchObject({ data: { threadByRef: { id: 'th_mine' } } });
  });

  it('so PlainClient in the browser reports thread_not_found for both', async () => {
    const { proxy } = proxyOver(answer, { authorize: () => ({ threads: ['th_mine'], impersonate: false }) });
    const plain = new PlainClient({
      apiUrl: 'https://app.example.test/api/plain',
      maxRetries: 0,
      fetch: (url, init) => proxy(new Request(url, init)),
    });
    const refused = await plain.getThreadByRef('T-2');
    const missing = await plain.getThreadByRef('T-404');
    expect(refused.error).toMatchObject({ kind: 'thread_not_found' });
    expect(missing.error).toMatchObject({ kind: 'thread_not_found' });
  });
});

describe('only parsed, checked JSON reaches the browser', () => {
  it('re-serialises a GraphQL result and labels it application/json with nosniff', async () => {
    const { proxy } = proxyOver(
      () =>
        new Response('  { "data" : { "thread" : null } }  ', {
          headers: { 'content-type': 'text/html', 'x-request-id': 'r-1' },
        }),
    );
    const response = await proxy(post(getThread()));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(await response.text()).toBe('{"data":{"thread":null}}');
  });

  it('turns an answer that is not a GraphQL result into a 502 JSON error', async () => {
    const bodies = [
      '<script>alert(document.cookie)</script>',
      '',
      '[1,2]',
      '"data"',
      '{"foo":1}',
      '{"errors":"x"}',
      '{"data":5}',
      '{"data":{}',
      'null',
    ];
    for (const body of bodies) {
      const { proxy } = proxyOver(() => new Response(body, { status: 200, headers: { 'content-type': 'text/html' } }));
      const response = await proxy(post(getThread()));
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await errorOf(response)).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    }
  });

  it("passes Plain's own error statuses on with their checked JSON", async () => {
    const { proxy } = proxyOver(() =>
      Response.json(
        { errors: [{ message: 'Too many', extensions: { code: 'RATE_LIMITED' } }] },
        { status: 429, headers: { 'retry-after': '3' } },
      ),
    );
    const response = await proxy(post(getThread()));
    expect(await errorOf(response)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('answers a deeply nested answer without crashing', async () => {
    const depth = 1_000_000;
    const { proxy } = proxyOver(() => new Response(`{"data":{"thread":${'['.repeat(depth)}${']'.repeat(depth)}}}`));
    const response = await proxy(post(getThread()));
    expect([200, 502]).toContain(response.status);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('never sends the key back, in any JSON spelling', async () => {
    const escaped = [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const { proxy } = proxyOver(
      () =>
        new Response(
          `{"errors":[{"message":"bad key ${escaped} or ${KEY.replace('_', '\\/')}x${KEY}","extensions":{"code":"UNAUTHENTICATED"}}]}`,
          {
            status: 401,
            headers: { 'x-request-id': `id-${KEY}` },
          },
        ),
    );
    const response = await proxy(post(getThread()));
    const text = await response.text();
    expect(JSON.stringify(JSON.parse(text))).not.toContain(KEY);
    expect(JSON.parse(text).errors[0].message).toContain('[redacted]');
    expect(response.headers.get('x-request-id')).toBe('id-[redacted]');
  });
});

describe("Plain's answer is read with a size cap and a deadline", () => {
  it('checks maxResponseBytes', () => {
    for (const maxResponseBytes of [0, 1.5, -1, Number.NaN]) {
      expect(() => createPlainProxy({ apiKey: KEY, authorize: anyThread, maxResponseBytes })).toThrow(
        /maxResponseBytes must be a whole number >= 1/,
      );
    }
  });

  it('asks Plain for an unencoded answer and follows no redirect', async () => {
    const { proxy, forwarded } = proxyOver(() => Response.json({ data: { thread: null } }));
    await proxy(post(getThread()));
    expect(forwarded[0]?.redirect).toBe('manual');
    expect(new Headers(forwarded[0]?.headers).get('accept-encoding')).toBe('identity');
  });

  it('answers 502 past maxResponseBytes (4 MiB by default), and stops reading', async () => {
    const big = endless(new Uint8Array(64 * 1024).fill(0x20));
    const { proxy } = proxyOver(() => new Response(big.stream));
    expect(await errorOf(await proxy(post(getThread())))).toMatchObject({
      status: 502,
      code: 'BAD_GATEWAY',
      message: expect.stringMatching(/larger than 4194304 bytes/),
    });
    expect(big.seen.cancelled).toBe(true);
    expect(big.seen.bytes).toBeLessThan(4 * MiB + 256 * 1024);

    const small = endless(new TextEncoder().encode('{"data":{"thread":null}}     '));
    const capped = proxyOver(() => new Response(small.stream), { maxResponseBytes: 1000 });
    expect((await capped.proxy(post(getThread()))).status).toBe(502);
    expect(small.seen.cancelled).toBe(true);
  });

  it('answers 504 when the answer is still coming at the deadline, and stops reading', async () => {
    const seen = { cancelled: false };
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"data":'));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    // A fetch that ignores its signal: the proxy's own deadline must still end the read.
    const { proxy } = proxyOver(() => new Response(stalled), { timeoutMs: 50 });
    expect(await errorOf(await proxy(post(getThread())))).toMatchObject({ status: 504, code: 'GATEWAY_TIMEOUT' });
    expect(seen.cancelled).toBe(true);
  });

  it('answers a redirect with 502', async () => {
    const { proxy } = proxyOver(
      () => new Response(null, { status: 307, headers: { location: 'https://elsewhere.example/graphql' } }),
    );
    expect(await errorOf(await proxy(post(getThread())))).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
  });
});

describe("Plain's answer over real HTTP: bombs, endless bodies, redirects", () => {
  let plain: Awaited<ReturnType<typeof serve>>;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: { path: string; acceptEncoding: string | undefined; closedEarly: boolean }[] = [];
  let bomb: Buffer;
  beforeAll(async () => {
    // 200 MiB of zeros, compressed to a few hundred bytes (quality 4: as small as 11, and quicker to make).
    bomb = brotliCompressSync(Buffer.alloc(200 * MiB), { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    plain = await serve((req, res) => {
      const entry = { path: req.url ?? '', acceptEncoding: req.headers['accept-encoding'], closedEarly: false };
      seen.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) entry.closedEarly = true;
      });
      req.resume();
      req.on('end', () => answer(req, res));
    });
    return () => plain.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });
  const proxyTo = (extra: Partial<PlainProxyOptions> = {}) =>
    createPlainProxy({ apiKey: KEY, apiUrl: `${plain.url}/graphql/v1`, authorize: anyThread, ...extra });

  /** The largest growth of the process's resident memory while `work` runs. */
  async function peakGrowth<T>(work: () => Promise<T>) {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const result = await work();
      peak = Math.max(peak, process.memoryUsage().rss);
      return { result, growth: peak - before };
    } finally {
      clearInterval(sampler);
    }
  }

  it('a brotli bomb (200 MiB from a few hundred bytes) gets a 502, and memory stays bounded', async () => {
    expect(bomb.byteLength).toBeLessThan(10_000);
    answer = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'br',
        'content-length': bomb.byteLength,
      });
      res.end(bomb);
    };
    const { result, growth } = await peakGrowth(async () => errorOf(await proxyTo()(post(getThread()))));
    expect(result).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    expect(seen[0]?.acceptEncoding).toBe('identity');
    expect(growth).toBeLessThan(200 * MiB);
  });

  it('a body that never ends gets a 502 at the cap; the connection to Plain is closed', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', more);
      more();
    };
    const { result, growth } = await peakGrowth(async () => errorOf(await proxyTo()(post(getThread()))));
    expect(result).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen[0]?.closedEarly).toBe(true);
    expect(growth).toBeLessThan(200 * MiB);
  });

  it('a body that trickles forever gets a 504 at the deadline; the connection to Plain is closed', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
      const timer = setInterval(() => res.write(' '), 10);
      res.on('close', () => clearInterval(timer));
    };
    expect(await errorOf(await proxyTo({ timeoutMs: 200 })(post(getThread())))).toMatchObject({
      status: 504,
      code: 'GATEWAY_TIMEOUT',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen[0]?.closedEarly).toBe(true);
  });

  it('a 307 is not followed: 502, and the reply is posted once', async () => {
    answer = (req, res) => {
      if (req.url === '/moved') return void res.end('{"data":{"replyToThread":{"error":null}}}');
      res.writeHead(307, { location: `${plain.url}/moved` }).end();
    };
    const reply = {
      query: String(ReplyToThreadDocument),
      variables: { input: { threadId: 'th_1', textContent: 'once' } },
      operationName: 'ReplyToThread',
    };
    expect(await errorOf(await proxyTo()(post(reply)))).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    expect(seen.map((s) => s.path)).toEqual(['/graphql/v1']);
  });
});

describe('malformed requests get a 4xx, never a 5xx', () => {
  it('operationName that is not a string, or is huge', async () => {
    const { proxy, forwarded } = proxyOver(() => Response.json({ data: { thread: null } }), { maxBodyBytes: 32 * MiB });
    const names: unknown[] = [
      42,
      {},
      { toString: 1 },
      { toString: { valueOf: 1 } },
      [],
      ['GetThread'],
      true,
      'x'.repeat(10 * MiB),
    ];
    for (const operationName of names) {
      const response = await proxy(post({ ...getThread(), operationName }));
      const error = await errorOf(response);
      expect(error).toMatchObject({ status: 400, code: expect.any(String) });
      expect(error.message.length).toBeLessThan(500);
    }
    expect(forwarded).toHaveLength(0);
  });

  it('any body at all: 4xx, or 200 when it was a request worth forwarding', async () => {
    const { proxy, forwarded } = proxyOver(() =>
      Response.json({ data: { thread: null, threadByRef: null, replyToThread: { error: null } } }),
    );
    // Objects whose keys shadow what String() and JSON code reach for.
    const awkward = fc.dictionary(
      fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'then'),
      fc.jsonValue(),
      { minKeys: 1 },
    );
    const ours = fc.constantFrom(
      String(GetThreadDocument),
      String(GetThreadByRefDocument),
      String(ReplyToThreadDocument),
    );
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            query: fc.oneof(ours, fc.jsonValue()),
            variables: fc.jsonValue(),
            operationName: fc.oneof(fc.jsonValue(), awkward),
          },
          { requiredKeys: ['query'] },
        )
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          query: ours,
          variables: fc.record(
            { threadId: fc.jsonValue(), ref: fc.jsonValue(), input: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          operationName: fc.oneof(
            fc.constantFrom('GetThread', 'GetThreadByRef', 'ReplyToThread', undefined, null),
            awkward,
          ),
        })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = forwarded.length;
        const response = await proxy(post(text));
        expect(response.headers.get('content-type')).toBe('application/json');
        if (response.status === 200) expect(forwarded.length).toBe(before + 1);
        else expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
  });
});

describe('a body already read by a parser mounted before the proxy', () => {
  it('answers 500 with a message that says to mount the proxy first, and forwards nothing', async () => {
    const { proxy, forwarded } = proxyOver(() => Response.json({ data: { thread: null } }));
    const handler = toNodeHandler(proxy);
    // What express.json() does: reads the stream, leaves the object on req.body.
    const server = await serve(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      (req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
      await handler(req, res);
    });
    try {
      const response = await fetch(`${server.url}/api/plain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(getThread()),
      });
      const error = await errorOf(response);
      expect(error).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
      expect(error.message).toMatch(/already read/);
      expect(error.message).toMatch(/before any body parser/);
      expect(forwarded).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe("authorize's own Response", () => {
  it('reaches the browser with every Set-Cookie', async () => {
    const { proxy } = proxyOver(() => Response.json({ data: { thread: null } }), {
      authorize: () => {
        const headers = new Headers({ 'content-type': 'application/json' });
        headers.append('set-cookie', 'session=; Max-Age=0; Path=/');
        headers.append('set-cookie', 'csrf=; Max-Age=0; Path=/');
        return new Response('{"errors":[{"message":"Log in again."}]}', { status: 401, headers });
      },
    });
    const server = await serve(toNodeHandler(proxy));
    try {
      const response = await fetch(`${server.url}/api/plain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(getThread()),
      });
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual(['session=; Max-Age=0; Path=/', 'csrf=; Max-Age=0; Path=/']);
    } finally {
      await server.close();
    }
  });
});
