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

describe('per-call options', () => {
  const boom = () => {
    throw new Error('boom');
  };

  it('a signal whose addEventListener cannot be read is invalid_input naming options, nothing sent', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const signal = new Proxy({}, { get: boom }) as AbortSignal;
    for (const result of [
      await plain.getThread(thread.id, { signal }),
      await plain.replyToThread({ threadId: thread.id, textContent: 'x' }, { signal }),
      await plain.markThreadAsDone({ threadId: thread.id }, { signal }),
    ]) {
      expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'options' }] });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('options that are not an object are invalid_input naming options, nothing sent', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'x' }, 'fast' as never);
    expect(result.error).toMatchObject({
      kind: 'invalid_input',
      issues: [{ path: 'options', message: 'must be an object' }],
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('an option left out keeps the client default; one given applies to that call only', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, maxRetries: 0 });
    fake.failNext({ status: 500 });
    expect((await plain.getThread(thread.id, { timeoutMs: 5_000 })).error).toMatchObject({ kind: 'server_error' });
    fake.failNext({ status: 500 });
    expect(await plain.getThread(thread.id, { maxRetries: 1 })).toMatchObject({ ok: true });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'GetThread', 'GetThread']);
  });
});

describe('the methods that load their module when first called', () => {
  // Defined from a table in src/client.ts, not by class syntax: they must still look and act like class methods.
  const methods = [
    'getThreadByRef',
    'markThreadAsDone',
    'markThreadAsTodo',
    'snoozeThread',
    'assignThread',
    'unassignThread',
    'addLabels',
    'removeLabels',
    'updateThreadAgentStatus',
    'createNote',
    'handOff',
    'uploadAttachment',
    'getThreadByExternalId',
    'getCustomer',
    'listThreads',
    'getTimeline',
    'findReply',
  ] as const;

  it('are methods of the class, as not enumerable as the others', () => {
    const plain = new PlainClient({ apiKey: 'test-key-for-the-shape', fetch: (() => {}) as never });
    for (const name of methods) {
      expect(typeof plain[name]).toBe('function');
      expect(Object.getOwnPropertyDescriptor(PlainClient.prototype, name)).toMatchObject({
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    expect(Object.keys(plain)).toEqual([]);
    const listed: string[] = [];
    for (const key in plain) listed.push(key);
    expect(listed).toEqual([]);
  });

  it('each takes its per-call options: invalid ones are refused with nothing sent', async () => {
    const fake = createFakePlain();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    for (const name of methods) {
      const call = plain[name] as (input: unknown, options: unknown) => Promise<{ ok: boolean; error?: unknown }>;
      const result = await call.call(plain, {}, { maxRetries: -1 });
      expect(result.error, name).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'options.maxRetries' }] });
    }
    expect(fake.requests).toHaveLength(0);
  });
});
