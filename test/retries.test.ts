import { afterEach, describe, expect, it } from 'vitest';
import { PlainClient, type PlainClientOptions, type RequestEvent, type ResponseEvent } from '../src/index.js';
import { createFakePlain, type FakeFault, type FakePlain } from '../src/testing/index.js';

// Everything here goes through `fake.fetch`: no network, no MSW. Assertions are about what was sent and what came
// back, never about how long anything took.

const fake = createFakePlain();
afterEach(() => fake.reset());

/** A client on `target`, recording every hook event. */
function clientOf(target: FakePlain, options: Partial<PlainClientOptions> = {}) {
  const requests: RequestEvent[] = [];
  const responses: ResponseEvent[] = [];
  const plain = new PlainClient({
    apiKey: target.apiKey,
    fetch: target.fetch,
    onRequest: (e) => requests.push(e),
    onResponse: (e) => responses.push(e),
    ...options,
  });
  return { plain, requests, responses };
}
const ops = (target: FakePlain = fake) => target.requests.map((r) => r.operationName);
const texts = (target: FakePlain = fake) => target.allMessages().map((m) => m.text);
const reply = (
  plain: PlainClient,
  threadId: string,
  text = 'Fixed in 2.1',
  options: Parameters<PlainClient['replyToThread']>[1] = {},
) => plain.replyToThread({ threadId, textContent: text }, options);
/** The thread's channel given by the caller: the reply is one request, with no lookup before it. */
const known = (id: string) => ({ thread: { id, channel: 'EMAIL' as const } });

describe('lookups are retried on every transient failure', () => {
  const faults: [string, FakeFault, string][] = [
    ['a 500', { status: 500 }, 'server_error'],
    ['a 503 after the lookup ran', { status: 503, afterRecording: true }, 'server_error'],
    ['a 429', { status: 429, retryAfterSeconds: 0.005 }, 'rate_limited'],
    ['a connection dropped before an answer', { drop: 'before' }, 'network'],
    ['a connection dropped after the lookup ran', { drop: 'after' }, 'network'],
    ['a refused connection', { drop: 'refused' }, 'network'],
    ['no answer in time', { delayMs: 5_000 }, 'timeout'],
  ];
  for (const [name, fault, kind] of faults) {
    it(`${name}: retried, then the reply goes out once`, async () => {
      const thread = fake.addThread({ channel: 'EMAIL' });
      fake.failNext({ ...fault, operation: 'GetThread' });
      const { plain, requests, responses } = clientOf(fake, { timeoutMs: 50 });

      const result = await reply(plain, thread.id);

      expect(result).toMatchObject({ ok: true, data: { threadId: thread.id, channel: 'EMAIL' } });
      // A refused connection never reaches Plain, so the fake only saw the retry.
      expect(ops()).toEqual(
        fault.drop === 'refused' ? ['GetThread', 'ReplyToThread'] : ['GetThread', 'GetThread', 'ReplyToThread'],
      );
      expect(requests.map((e) => [e.operationName, e.attempt])).toEqual([
        ['GetThread', 1],
        ['GetThread', 2],
        ['ReplyToThread', 1],
      ]);
      expect(responses[0]).toMatchObject({ operationName: 'GetThread', attempt: 1, errorKind: kind });
      expect(texts()).toEqual(['Fixed in 2.1']);
    });
  }

  it('gives up after maxRetries, with attempts counted and retryable (a lookup sends no reply)', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 500, operation: 'GetThread', times: 3 });
    const result = await reply(clientOf(fake).plain, thread.id);
    expect(result.error).toMatchObject({
      kind: 'server_error',
      status: 500,
      attempts: 3,
      retryable: true,
      requestId: 'fake-req-3',
    });
    expect(result.error!.message).not.toContain('may have been sent');
    expect(ops()).toEqual(['GetThread', 'GetThread', 'GetThread']);
    expect(texts()).toEqual([]);
  });

  it('getThread is retried the same way', async () => {
    const thread = fake.addThread({ channel: 'SLACK' });
    fake.failNext({ drop: 'after', operation: 'GetThread' });
    const found = await clientOf(fake).plain.getThread(thread.id);
    expect(found).toMatchObject({ ok: true, data: { id: thread.id, channel: 'SLACK' } });
    expect(ops()).toEqual(['GetThread', 'GetThread']);
  });

  it('a connection cut while the answer is read: network, retried', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    let cut = 1;
    const fetch: typeof globalThis.fetch = async (url, init) => {
      const response = await fake.fetch(url, init);
      return cut-- > 0 ? cutMidBody(response) : response;
    };
    const { plain, responses } = clientOf(fake, { fetch });
    const found = await plain.getThread(thread.id);
    expect(found).toMatchObject({ ok: true, data: { id: thread.id } });
    expect(responses.map((e) => e.errorKind)).toEqual(['network', undefined]);
  });
});

describe('the reply (a mutation) is never repeated when it may have run', () => {
  const uncertain: [string, FakeFault, string, number][] = [
    ['a 500 after Plain recorded the reply', { status: 500, afterRecording: true }, 'server_error', 1],
    ['a 502 before it did', { status: 502 }, 'server_error', 0],
    ['a connection dropped after Plain recorded the reply', { drop: 'after' }, 'network', 1],
    ['a connection dropped before it did', { drop: 'before' }, 'network', 0],
    ['no answer in time', { delayMs: 5_000 }, 'timeout', 0],
  ];
  for (const [name, fault, kind, landed] of uncertain) {
    it(`${name}: ${kind}, retryable false, says it may have been sent`, async () => {
      const thread = fake.addThread();
      fake.failNext({ ...fault, operation: 'ReplyToThread' });
      const { plain, requests } = clientOf(fake, { timeoutMs: 50, maxRetries: 5 });

      const result = await reply(plain, thread.id, 'Only once', known(thread.id));

      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ kind, attempts: 1, retryable: false });
      expect(result.error!.message).toContain('may have been sent');
      expect(ops()).toEqual(['ReplyToThread']);
      expect(requests).toHaveLength(1);
      expect(texts()).toEqual(landed ? ['Only once'] : []);
    });
  }

  it('a connection cut while the answer is read: network, not retried, says it may have been sent', async () => {
    const thread = fake.addThread();
    const fetch: typeof globalThis.fetch = async (url, init) => cutMidBody(await fake.fetch(url, init));
    const result = await reply(clientOf(fake, { fetch }).plain, thread.id, 'Only once', known(thread.id));
    expect(result.error).toMatchObject({ kind: 'network', attempts: 1, retryable: false, status: 200 });
    expect(result.error!.message).toContain('may have been sent');
    expect(ops()).toEqual(['ReplyToThread']);
    expect(texts()).toEqual(['Only once']);
  });

  it('a MutationError of type INTERNAL is returned, not retried', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      Response.json({
        data: {
          replyToThread: { error: { message: 'Something broke', type: 'INTERNAL', code: 'internal', fields: [] } },
        },
      });
    const { plain, requests } = clientOf(fake, { fetch });
    const result = await reply(plain, 'th_1', 'x', known('th_1'));
    expect(result.error).toMatchObject({ kind: 'mutation_error', code: 'internal', attempts: 1, retryable: false });
    expect(requests).toHaveLength(1);
  });
});

describe('the reply is retried only when it certainly did not run', () => {
  it('a refused connection: retried, the reply lands once', async () => {
    const thread = fake.addThread();
    fake.failNext({ drop: 'refused', operation: 'ReplyToThread' });
    const { plain, requests, responses } = clientOf(fake);
    const result = await reply(plain, thread.id, 'Hello', known(thread.id));
    expect(result.ok).toBe(true);
    expect(requests.map((e) => e.attempt)).toEqual([1, 2]);
    expect(responses[0]).toMatchObject({ attempt: 1, errorKind: 'network' });
    expect(texts()).toEqual(['Hello']);
  });

  it('refused every time: network, attempts counted, retryable (nothing was sent)', async () => {
    const thread = fake.addThread();
    fake.failNext({ drop: 'refused', operation: 'ReplyToThread', times: 3 });
    const result = await reply(clientOf(fake).plain, thread.id, 'Hello', known(thread.id));
    expect(result.error).toMatchObject({ kind: 'network', attempts: 3, retryable: true });
    expect(result.error!.message).not.toContain('may have been sent');
    expect(texts()).toEqual([]);
  });

  it('a 429: waits until x-ratelimit-reset, retries, the reply lands once', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 429, retryAfterSeconds: 0.02, operation: 'ReplyToThread' });
    const { plain, responses } = clientOf(fake);
    const result = await reply(plain, thread.id, 'Hello', known(thread.id));
    expect(result.ok).toBe(true);
    expect(responses.map((e) => [e.attempt, e.status])).toEqual([
      [1, 429],
      [2, 200],
    ]);
    expect(ops()).toEqual(['ReplyToThread', 'ReplyToThread']);
    expect(texts()).toEqual(['Hello']);
  });

  it('a 429 with Retry-After only: retried', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async (url, init) =>
      calls++ === 0
        ? Response.json(
            { errors: [{ message: 'Too Many Requests', extensions: { code: 'RATE_LIMITED' } }] },
            { status: 429, headers: { 'retry-after': '0' } },
          )
        : fake.fetch(url, init);
    const thread = fake.addThread();
    const result = await reply(clientOf(fake, { fetch }).plain, thread.id, 'Hello', known(thread.id));
    expect(result.ok).toBe(true);
    expect(texts()).toEqual(['Hello']);
  });

  it('429 every time: rate_limited after maxRetries + 1 attempts, retryable, nothing landed', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 429, retryAfterSeconds: 0.005, operation: 'ReplyToThread', times: 3 });
    const result = await reply(clientOf(fake).plain, thread.id, 'Hello', known(thread.id));
    expect(result.error).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 3, retryable: true });
    expect(ops()).toEqual(['ReplyToThread', 'ReplyToThread', 'ReplyToThread']);
    expect(texts()).toEqual([]);
  });

  it('a reset further away than maxRetryDelayMs fails fast; the next call sends nothing until the reset', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 429, retryAfterSeconds: 120, operation: 'ReplyToThread' });
    const { plain } = clientOf(fake);
    const result = await reply(plain, thread.id, 'Hello', known(thread.id));
    expect(result.error).toMatchObject({ kind: 'rate_limited', attempts: 1, retryable: true });
    expect((result.error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(60_000);
    expect(ops()).toEqual(['ReplyToThread']);

    const next = await reply(plain, thread.id, 'Hello again', known(thread.id));
    expect(next.error).toMatchObject({ kind: 'rate_limited', attempts: 0, retryable: true });
    expect(next.error!.message).toContain('nothing was sent');
    expect(ops()).toEqual(['ReplyToThread']);
    expect(texts()).toEqual([]);
  });

  it('maxRetryDelayMs caps the wait', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 429, retryAfterSeconds: 1, operation: 'ReplyToThread' });
    const result = await reply(clientOf(fake, { maxRetryDelayMs: 50 }).plain, thread.id, 'Hello', known(thread.id));
    expect(result.error).toMatchObject({ kind: 'rate_limited', attempts: 1, retryable: true });
    expect(ops()).toEqual(['ReplyToThread']);
  });
});

describe('maxRetries: 0 disables retries', () => {
  it('on the client', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 500, operation: 'GetThread' });
    const result = await reply(clientOf(fake, { maxRetries: 0 }).plain, thread.id);
    expect(result.error).toMatchObject({ kind: 'server_error', attempts: 1, retryable: true });
    expect(ops()).toEqual(['GetThread']);
  });

  it('per call, for a refused reply', async () => {
    const thread = fake.addThread();
    fake.failNext({ drop: 'refused', operation: 'ReplyToThread' });
    const { plain, requests } = clientOf(fake);
    const result = await reply(plain, thread.id, 'Hello', { ...known(thread.id), maxRetries: 0 });
    expect(result.error).toMatchObject({ kind: 'network', attempts: 1, retryable: true });
    expect(requests).toHaveLength(1);
    expect(texts()).toEqual([]);
  });

  it('per call, for a lookup; and a per-call value overrides the client one', async () => {
    const thread = fake.addThread();
    const { plain } = clientOf(fake, { maxRetries: 0 });
    fake.failNext({ status: 429, retryAfterSeconds: 0.005, operation: 'GetThread' });
    expect((await plain.getThread(thread.id, { maxRetries: 1 })).ok).toBe(true);
    expect(ops()).toEqual(['GetThread', 'GetThread']);
    fake.failNext({ status: 500, operation: 'GetThread' });
    expect((await plain.getThread(thread.id)).error).toMatchObject({ kind: 'server_error', attempts: 1 });
  });
});

describe('per-call options are checked as the client options are', () => {
  it('maxRetries: NaN (say, Number(undefined)) is refused with nothing sent, instead of retrying without end', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 500, operation: 'GetThread', times: 6 });
    const result = await reply(clientOf(fake).plain, thread.id, 'Hello', { maxRetries: Number(undefined) });
    expect(result.error).toMatchObject({
      kind: 'invalid_input',
      attempts: 0,
      retryable: false,
      issues: [{ path: 'options.maxRetries', message: 'must be a whole number >= 0' }],
    });
    expect(fake.requests).toEqual([]);
  });

  it('timeoutMs: 0 or negative is refused with nothing sent', async () => {
    const thread = fake.addThread();
    const { plain } = clientOf(fake);
    for (const timeoutMs of [0, -1, NaN]) {
      const result = await plain.getThread(thread.id, { timeoutMs });
      expect(result.error).toMatchObject({
        kind: 'invalid_input',
        issues: [{ path: 'options.timeoutMs', message: 'must be a whole number >= 1' }],
      });
    }
    expect(fake.requests).toEqual([]);
  });
});

describe("the caller's AbortSignal", () => {
  it('cancels a reply at once while it waits to retry after a 429; nothing more is sent', async () => {
    const thread = fake.addThread();
    // Plain says the budget comes back in 30 s (below the 60 s cap, so the client would wait for it).
    fake.failNext({ status: 429, retryAfterSeconds: 30, operation: 'ReplyToThread' });
    const controller = new AbortController();
    const { plain } = clientOf(fake, { paceRequests: false, onResponse: () => controller.abort() });
    const result = await reply(plain, thread.id, 'Hello', { ...known(thread.id), signal: controller.signal });
    // Resolving at all proves it did not sit out the 30 s (the test would time out first).
    expect(result.error).toMatchObject({ kind: 'aborted', attempts: 1, retryable: true });
    expect(ops()).toEqual(['ReplyToThread']);
    expect(texts()).toEqual([]);
  });

  it('cancels a lookup at once during its backoff', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 429, retryAfterSeconds: 30, operation: 'GetThread' });
    const controller = new AbortController();
    const { plain } = clientOf(fake, { paceRequests: false, onResponse: () => controller.abort() });
    const result = await plain.getThread(thread.id, { signal: controller.signal });
    expect(result.error).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(ops()).toEqual(['GetThread']);
  });

  it('cancels a reply at once while it is held for the rate-limit budget; nothing is sent', async () => {
    const thread = fake.addThread();
    const { plain } = clientOf(fake);
    fake.failNext({ status: 429, retryAfterSeconds: 30, operation: 'GetThread' });
    await plain.getThread(thread.id, { maxRetries: 0 });
    const before = fake.requests.length;

    const controller = new AbortController();
    const pending = reply(plain, thread.id, 'Hello', { ...known(thread.id), signal: controller.signal });
    controller.abort();
    expect((await pending).error).toMatchObject({ kind: 'aborted', attempts: 0, retryable: true });
    expect(fake.requests).toHaveLength(before);
    expect(texts()).toEqual([]);
  });

  it('cancels a reply held for the budget during its lookup; the lookup is not sent later either', async () => {
    const thread = fake.addThread();
    const { plain } = clientOf(fake);
    fake.failNext({ status: 429, retryAfterSeconds: 0.15, operation: 'GetThreadByRef' });
    await plain.getThreadByRef('T-none', { maxRetries: 0 });
    const controller = new AbortController();
    const pending = reply(plain, thread.id, 'Hello', { signal: controller.signal });
    controller.abort();
    expect((await pending).error).toMatchObject({ kind: 'aborted', attempts: 0, retryable: true });
    // Wait past the reset: a lookup still queued behind the budget would go out now.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(ops()).toEqual(['GetThreadByRef']);
  });

  it('an already aborted signal sends nothing, not even the lookup', async () => {
    const thread = fake.addThread();
    const result = await reply(clientOf(fake).plain, thread.id, 'Hello', { signal: AbortSignal.abort() });
    expect(result.error).toMatchObject({ kind: 'aborted', attempts: 0, retryable: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.requests).toEqual([]);
  });

  it('aborting while the reply is in flight: aborted, not retried, may have been sent', async () => {
    const thread = fake.addThread();
    fake.failNext({ delayMs: 5_000, operation: 'ReplyToThread' });
    const controller = new AbortController();
    const { plain } = clientOf(fake, { onRequest: () => setTimeout(() => controller.abort(), 5) });
    const result = await reply(plain, thread.id, 'Hello', { ...known(thread.id), signal: controller.signal });
    expect(result.error).toMatchObject({ kind: 'aborted', attempts: 1, retryable: false });
    expect(result.error!.message).toContain('may have been sent');
    expect(ops()).toEqual(['ReplyToThread']);
  });

  it('a signal aborted by an onRequest hook still stops the request', async () => {
    const thread = fake.addThread();
    const controller = new AbortController();
    const { plain } = clientOf(fake, { onRequest: () => controller.abort() });
    const result = await reply(plain, thread.id, 'Hello', { ...known(thread.id), signal: controller.signal });
    expect(result.error).toMatchObject({ kind: 'aborted' });
    expect(texts()).toEqual([]);
  });
});

describe('timeouts', () => {
  it('timeoutMs applies per attempt: a lookup that times out once is retried and succeeds', async () => {
    const thread = fake.addThread();
    fake.failNext({ delayMs: 5_000, operation: 'GetThread' });
    const { plain, responses } = clientOf(fake, { timeoutMs: 30 });
    expect((await plain.getThread(thread.id)).ok).toBe(true);
    expect(responses.map((e) => e.errorKind)).toEqual(['timeout', undefined]);
  });

  it('a per-call timeoutMs overrides the client one', async () => {
    const thread = fake.addThread();
    fake.failNext({ delayMs: 5_000, operation: 'ReplyToThread' });
    const result = await reply(clientOf(fake).plain, thread.id, 'Hello', { ...known(thread.id), timeoutMs: 20 });
    expect(result.error).toMatchObject({ kind: 'timeout', timeoutMs: 20, retryable: false });
  });

  it('timeoutMs: Infinity means no timeout (not an instant one)', async () => {
    const thread = fake.addThread();
    fake.failNext({ delayMs: 30, operation: 'ReplyToThread' });
    const result = await reply(clientOf(fake, { timeoutMs: Infinity }).plain, thread.id, 'Hello', known(thread.id));
    expect(result.ok).toBe(true);
    expect(texts()).toEqual(['Hello']);
  });
});

describe('pacing against the rate limit', () => {
  const limited = () => createFakePlain({ rateLimit: { limit: 5, windowMs: 300 } });

  it('30 sequential replies through one client: no 429, each reply lands once, results carry the budget', async () => {
    const target = limited();
    const threads = [0, 1, 2].map(() => target.addThread({ channel: 'SLACK' }));
    const { plain, responses } = clientOf(target);
    const results = [];
    for (let n = 0; n < 30; n++) results.push(await reply(plain, threads[n % 3]!.id, `reply ${n}`));

    expect(results.every((r) => r.ok)).toBe(true);
    expect(responses.map((e) => e.status).filter((s) => s !== 200)).toEqual([]);
    expect(texts(target).sort()).toEqual(Array.from({ length: 30 }, (_, n) => `reply ${n}`).sort());
    expect(results[29]!.rateLimit).toMatchObject({
      limit: 5,
      remaining: expect.any(Number),
      resetAt: expect.any(Date),
    });
  });

  it('30 concurrent replies through one client: no 429, each reply lands once', async () => {
    const target = limited();
    const threads = Array.from({ length: 10 }, () => target.addThread({ channel: 'EMAIL' }));
    // A few ms of latency, as on a real network: answers must not arrive before the next held request is released.
    const fetch: typeof globalThis.fetch = async (url, init) => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return target.fetch(url, init);
    };
    const { plain, responses } = clientOf(target, { fetch });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) => reply(plain, threads[n % 10]!.id, `reply ${n}`)),
    );

    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
    expect(responses.map((e) => e.status).filter((s) => s !== 200)).toEqual([]);
    expect(texts(target).sort()).toEqual(Array.from({ length: 30 }, (_, n) => `reply ${n}`).sort());
    expect(target.requests.filter((r) => r.operationName === 'GetThread')).toHaveLength(10);
  });

  it('paceRequests: false sends at once: 429s come back, are retried, and no reply lands twice', async () => {
    const target = limited();
    const thread = target.addThread();
    const { plain, responses } = clientOf(target, { paceRequests: false });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, n) => reply(plain, thread.id, `reply ${n}`, known(thread.id))),
    );

    expect(responses.some((e) => e.status === 429)).toBe(true);
    const landed = texts(target);
    expect(new Set(landed).size).toBe(landed.length);
    results.forEach((r, n) => {
      if (r.ok) expect(landed).toContain(`reply ${n}`);
      else {
        expect(r.error).toMatchObject({ kind: 'rate_limited', retryable: true });
        expect(landed).not.toContain(`reply ${n}`);
      }
    });
  });
});

describe('hooks', () => {
  it('see operationName, attempt, status, durationMs and requestId; never the key or the text', async () => {
    const thread = fake.addThread();
    fake.failNext({ status: 500, operation: 'GetThread' });
    const { plain, requests, responses } = clientOf(fake);
    const secretText = 'Your new password is hunter2';
    expect((await reply(plain, thread.id, secretText)).ok).toBe(true);

    expect(requests).toEqual([
      { operationName: 'GetThread', attempt: 1 },
      { operationName: 'GetThread', attempt: 2 },
      { operationName: 'ReplyToThread', attempt: 1 },
    ]);
    expect(responses).toEqual([
      {
        operationName: 'GetThread',
        attempt: 1,
        status: 500,
        requestId: 'fake-req-1',
        errorKind: 'server_error',
        durationMs: expect.any(Number),
      },
      { operationName: 'GetThread', attempt: 2, status: 200, requestId: 'fake-req-2', durationMs: expect.any(Number) },
      {
        operationName: 'ReplyToThread',
        attempt: 1,
        status: 200,
        requestId: 'fake-req-3',
        durationMs: expect.any(Number),
      },
    ]);
    const logged = JSON.stringify([requests, responses]);
    expect(logged).not.toContain(fake.apiKey);
    expect(logged).not.toContain('hunter2');
  });

  it('a throwing hook does not fail the reply', async () => {
    const thread = fake.addThread();
    const plain = new PlainClient({
      apiKey: fake.apiKey,
      fetch: fake.fetch,
      onRequest: () => {
        throw new Error('logger down');
      },
      onResponse: () => {
        throw new Error('logger down');
      },
    });
    expect((await reply(plain, thread.id)).ok).toBe(true);
    expect(texts()).toEqual(['Fixed in 2.1']);
  });
});

/** The same answer, but the connection dies after the first bytes of the body (undici's "terminated"). */
function cutMidBody(response: Response): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"data":'));
      controller.error(
        new TypeError('terminated', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        }),
      );
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
