// A client with a `store`, without Redis: the in-memory store shared by two clients, and stores that fail or hang.
// Plain is the in-process fake.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, PlainClient, type PlainStore, type StoreErrorEvent } from '../src/index.js';
import type { BudgetReport } from '../src/store.js';
import { createFakePlain } from '../src/testing/index.js';
import { sharedSeenStore, webhookHandler } from '../src/webhooks/index.js';
import { deliveryRequest, exampleEvent, SECRET, signed } from './webhooks-fixtures.js';

/** A store whose every method rejects with an error carrying `secret` in its message and a code. */
function failingStore(secret: string): PlainStore & { calls: number } {
  const fail = async () => {
    store.calls++;
    throw Object.assign(new Error(`connection to redis://:${secret}@127.0.0.1 refused`), { code: 'ECONNREFUSED' });
  };
  const store = {
    calls: 0,
    takeBudget: fail,
    reportAnswer: fail,
    getThreadChannel: fail,
    setThreadChannel: fail,
    deleteThreadChannel: fail,
    hasSeen: fail,
    markSeen: fail,
  };
  return store;
}

const never = () => new Promise<never>(() => {});
const hangingStore: PlainStore = {
  takeBudget: never,
  reportAnswer: never,
  getThreadChannel: never,
  setThreadChannel: never,
  deleteThreadChannel: never,
  hasSeen: never,
  markSeen: never,
};

describe('a client whose store fails', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('still replies, reports the failure once (no message, no secret) and leaves the store alone for a second', async () => {
    // The clock stands still (timers run as usual): however slow this machine is, the second of rest is not over.
    vi.useFakeTimers({ toFake: ['Date'] });
    const fake = createFakePlain();
    const store = failingStore(fake.apiKey);
    const errors: StoreErrorEvent[] = [];
    const plain = new PlainClient({
      apiKey: fake.apiKey,
      fetch: fake.fetch,
      store,
      onStoreError: (e) => errors.push(e),
    });
    const thread = fake.addThread({ channel: 'EMAIL' });
    const results = await Promise.all(
      [1, 2, 3].map((i) => plain.replyToThread({ threadId: thread.id, textContent: `Reply ${i}` })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(fake.requests.map((r) => r.operationName)).toEqual([
      'GetThread',
      'ReplyToThread',
      'ReplyToThread',
      'ReplyToThread',
    ]);
    expect(errors).toEqual([
      {
        operation: 'getThreadChannel',
        reason: 'error',
        errorName: 'Error',
        errorCode: 'ECONNREFUSED',
        retryInMs: 1000,
      },
    ]);
    // Resting after the failure, the client did not call the store for each request.
    expect(store.calls).toBe(1);
    expect(JSON.stringify(errors)).not.toContain(fake.apiKey);
  });

  it('does not wait past storeTimeoutMs for a store that never answers', async () => {
    const fake = createFakePlain();
    const errors: StoreErrorEvent[] = [];
    const plain = new PlainClient({
      apiKey: fake.apiKey,
      fetch: fake.fetch,
      store: hangingStore,
      storeTimeoutMs: 20,
      onStoreError: (e) => errors.push(e),
    });
    const thread = fake.addThread({ channel: 'CHAT' });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'Hello' });
    expect(result).toMatchObject({ ok: true, data: { channel: 'CHAT' } });
    expect(errors).toMatchObject([{ operation: 'getThreadChannel', reason: 'timeout' }]);
  });

  it('gives back a grant that arrives after it stopped waiting, so the store does not hold it as in flight', async () => {
    const fake = createFakePlain();
    const memory = createMemoryStore();
    let late: (() => void) | undefined;
    const reports: BudgetReport[] = [];
    const store: PlainStore = {
      ...memory,
      // The first grant comes only after the client gave up on it; later ones at once.
      takeBudget: (ask) =>
        late === undefined
          ? new Promise((resolve) => {
              late = () => resolve(memory.takeBudget(ask));
            })
          : memory.takeBudget(ask),
      reportAnswer: async (report) => {
        reports.push(report);
        await memory.reportAnswer(report);
      },
    };
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, store, storeTimeoutMs: 20 });
    const thread = fake.addThread({ channel: 'EMAIL' });
    expect((await plain.replyToThread({ threadId: thread.id, textContent: 'Hello' })).ok).toBe(true);
    expect(reports).toEqual([]);
    late?.();
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    // Reported as answered by nothing: no status, nothing learnt about the window.
    expect(Object.keys(reports[0]!).sort()).toEqual(['plainNow', 'ticket']);
    expect(reports[0]!.ticket).toBe(1);
  });

  it('refuses, when it is built, a store that is not a PlainStore', () => {
    expect(() => new PlainClient({ apiKey: 'plainApiKey_x', store: {} as PlainStore })).toThrow(TypeError);
    expect(() => new PlainClient({ apiKey: 'plainApiKey_x', storeTimeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('two clients sharing an in-memory store', () => {
  it('look a thread up once between them', async () => {
    const fake = createFakePlain();
    const store = createMemoryStore();
    const [first, second] = [1, 2].map(() => new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, store }));
    const thread = fake.addThread({ channel: 'SLACK' });
    expect((await first!.replyToThread({ threadId: thread.id, textContent: 'One' })).ok).toBe(true);
    expect(await second!.replyToThread({ threadId: thread.id, textContent: 'Two' })).toMatchObject({
      ok: true,
      data: { channel: 'SLACK' },
    });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread', 'ReplyToThread']);
  });

  it('forget a thread Plain says is gone, for both', async () => {
    const fake = createFakePlain();
    const store = createMemoryStore();
    const [first, second] = [1, 2].map(() => new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, store }));
    await store.setThreadChannel('th_gone', 'EMAIL', 60_000);
    const reply = await first!.replyToThread({ threadId: 'th_gone', textContent: 'Hello?' });
    expect(reply).toMatchObject({ ok: false, error: { kind: 'thread_not_found' } });
    expect(await store.getThreadChannel('th_gone')).toBeUndefined();
    expect(await second!.getThread('th_gone')).toMatchObject({ ok: false, error: { kind: 'thread_not_found' } });
  });
});

describe('sharedSeenStore when the store fails', () => {
  it('answers 200, handles the event, and still skips its own redelivery', async () => {
    const calls: string[] = [];
    const errors: StoreErrorEvent[] = [];
    const handler = webhookHandler({
      secret: SECRET,
      seen: sharedSeenStore(failingStore(SECRET), { onStoreError: (e) => errors.push(e) }),
      onEvent: (event) => void calls.push(event.id),
    });
    const { body, signature } = await signed(exampleEvent('thread.email_received', new Date()));
    const post = () =>
      handler(deliveryRequest({ body, signature })).then(async (response) => ({
        status: response.status,
        json: await response.json(),
      }));
    expect(await post()).toEqual({ status: 200, json: { ok: true } });
    expect(await post()).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    expect(calls).toHaveLength(1);
    expect(errors).toMatchObject([{ operation: 'hasSeen', reason: 'error' }]);
    expect(JSON.stringify(errors)).not.toContain(SECRET);
  });
});

describe('sharedSeenStore across instances', () => {
  const deliverTo = (handler: (request: Request) => Promise<Response>, delivery: { body: string; signature: string }) =>
    handler(
      new Request('http://127.0.0.1/plain', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'plain-request-signature': delivery.signature },
        body: delivery.body,
      }),
    ).then((response) => response.status);

  it('handles an event delivered to 4 instances at the same moment once; the others answer 409 for a later retry', async () => {
    const store = createMemoryStore();
    const handled: string[] = [];
    let finish: (() => void) | undefined;
    const running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const handlers = [1, 2, 3, 4].map((instance) =>
      webhookHandler({
        secret: SECRET,
        seen: sharedSeenStore(store),
        onEvent: async (event) => {
          handled.push(`${instance}:${event.id}`);
          await running;
        },
      }),
    );
    const delivery = await signed(exampleEvent('thread.email_received', new Date()));
    const statuses = handlers.map((handler) => deliverTo(handler, delivery));
    await vi.waitFor(() => expect(handled).toHaveLength(1));
    finish?.();
    expect((await Promise.all(statuses)).sort()).toEqual([200, 409, 409, 409]);
    expect(handled).toHaveLength(1);
    // Plain's retry, to any of them, is a duplicate.
    expect(await deliverTo(handlers[3]!, delivery)).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it('lets the next delivery handle an event whose handling failed on another instance', async () => {
    const store = createMemoryStore();
    const handled: number[] = [];
    const [failing, working] = [1, 2].map((instance) =>
      webhookHandler({
        secret: SECRET,
        seen: sharedSeenStore(store),
        onEvent: () => {
          handled.push(instance);
          if (instance === 1) throw new Error('database down');
        },
      }),
    );
    const delivery = await signed(exampleEvent('thread.email_received', new Date()));
    expect(await deliverTo(failing!, delivery)).toBe(500);
    expect(await deliverTo(working!, delivery)).toBe(200);
    expect(await deliverTo(failing!, delivery)).toBe(200);
    expect(handled).toEqual([1, 2]);
  });
});
