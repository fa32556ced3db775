// plain-client/redis against a real redis-server (started by test/redis-server.ts on a free 127.0.0.1 port, persistence
// off, stopped at the end; skipped with the reason printed when none can be started locally, failed in CI) through
// node-redis. Plain is the in-process fake (createFakePlain), with its rate limiter where pacing is tested.
import { createClient } from 'redis';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { PlainClient, type PlainStore, type StoreErrorEvent } from '../src/index.js';
import { createRedisStore } from '../src/redis/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { sharedSeenStore, webhookHandler } from '../src/webhooks/index.js';
import { type RedisServer, useRedisServer } from './redis-server.js';
import { describeStoreContract } from './store-contract.js';
import { deliveryRequest, exampleEvent, SECRET, signed } from './webhooks-fixtures.js';

const redis = useRedisServer();

const clients: { destroy(): void }[] = [];
afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A new node-redis connection to the test server (reconnecting on its own after the server restarts). */
async function connect(server: RedisServer) {
  const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
  // node-redis emits 'error' while the server is away; without a listener it would end the process.
  client.on('error', () => {});
  clients.push(client);
  await client.connect();
  return client;
}

let prefixes = 0;
const newPrefix = () => `plain-test:${process.pid}:${++prefixes}`;

/** A store on its own prefix, over a new connection. */
async function storeFor(ctx: TestContext, prefix = newPrefix()) {
  const server = redis.server(ctx);
  return { server, prefix, store: createRedisStore({ client: await connect(server), prefix }) };
}

/** A client of a fake Plain over `store`, waiting at most 100 ms for it, and the store errors it reports. */
function clientOver(store: PlainStore) {
  const fake = createFakePlain();
  const errors: StoreErrorEvent[] = [];
  const plain = new PlainClient({
    apiKey: fake.apiKey,
    fetch: fake.fetch,
    store,
    storeTimeoutMs: 100,
    onStoreError: (event) => void errors.push(event),
  });
  return { fake, plain, errors };
}

/** Waits (a bounded number of short pauses) until `check` is true; false when it never was. */
async function eventually(check: () => Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describeStoreContract('the Redis store', async (ctx) => (await storeFor(ctx)).store);

describe('the Redis budget under concurrent callers', () => {
  it('grants no more than the window has left, however many processes ask at once', async (ctx) => {
    const { server, prefix } = await storeFor(ctx);
    const stores = await Promise.all(
      Array.from({ length: 8 }, async () => createRedisStore({ client: await connect(server), prefix })),
    );
    const plainNow = Date.UTC(2026, 11, 2, 12, 0, 0);
    const probe = await stores[0]!.takeBudget({ plainNow });
    if (!probe.granted) throw new Error('the first request should find out the window');
    await stores[0]!.reportAnswer({
      ticket: probe.ticket,
      plainNow,
      status: 200,
      limit: 60,
      remaining: 37,
      reset: plainNow + 60_000,
    });
    const decisions = await Promise.all(
      Array.from({ length: 400 }, (_, i) => stores[i % stores.length]!.takeBudget({ plainNow: plainNow + 1 })),
    );
    const tickets = decisions.flatMap((d) => (d.granted ? [d.ticket] : []));
    expect(tickets).toHaveLength(37);
    expect(new Set(tickets).size).toBe(37);
    expect(decisions.filter((d) => !d.granted && d.waitingFor === 'reset')).toHaveLength(400 - 37);
  });

  it('runs its script again after Redis forgot it (a restart, SCRIPT FLUSH)', async (ctx) => {
    const { server, store } = await storeFor(ctx);
    expect((await store.takeBudget({ plainNow: 1 })).granted).toBe(true);
    expect(await server.command(['SCRIPT', 'FLUSH'])).toBe('OK');
    expect(await store.takeBudget({ plainNow: 2 })).toEqual({ granted: false, waitMs: 999, waitingFor: 'news' });
  });
});

describe('clients in one process sharing a Redis store', () => {
  it('pace together: no 429 from a limiter two clients each would overrun alone, and every reply goes', async (ctx) => {
    const { server, prefix } = await storeFor(ctx);
    const fake = createFakePlain({ rateLimit: { limit: 8, windowMs: 400 } });
    const statuses: number[] = [];
    const storeErrors: StoreErrorEvent[] = [];
    // A generous bound on store calls: this test is about the shared budget, not about doing without it on a busy
    // machine (where the per-process fallback, uncoordinated, could meet a 429).
    const make = async () =>
      new PlainClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        store: createRedisStore({ client: await connect(server), prefix }),
        storeTimeoutMs: 10_000,
        onStoreError: (event) => void storeErrors.push(event),
        onResponse: (event) => void statuses.push(event.status ?? 0),
      });
    const plains = [await make(), await make()];
    const thread = fake.addThread({ channel: 'EMAIL' });
    const known = { id: thread.id, channel: 'EMAIL' as const };
    const results = await Promise.all(
      plains.flatMap((plain) =>
        Array.from({ length: 20 }, (_, i) =>
          plain.replyToThread({ threadId: thread.id, textContent: `Reply ${i}` }, { thread: known }),
        ),
      ),
    );
    expect(storeErrors).toEqual([]);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(fake.requests.filter((r) => r.operationName === 'ReplyToThread')).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses).toHaveLength(40);
  });

  it('share thread channels: a thread one client looked up needs no lookup by the other', async (ctx) => {
    const { server, prefix } = await storeFor(ctx);
    const fake = createFakePlain();
    const make = async () =>
      new PlainClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        store: createRedisStore({ client: await connect(server), prefix }),
      });
    const [first, second] = [await make(), await make()];
    const thread = fake.addThread({ channel: 'CHAT' });
    expect((await first.replyToThread({ threadId: thread.id, textContent: 'Hello' })).ok).toBe(true);
    // The first client shares the channel without holding up its reply: wait until Redis has it.
    expect(
      await eventually(async () => (await server.command(['GET', `${prefix}:thread:${thread.id}`])) === 'CHAT'),
    ).toBe(true);
    const reply = await second.replyToThread({ threadId: thread.id, textContent: 'Hello again' });
    expect(reply).toMatchObject({ ok: true, data: { threadId: thread.id, channel: 'CHAT' } });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread', 'ReplyToThread']);
  });
});

describe('webhook handlers sharing a Redis store', () => {
  it('handle an event once: the second instance answers 200 as a duplicate without calling onEvent', async (ctx) => {
    const { server, prefix } = await storeFor(ctx);
    const calls: string[] = [];
    const handlerOf = async (name: string) =>
      webhookHandler({
        secret: SECRET,
        seen: sharedSeenStore(createRedisStore({ client: await connect(server), prefix })),
        onEvent: () => void calls.push(name),
      });
    const [one, two] = [await handlerOf('one'), await handlerOf('two')];
    const { body, signature } = await signed(exampleEvent('thread.email_received', new Date()));
    const post = (handler: (r: Request) => Promise<Response>) =>
      handler(deliveryRequest({ body, signature })).then(async (response) => ({
        status: response.status,
        json: await response.json(),
      }));
    expect(await post(one)).toEqual({ status: 200, json: { ok: true } });
    expect(await post(two)).toEqual({ status: 200, json: { ok: true, duplicate: true } });
    expect(calls).toEqual(['one']);
  });
});

describe('when Redis fails, replies still go', () => {
  it('falls back to the per-process gate and cache while the server is stopped, and uses Redis again once it is back', async (ctx) => {
    const { server, prefix, store } = await storeFor(ctx);
    const { fake, plain, errors } = clientOver(store);
    const thread = fake.addThread({ channel: 'EMAIL' });
    const reply = (text: string) => plain.replyToThread({ threadId: thread.id, textContent: text });
    expect((await reply('Before')).ok).toBe(true);
    expect(await server.command(['EXISTS', `${prefix}:budget`])).toBe(1);
    expect(errors).toEqual([]);

    await server.stop();
    const during = await Promise.all([reply('During 1'), reply('During 2'), reply('During 3')]);
    expect(during.map((r) => r.ok)).toEqual([true, true, true]);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.retryInMs).toBe(1000);
      expect(['timeout', 'error']).toContain(error.reason);
    }
    expect(JSON.stringify(errors)).not.toContain(fake.apiKey);

    // A fresh server (empty: the budget is gone): replies go on, and soon go through Redis again.
    await server.start();
    let replies = 0;
    const backInRedis = await eventually(async () => {
      replies++;
      if (!(await reply(`After ${replies}`)).ok) throw new Error('a reply failed after Redis came back');
      return (await server.command(['EXISTS', `${prefix}:budget`])) === 1;
    });
    expect(backInRedis).toBe(true);
    expect(fake.requests.filter((r) => r.operationName === 'ReplyToThread')).toHaveLength(4 + replies);
  });

  it('does not wait past storeTimeoutMs for a server that hangs, and reports it as a timeout', async (ctx) => {
    const { server, store } = await storeFor(ctx);
    const { fake, plain, errors } = clientOver(store);
    const thread = fake.addThread({ channel: 'SLACK' });
    server.pause();
    try {
      const result = await plain.replyToThread({ threadId: thread.id, textContent: 'While Redis hangs' });
      expect(result).toMatchObject({ ok: true, data: { channel: 'SLACK' } });
      expect(errors[0]).toMatchObject({ operation: 'getThreadChannel', reason: 'timeout' });
    } finally {
      server.resume();
    }
  });
});

describe('what the Redis store holds', () => {
  it('never the API key, a message text or a webhook secret: every key and value scanned', async (ctx) => {
    const { server, prefix, store } = await storeFor(ctx);
    const fake = createFakePlain();
    const apiKey = fake.apiKey;
    const text = 'A reply text that must stay out of Redis 7f3a9c';
    const plain = new PlainClient({ apiKey, fetch: fake.fetch, store });
    const threads = [fake.addThread({ channel: 'EMAIL' }), fake.addThread({ channel: 'CHAT' })];
    for (const thread of threads) {
      expect((await plain.replyToThread({ threadId: thread.id, textContent: text })).ok).toBe(true);
    }
    const note = await plain.createNote({
      customerId: threads[0]!.customerId,
      threadId: threads[0]!.id,
      text: `${text} (note)`,
    });
    expect(note.ok).toBe(true);
    const handler = webhookHandler({ secret: SECRET, seen: sharedSeenStore(store), onEvent: () => {} });
    const answer = await handler(deliveryRequest(await signed(exampleEvent('thread.email_received', new Date()))));
    expect(answer.status).toBe(200);
    await eventually(async () => ((await server.command(['KEYS', `${prefix}:thread:*`])) as string[]).length === 2);

    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = (await server.command(['SCAN', cursor, 'COUNT', 1000])) as [string, string[]];
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    // Under this test's prefix, only the store's own keys: the budget (its in-flight set is gone once every request was answered), the threads'
    // channels and the event ids.
    const shapes = keys
      .filter((key) => key.startsWith(`${prefix}:`))
      .map((key) => key.replace(prefix, '<prefix>').replace(/:(thread|seen):.+$/, ':$1:<id>'));
    expect(new Set(shapes)).toEqual(
      new Set([
        '<prefix>:budget',
        '<prefix>:thread:<id>',
        '<prefix>:seen:<id>',
        ...shapes.filter((s) => s === '<prefix>:budget:in-flight'),
      ]),
    );
    // Every value on the server (this file's other tests' too) is scanned.
    let everything = keys.join('\n');
    for (const key of keys) {
      const type = await server.command(['TYPE', key]);
      const value =
        type === 'string'
          ? await server.command(['GET', key])
          : type === 'hash'
            ? await server.command(['HGETALL', key])
            : type === 'zset'
              ? await server.command(['ZRANGE', key, 0, -1, 'WITHSCORES'])
              : `unexpected type ${String(type)}`;
      everything += `\n${JSON.stringify(value)}`;
    }
    expect(everything).not.toContain('unexpected type');
    expect(everything).not.toContain(apiKey);
    expect(everything).not.toContain('7f3a9c');
    expect(everything).not.toContain(SECRET);
    expect(everything).toContain('EMAIL');
  });
});

describe('createRedisStore', () => {
  it('refuses, when it is built, a client it cannot use or an empty prefix', () => {
    expect(() => createRedisStore({ client: {} as never, prefix: 'p' })).toThrow(TypeError);
    expect(() => createRedisStore({ client: { sendCommand: async () => null }, prefix: '' })).toThrow(/prefix/);
  });
});
