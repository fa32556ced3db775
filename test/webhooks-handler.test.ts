import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemorySeenStore,
  type PlainWebhookEvent,
  type SeenStore,
  signWebhook,
  toNodeHandler,
  webhookHandler,
} from '../src/webhooks/index.js';
import { exampleEvent, SECRET, signed } from './webhooks-fixtures.js';

async function post(
  handler: (r: Request) => Promise<Response>,
  init: { body: BodyInit; signature?: string; method?: string; headers?: Record<string, string> },
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.signature !== undefined) headers['plain-request-signature'] = init.signature;
  const response = await handler(
    new Request('http://127.0.0.1/plain', { method: init.method ?? 'POST', headers, body: init.body }),
  );
  return { status: response.status, json: await response.json(), response };
}

const delivery = async (type = 'thread.email_received', mutate?: (e: Record<string, any>) => void) => {
  const event = exampleEvent(type, new Date());
  mutate?.(event);
  return { event, ...(await signed(event)) };
};

describe('webhookHandler answers Plain with the status that makes it stop or retry', () => {
  it('200 after onEvent resolved, with the verified event', async () => {
    const received: PlainWebhookEvent[] = [];
    const handler = webhookHandler({ secret: SECRET, onEvent: async (event) => void received.push(event) });
    const { event, body, signature } = await delivery();
    const answer = await post(handler, { body, signature });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ok: true });
    expect(received).toEqual([event]);
  });

  it('200 for a duplicate without calling onEvent again; a redelivery with a new attempt is a duplicate too', async () => {
    let calls = 0;
    const handler = webhookHandler({ secret: SECRET, onEvent: () => void calls++ });
    const first = await delivery();
    await post(handler, first);
    const again = await delivery('thread.email_received', (e) => {
      e.webhookMetadata.webhookDeliveryAttemptNumber = 2;
      e.webhookMetadata.webhookDeliveryAttemptId = 'whAttempt_01J0000000000000000000000B';
    });
    const answer = await post(handler, again);
    expect(answer).toMatchObject({ status: 200, json: { ok: true, duplicate: true } });
    expect(calls).toBe(1);
  });

  it('401 for a missing, wrong or stale signature, 400 for a body that is not a webhook, and onEvent runs only for the good one', async () => {
    let calls = 0;
    const handler = webhookHandler({ secret: SECRET, onEvent: () => void calls++ });
    const { body, signature } = await delivery();
    expect((await post(handler, { body, signature: `sha256=${signature.toUpperCase()}` })).status).toBe(200);
    expect((await post(handler, { body })).json.error.kind).toBe('missing_signature');
    expect((await post(handler, { body })).status).toBe(401);
    expect((await post(handler, { body, signature: 'ab'.repeat(32) })).status).toBe(401);
    const old = await delivery(
      'thread.email_received',
      (e) => (e.webhookMetadata.webhookDeliveryAttemptTimestamp = new Date(Date.now() - 3_600_000).toISOString()),
    );
    expect(await post(handler, old)).toMatchObject({ status: 401, json: { error: { kind: 'stale' } } });
    const notAnObject = await signed('x');
    expect((await post(handler, notAnObject)).status).toBe(400);
    const broken = await signed({ id: 'pEv_1' });
    expect(await post(handler, broken)).toMatchObject({
      status: 400,
      json: { error: { kind: 'invalid_envelope', path: 'type' } },
    });
    const text = '{not json';
    expect(
      (await post(handler, { body: text, signature: await signWebhook({ body: text, secret: SECRET }) })).json.error
        .kind,
    ).toBe('not_json');
    expect(calls).toBe(1);
  });

  it('500 when onEvent rejects or throws, so that Plain retries; the retry then runs onEvent again', async () => {
    let calls = 0;
    const handler = webhookHandler({
      secret: SECRET,
      onEvent: () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        if (calls === 2) return Promise.reject(new Error('still down'));
      },
    });
    const d = await delivery();
    const first = await post(handler, d);
    expect(first.status).toBe(500);
    expect(JSON.stringify(first.json)).not.toContain('database down');
    expect((await post(handler, d)).status).toBe(500);
    expect((await post(handler, d)).status).toBe(200);
    expect(calls).toBe(3);
  });

  it('409 while an earlier delivery of the same event is still being handled', async () => {
    let release!: () => void;
    const handler = webhookHandler({ secret: SECRET, onEvent: () => new Promise<void>((r) => (release = r)) });
    const d = await delivery();
    const slow = post(handler, d);
    await new Promise((r) => setTimeout(r, 20));
    expect((await post(handler, d)).status).toBe(409);
    release();
    expect((await slow).status).toBe(200);
  });

  it('405 for another method, 413 for a body over maxBodyBytes (declared or streamed), never a redirect', async () => {
    const handler = webhookHandler({ secret: SECRET, onEvent: () => {}, maxBodyBytes: 1000 });
    const get = await handler(new Request('http://127.0.0.1/plain'));
    expect(get.status).toBe(405);
    const big = await delivery('thread.email_received', (e) => (e.payload.email.textContent = 'x'.repeat(2000)));
    expect((await post(handler, big)).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
    });
    const streamed = await handler(
      new Request('http://127.0.0.1/plain', { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    for (const r of [get, streamed]) expect(r.status < 300 || r.status >= 400).toBe(true);
  });

  it('500 with a message naming the secret when none is configured, and the seen store failing is 500 too', async () => {
    const d = await delivery();
    const noSecret = webhookHandler({ secret: undefined as unknown as string, onEvent: () => {} });
    expect(await post(noSecret, d)).toMatchObject({ status: 500, json: { error: { kind: 'invalid_input' } } });
    const broken: SeenStore = { has: () => Promise.reject(new Error('redis down')), add: () => {} };
    expect((await post(webhookHandler({ secret: SECRET, onEvent: () => {}, seen: broken }), d)).status).toBe(500);
    // Failing to remember an id after onEvent succeeded still answers 200: a 500 would make Plain redeliver for sure.
    const forgetful: SeenStore = {
      has: () => false,
      add: () => {
        throw new Error('full');
      },
    };
    expect((await post(webhookHandler({ secret: SECRET, onEvent: () => {}, seen: forgetful }), d)).status).toBe(200);
  });

  it("uses the seen store it is given, async included, with a ttl covering Plain's retries", async () => {
    const added: [string, number][] = [];
    const seen: SeenStore = {
      has: async (id) => added.some(([a]) => a === id),
      add: async (id, ttl) => void added.push([id, ttl]),
    };
    const handler = webhookHandler({ secret: SECRET, onEvent: () => {}, seen });
    const d = await delivery();
    await post(handler, d);
    expect(added).toEqual([[d.event.id, 7 * 24 * 3600 * 1000]]);
    expect((await post(handler, d)).json).toEqual({ ok: true, duplicate: true });
  });

  it('rotation: either secret of the list is accepted', async () => {
    const handler = webhookHandler({ secret: ['old-secret-0123456789abcdef', SECRET], onEvent: () => {} });
    expect(
      (
        await post(
          handler,
          await signed(exampleEvent('thread.chat_received', new Date()), 'old-secret-0123456789abcdef'),
        )
      ).status,
    ).toBe(200);
  });
});

describe('the in-memory seen store stays bounded', () => {
  it('forgets the oldest past maxEntries, and ids after their ttl', () => {
    let now = 0;
    const store = createMemorySeenStore({ maxEntries: 3, now: () => now });
    for (const id of ['a', 'b', 'c', 'd']) store.add(id, 1000);
    expect(store.size).toBe(3);
    expect([store.has('a'), store.has('b'), store.has('d')]).toEqual([false, true, true]);
    now = 1000;
    expect(store.has('d')).toBe(false);
    store.add('e', 1000);
    expect(store.size).toBe(1);
  });
});

describe('toNodeHandler: the same handler behind node:http or Express', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function serve(listener: (req: any, res: any) => unknown, port = 0) {
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/plain/webhooks`;
  }

  it('reads the raw body from the request stream and answers as the handler does', async () => {
    const received: string[] = [];
    const url = await serve(
      toNodeHandler(webhookHandler({ secret: SECRET, onEvent: (e) => void received.push(e.id) })),
    );
    const d = await delivery();
    const ok = await fetch(url, {
      method: 'POST',
      body: d.body,
      headers: { 'plain-request-signature': d.signature, host: 'evil.example' },
    });
    expect(ok.status).toBe(200);
    expect(received).toEqual([d.event.id]);
    const bad = await fetch(url, {
      method: 'POST',
      body: d.body,
      headers: { 'plain-request-signature': 'ab'.repeat(32) },
    });
    expect(bad.status).toBe(401);
  });

  it('after express.raw() the Buffer is used; after express.json() it answers 500 saying to mount it before the parser', async () => {
    const handler = toNodeHandler(webhookHandler({ secret: SECRET, onEvent: () => {} }));
    const d = await delivery();
    const raw = await serve(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c);
      req.body = Buffer.concat(chunks);
      await handler(req, res);
    });
    expect(
      (await fetch(raw, { method: 'POST', body: d.body, headers: { 'plain-request-signature': d.signature } })).status,
    ).toBe(200);
    await new Promise<void>((r) => server!.close(() => r()));
    const parsed = await serve(async (req, res) => {
      let text = '';
      for await (const c of req) text += c;
      req.body = JSON.parse(text);
      req._body = true;
      await handler(req, res);
    });
    const answer = await fetch(parsed, {
      method: 'POST',
      body: d.body,
      headers: { 'plain-request-signature': d.signature },
    });
    expect(answer.status).toBe(500);
    expect((await answer.json()).error.message).toMatch(/before any body parser/);
  });

  it('never rejects, even when the request stream fails or the handler throws', async () => {
    const writes: { status?: number; ended: boolean } = { ended: false };
    const res = {
      statusCode: 0,
      setHeader() {},
      end() {
        writes.ended = true;
        writes.status = res.statusCode;
      },
    };
    const failing = {
      method: 'POST',
      headers: {},
      [Symbol.asyncIterator]() {
        return { next: () => Promise.reject(new Error('socket reset')) };
      },
    };
    await expect(
      toNodeHandler(webhookHandler({ secret: SECRET, onEvent: () => {} }))(failing as never, res),
    ).resolves.toBeUndefined();
    expect(writes.ended).toBe(true);
    writes.ended = false;
    await expect(
      toNodeHandler(() => {
        throw new Error('boom');
      })({ method: 'POST', headers: {}, async *[Symbol.asyncIterator]() {} } as never, res),
    ).resolves.toBeUndefined();
    expect(writes).toEqual({ ended: true, status: 500 });
  });
});
