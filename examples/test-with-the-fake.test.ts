// Copy this into your project: test your own code against plain-client's fake of Plain. Run: npm run example -- test-with-the-fake
import { PlainClient } from 'plain-client';
import { createFakePlain } from 'plain-client/testing';
import { expect, it } from 'vitest';

// Your code: tells a customer their order shipped, as a reply on their support thread.
async function notifyShipped(plain: PlainClient, threadId: string, orderId: string) {
  const result = await plain.replyToThread({ threadId, textContent: `Order ${orderId} has shipped.` });
  return result.ok ? 'notified' : result.error.kind;
}

it('tells the customer on their thread', async () => {
  const fake = createFakePlain();
  const thread = fake.addThread({ channel: 'EMAIL' });
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });

  expect(await notifyShipped(plain, thread.id, 'A-1001')).toBe('notified');
  expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['Order A-1001 has shipped.']);
});

it('survives Plain being down, without sending twice', async () => {
  const fake = createFakePlain();
  const thread = fake.addThread({ channel: 'EMAIL' });
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  fake.failNext({ status: 500, operation: 'ReplyToThread' });

  expect(await notifyShipped(plain, thread.id, 'A-1002')).toBe('server_error');
  expect(fake.messages(thread.id)).toEqual([]);
});

it('is refused on a channel Plain cannot reply on, before anything is sent', async () => {
  const fake = createFakePlain();
  const thread = fake.addThread({ channel: 'DISCORD' });
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });

  expect(await notifyShipped(plain, thread.id, 'A-1003')).toBe('cannot_reply_to_thread');
  expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread']);
});
