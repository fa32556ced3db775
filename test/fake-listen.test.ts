import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetThreadDocument } from '../src/generated/graphql.js';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';
import { rawExchange, rawPost, statusOf, watchCrashes } from './support.js';

const getThreadBody = (threadId: string) =>
  JSON.stringify({ query: String(GetThreadDocument), variables: { threadId }, operationName: 'GetThread' });

// fake.listen() is a real HTTP server in the user's test process: whatever a client sends, it must not crash that
// process, and it must keep answering.
describe('fake.listen() under odd and broken requests', () => {
  let fake: FakePlain;
  let server: { url: string; close: () => Promise<void> };
  let port: number;
  let watch: ReturnType<typeof watchCrashes>;

  beforeEach(async () => {
    watch = watchCrashes();
    fake = createFakePlain();
    server = await fake.listen();
    port = Number(new URL(server.url).port);
  });
  afterEach(async () => {
    await server.close();
    watch.stop();
    expect(watch.crashes).toEqual([]);
  });

  /** The fake still replies over HTTP, and nothing went unhandled. */
  async function stillServes() {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = new PlainClient({ apiKey: fake.apiKey, apiUrl: server.url, maxRetries: 0 });
    expect(await plain.replyToThread({ threadId: thread.id, textContent: 'still here' })).toMatchObject({ ok: true });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['still here']);
    expect(watch.crashes).toEqual([]);
  }

  it('answers GET with 405 and Allow: POST', async () => {
    const raw = await rawExchange(port, 'GET /graphql/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(statusOf(raw)).toBe(405);
    expect(raw.toLowerCase()).toContain('allow: post');
    expect(fake.requests).toEqual([]);
    await stillServes();
  });

  it('answers TRACE with 405', async () => {
    const raw = await rawExchange(port, 'TRACE /graphql/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(statusOf(raw)).toBe(405);
    await stillServes();
  });

  it('ignores a malformed Host header and answers the request', async () => {
    const thread = fake.addThread();
    const headers = { authorization: `Bearer ${fake.apiKey}` };
    const raw = await rawExchange(
      port,
      rawPost('/graphql/v1', { host: '[not a host', headers, body: getThreadBody(thread.id) }),
    );
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain(`"id":"${thread.id}"`);
    await stillServes();
  });

  it('answers a request target starting with // as any other path', async () => {
    const thread = fake.addThread();
    const headers = { authorization: `Bearer ${fake.apiKey}` };
    const raw = await rawExchange(port, rawPost('//', { host: '127.0.0.1', headers, body: getThreadBody(thread.id) }));
    expect(statusOf(raw)).toBe(200);
    await stillServes();
  });

  it('acts on nothing when the client disconnects mid-body', async () => {
    const thread = fake.addThread();
    const body = JSON.stringify({
      query: 'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { code } } }',
      variables: { input: { threadId: thread.id, textContent: 'cut off' } },
    });
    const whole = rawPost('/graphql/v1', {
      host: '127.0.0.1',
      headers: { authorization: `Bearer ${fake.apiKey}` },
      body,
    });
    await rawExchange(port, whole.slice(0, whole.length - body.length + 40), { hangUp: true });
    // A whole reply goes through the server after the hang-up; afterEach looks for crashes once more after closing.
    await stillServes();
    expect(fake.messages(thread.id)).toEqual([]);
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread']);
  });

  it('answers a bad request line with 400 (from Node) and keeps serving', async () => {
    const raw = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(statusOf(raw)).toBe(400);
    await stillServes();
  });
});
