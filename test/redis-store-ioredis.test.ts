// plain-client/redis through ioredis (the other maintained Redis client for Node) against a real redis-server started
// by test/redis-server.ts: the same store contract as node-redis (test/redis-store.test.ts), plus a reply paced by the
// shared budget and the script loaded again after the server forgot it. The store reaches ioredis through its `call`.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createRedisStore } from '../src/redis/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { useRedisServer } from './redis-server.js';
import { describeStoreContract } from './store-contract.js';

const redis = useRedisServer();

const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

let prefixes = 0;

async function ioredisStore(ctx: TestContext) {
  const server = redis.server(ctx);
  const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  clients.push(client);
  await client.connect();
  const prefix = `plain-test-ioredis:${process.pid}:${++prefixes}`;
  return { client, prefix, store: createRedisStore({ client, prefix }) };
}

describeStoreContract('the Redis store through ioredis', async (ctx) => (await ioredisStore(ctx)).store);

describe('a PlainClient on a Redis store through ioredis', () => {
  it('replies, shares the thread channel under the prefix and keeps the budget in Redis', async (ctx) => {
    const { client, prefix, store } = await ioredisStore(ctx);
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, store });

    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'Through ioredis' });

    expect(result).toMatchObject({ ok: true, data: { threadId: thread.id, channel: 'EMAIL' } });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['Through ioredis']);
    expect(await client.get(`${prefix}:thread:${thread.id}`)).toBe('EMAIL');
    expect(await client.exists(`${prefix}:budget`)).toBe(1);
  });

  it('loads its script again when the server forgot it (SCRIPT FLUSH)', async (ctx) => {
    const { client, store } = await ioredisStore(ctx);
    expect((await store.takeBudget({ plainNow: Date.UTC(2026, 11, 2) })).granted).toBe(true);
    await client.script('FLUSH');
    const again = await store.takeBudget({ plainNow: Date.UTC(2026, 11, 2) + 1_000 });
    expect(again.granted).toBe(true);
  });
});
