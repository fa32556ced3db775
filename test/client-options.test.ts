import { describe, expect, it } from 'vitest';
import { PlainClient, VERSION } from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';

describe('client options', () => {
  it('names itself in user-agent and sends extra headers on every request', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, headers: { 'x-tenant': 'acme' } });
    await plain.replyToThread({ threadId: thread.id, textContent: 'x' });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread']);
    for (const request of fake.requests) {
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${fake.apiKey}`,
        'user-agent': `plain-client/${VERSION}`,
        'x-tenant': 'acme',
        'content-type': 'application/json',
      });
    }
  });

  it('works with a fetch passed unbound, as `fetch: window.fetch` is in a browser', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    // A native browser fetch throws "Illegal invocation" unless called on the global object.
    function strictFetch(this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      if (this !== globalThis) throw new TypeError('Illegal invocation');
      return fake.fetch(input, init);
    }
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: strictFetch as typeof fetch });
    expect(await plain.replyToThread({ threadId: thread.id, textContent: 'x' })).toMatchObject({ ok: true });
  });

  it("a timeout beyond setTimeout's range means no timeout, not an instant one", async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, timeoutMs: Infinity });
    fake.failNext({ delayMs: 20 });
    expect(await plain.replyToThread({ threadId: thread.id, textContent: 'x' })).toMatchObject({ ok: true });
  });

  it('getThread returns the thread and validates its argument locally', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'API', title: 'Refund' });
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    expect(await plain.getThread(thread.id)).toEqual({
      ok: true,
      data: {
        id: thread.id,
        ref: thread.ref,
        title: 'Refund',
        channel: 'API',
        status: 'TODO',
        customer: { id: thread.customerId },
      },
      requestId: 'fake-req-1',
      rateLimit: undefined,
    });
    expect((await plain.getThread(' ')).error).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'threadId' }] });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('review fixes: what must never reject, leak or lose a field', () => {
  it('an async hook that rejects is ignored, like one that throws', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const plain = new PlainClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        onResponse: async () => {
          throw new Error('logger down');
        },
      });
      expect((await plain.replyToThread({ threadId: thread.id, textContent: 'x' })).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a network error keeps no reference to the request, so not to the key either', async () => {
    const key = 'plainApiKey_cause_secret';
    const plain = new PlainClient({
      apiKey: key,
      maxRetries: 0,
      fetch: (async (url: RequestInfo | URL, init?: RequestInit) => {
        throw Object.assign(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          }),
          { request: new Request(url, init) },
        );
      }) as typeof fetch,
    });
    const { error } = await plain.getThread('th_1');
    expect(error).toMatchObject({
      kind: 'network',
      cause: { name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } },
    });
    expect(error).not.toHaveProperty('cause.request');
  });

  it('null options and a signal that is not an AbortSignal resolve, never reject', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    expect((await plain.replyToThread({ threadId: thread.id, textContent: 'x' }, null as never)).ok).toBe(true);
    const bad = await plain.getThread(thread.id, { signal: {} as AbortSignal });
    expect(bad.error).toMatchObject({
      kind: 'invalid_input',
      issues: [{ path: 'options.signal', message: 'must be an AbortSignal' }],
    });
  });

  it('thread_not_found from the mutation names the thread', async () => {
    const fake = createFakePlain();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const result = await plain.replyToThread(
      { threadId: 'th_gone', textContent: 'x' },
      { thread: { id: 'th_gone', channel: 'EMAIL' } },
    );
    expect(result.error).toMatchObject({ kind: 'thread_not_found', threadId: 'th_gone' });
  });
});
