import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakeWebhookDelivery } from '../src/testing/index.js';
import {
  messageOf,
  type PlainWebhookEvent,
  toNodeHandler,
  verifyWebhook,
  webhookHandler,
} from '../src/webhooks/index.js';
import { SECRET, schemaErrors } from './webhooks-fixtures.js';

const fake = createFakePlain();
const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
/** Every body the fake delivered in this file, checked against the schema at the end. */
const delivered: FakeWebhookDelivery[] = [];
afterEach(async () => {
  await fake.webhooks.settled();
  delivered.push(...fake.webhooks.deliveries());
  fake.reset();
});

/** An in-process receiver: webhookHandler collecting what it verified. */
function receiver() {
  const events: PlainWebhookEvent[] = [];
  const handler = webhookHandler({ secret: SECRET, onEvent: (event) => void events.push(event) });
  return { events, handler };
}

describe("fake.customerWrites sends the received event of the thread's channel", () => {
  for (const [channel, type, key] of [
    ['EMAIL', 'thread.email_received', 'email'],
    ['API', 'thread.email_received', 'email'],
    ['CHAT', 'thread.chat_received', 'chat'],
    ['SLACK', 'thread.slack_message_received', 'slackMessage'],
    ['MS_TEAMS', 'thread.ms_teams_message_received', 'msTeamsMessage'],
    ['DISCORD', 'thread.discord_message_received', 'discordMessage'],
  ] as const) {
    it(`${channel} → ${type}`, async () => {
      const { events, handler } = receiver();
      fake.webhooks.subscribe(handler, { secret: SECRET });
      const thread = fake.addThread({ channel });
      const { deliveries } = await fake.customerWrites({ threadId: thread.id, text: 'My invoice is wrong' });
      expect(deliveries.map((d) => d.status)).toEqual([200]);
      expect(events.map((e) => e.type)).toEqual([type]);
      const message = messageOf(events[0]!)!;
      expect(message).toMatchObject({
        threadId: thread.id,
        customerId: thread.customerId,
        text: 'My invoice is wrong',
        author: { kind: 'customer', id: thread.customerId },
      });
      expect((events[0]!.payload as Record<string, unknown>)[key]).toBeDefined();
    });
  }

  it('without a thread, creates one: thread.thread_created, then the first email (isStartOfThread)', async () => {
    const { events, handler } = receiver();
    fake.webhooks.subscribe(handler, { secret: SECRET });
    const { thread } = await fake.customerWrites({ text: 'Hello?', title: 'Cannot log in' });
    await fake.customerWrites({ threadId: thread.id, text: 'Anyone?' });
    expect(events.map((e) => e.type)).toEqual([
      'thread.thread_created',
      'thread.email_received',
      'thread.email_received',
    ]);
    expect(events.slice(1).map((e) => messageOf(e)?.isStartOfThread)).toEqual([true, false]);
    expect(fake.conversation(thread.id).map((m) => m.text)).toEqual(['Hello?', 'Anyone?']);
  });

  it('eventTypes limits what a target receives; unsubscribe stops it', async () => {
    const all = receiver();
    const some = receiver();
    fake.webhooks.subscribe(all.handler, { secret: SECRET });
    const subscription = fake.webhooks.subscribe(some.handler, {
      secret: SECRET,
      eventTypes: ['thread.chat_received'],
    });
    await fake.customerWrites({ text: 'new thread by email' });
    const chat = fake.addThread({ channel: 'CHAT' });
    await fake.customerWrites({ threadId: chat.id, text: 'hi' });
    subscription.unsubscribe();
    await fake.customerWrites({ threadId: chat.id, text: 'hi again' });
    expect(all.events.map((e) => e.type)).toEqual([
      'thread.thread_created',
      'thread.email_received',
      'thread.chat_received',
      'thread.chat_received',
    ]);
    expect(some.events.map((e) => e.type)).toEqual(['thread.chat_received']);
  });
});

describe('a reply through the fake sends the *_sent event', () => {
  it("authored by the API key's machine user", async () => {
    const { events, handler } = receiver();
    fake.webhooks.subscribe(handler, { secret: SECRET });
    const thread = fake.addThread({ channel: 'SLACK' });
    expect((await plain.replyToThread({ threadId: thread.id, textContent: 'On it!' })).ok).toBe(true);
    await fake.webhooks.settled();
    expect(events.map((e) => e.type)).toEqual(['thread.slack_message_sent']);
    expect(messageOf(events[0]!)).toMatchObject({
      text: 'On it!',
      author: { kind: 'machineUser', id: fake.webhooks.machineUserId(fake.apiKey) },
    });
  });

  it('authored by the customer when impersonated, as Plain shows it', async () => {
    const { events, handler } = receiver();
    fake.webhooks.subscribe(handler, { secret: SECRET });
    const thread = fake.addThread({ channel: 'EMAIL' });
    const result = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'as me',
      impersonation: { asCustomer: { customerIdentifier: { customerId: thread.customerId } } },
    });
    expect(result.ok).toBe(true);
    await fake.webhooks.settled();
    expect(events.map((e) => [e.type, messageOf(e)?.author.kind])).toEqual([['thread.email_sent', 'customer']]);
  });

  it('a refused reply sends nothing', async () => {
    const { events, handler } = receiver();
    fake.webhooks.subscribe(handler, { secret: SECRET });
    const thread = fake.addThread({ channel: 'DISCORD' });
    expect((await plain.replyToThread({ threadId: thread.id, textContent: 'x' })).ok).toBe(false);
    await fake.webhooks.settled();
    expect(events).toEqual([]);
    expect(fake.webhooks.deliveries()).toEqual([]);
  });
});

describe("deliveries look like Plain's", () => {
  let server: Server | undefined;
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it("over real HTTP with Plain's headers, signed, and verifiable", async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const { events, handler } = receiver();
    const node = toNodeHandler(handler);
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      (req as unknown as { body: Buffer }).body = Buffer.concat(chunks);
      await node(req as never, res);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`;
    const subscription = fake.webhooks.subscribe(url, { secret: SECRET });
    const { eventId, deliveries } = await fake.customerWrites({ text: 'over HTTP', channel: 'CHAT' });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(events.map((e) => e.type)).toEqual(['thread.thread_created', 'thread.chat_received']);
    const [, chat] = received;
    const body = JSON.parse(chat!.body);
    expect(chat!.headers).toMatchObject({
      'plain-event-type': 'thread.chat_received',
      'plain-event-id': eventId,
      'plain-workspace-id': body.workspaceId,
      'plain-webhook-target-id': subscription.id,
      'plain-webhook-target-version': '2026-04-21',
      'plain-webhook-delivery-attempt-id': body.webhookMetadata.webhookDeliveryAttemptId,
      'plain-webhook-delivery-attempt-number': '1',
      'plain-webhook-delivery-attempt-timestamp': body.webhookMetadata.webhookDeliveryAttemptTimestamp,
    });
    expect(chat!.headers['user-agent']).toMatch(/^Plain-Webhooks\/1\.0/);
    const verified = await verifyWebhook({
      body: chat!.body,
      signature: chat!.headers['plain-request-signature'] as string,
      secret: SECRET,
    });
    expect(verified.data?.id).toBe(eventId);
  });

  it('redeliver: same event id, a new attempt id, number and timestamp, signed again; the handler answers it as a duplicate', async () => {
    const { events, handler } = receiver();
    fake.webhooks.subscribe(handler, { secret: SECRET });
    const thread = fake.addThread({ channel: 'CHAT' });
    const {
      eventId,
      deliveries: [first],
    } = await fake.customerWrites({ threadId: thread.id, text: 'once' });
    await new Promise((r) => setTimeout(r, 5));
    const [second] = await fake.webhooks.redeliver(eventId);
    const a = JSON.parse(first!.body);
    const b = JSON.parse(second!.body);
    expect(b.id).toBe(a.id);
    expect(b.webhookMetadata.webhookDeliveryAttemptNumber).toBe(2);
    expect(b.webhookMetadata.webhookDeliveryAttemptId).not.toBe(a.webhookMetadata.webhookDeliveryAttemptId);
    expect(Date.parse(b.webhookMetadata.webhookDeliveryAttemptTimestamp)).toBeGreaterThan(
      Date.parse(a.webhookMetadata.webhookDeliveryAttemptTimestamp),
    );
    expect(second!.headers['plain-request-signature']).not.toBe(first!.headers['plain-request-signature']);
    expect(second!.status).toBe(200);
    expect(events).toHaveLength(1);
    expect(fake.webhooks.deliveries().map((d) => d.attemptNumber)).toEqual([1, 2]);
  });

  it('a target that is down is recorded with the error, and nothing rejects', async () => {
    fake.webhooks.subscribe('http://127.0.0.1:9/unreachable', { secret: SECRET });
    const { deliveries } = await fake.customerWrites({ text: 'anyone there?' });
    expect(deliveries.every((d) => d.status === undefined && typeof d.error === 'string')).toBe(true);
  });
});

it('every body the fake delivers validates against the vendored webhook schema', async () => {
  fake.webhooks.subscribe(receiver().handler, { secret: SECRET });
  for (const channel of ['EMAIL', 'API', 'CHAT', 'SLACK', 'MS_TEAMS', 'DISCORD'] as const) {
    const { thread } = await fake.customerWrites({ text: `first on ${channel}`, channel, markdown: '**first**' });
    await fake.customerWrites({ threadId: thread.id, text: '' });
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'reply',
      attachmentIds: [fake.addAttachment({ customerId: thread.customerId, fileName: 'log.txt', sizeBytes: 12 }).id],
    });
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'as the customer',
      impersonation: { asCustomer: { customerIdentifier: { customerId: thread.customerId } } },
    });
  }
  const email = fake.addThread({ channel: 'EMAIL' });
  await plain.replyToThread({
    threadId: email.id,
    textContent: 'with cc',
    channelSpecificOptions: {
      email: {
        additionalRecipients: [{ email: 'cc@customers.example', name: 'Cc' }],
        hiddenRecipients: [{ email: 'bcc@customers.example' }],
      },
    },
  });
  await fake.webhooks.settled();
  const all = [...delivered, ...fake.webhooks.deliveries()];
  expect(new Set(all.map((d) => d.eventType))).toEqual(
    new Set([
      'thread.thread_created',
      ...['email', 'chat', 'slack_message', 'ms_teams_message'].flatMap((m) => [
        `thread.${m}_received`,
        `thread.${m}_sent`,
      ]),
      'thread.discord_message_received',
    ]),
  );
  for (const d of all) expect(schemaErrors(JSON.parse(d.body)), d.eventType).toEqual([]);
});
