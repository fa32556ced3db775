import { describe, expect, it, vi } from 'vitest';
import { PlainClient } from '../src/index.js';

// The transport keeps each attempt's Response aside while it runs, because graphql-request drops the status and
// headers when a 200 carries no GraphQL result. These tests pin down that every failure reports its own answer's
// status and request id, including when attempts overlap. No network: the client is given a fetch.

const HTML = { 'content-type': 'text/html' };
const JSON_TYPE = { 'content-type': 'application/json' };
const OK = JSON.stringify({ data: { replyToThread: { error: null } } });

const threadIdOf = (init?: RequestInit) =>
  (JSON.parse(String(init?.body)) as { variables: { input: { threadId: string } } }).variables.input.threadId;

function clientWith(fetch: typeof globalThis.fetch) {
  return new PlainClient({ apiKey: 'plainApiKey_test', apiUrl: 'https://plain.test/graphql/v1', fetch, maxRetries: 0 });
}

const reply = (plain: PlainClient, threadId: string) =>
  plain.replyToThread({ threadId, textContent: 'Thanks!' }, { thread: { id: threadId, channel: 'EMAIL' } });

describe('transport: the answer behind a failure', () => {
  it('a 200 that is not a GraphQL result keeps its status and request id', async () => {
    const plain = clientWith(
      async () =>
        new Response('<html>login</html>', { status: 200, headers: { ...HTML, 'apigw-requestid': 'req-html' } }),
    );
    const result = await reply(plain, 'th_1');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({
      kind: 'unexpected_response',
      status: 200,
      requestId: 'req-html',
      attempts: 1,
    });
  });

  it('nothing of one attempt carries over to the next', async () => {
    const answers = [
      () => new Response('<html>1</html>', { status: 200, headers: { ...HTML, 'apigw-requestid': 'req-1' } }),
      () => new Response(OK, { status: 200, headers: { ...JSON_TYPE, 'apigw-requestid': 'req-2' } }),
      () => new Response('not json', { status: 200, headers: JSON_TYPE }),
    ];
    let sent = 0;
    const plain = clientWith(async () => answers[sent++]!());

    expect((await reply(plain, 'th_1')).error).toMatchObject({
      kind: 'unexpected_response',
      status: 200,
      requestId: 'req-1',
    });
    expect(await reply(plain, 'th_1')).toMatchObject({ ok: true, requestId: 'req-2' });
    const third = await reply(plain, 'th_1');
    expect(third.error).toMatchObject({ kind: 'unexpected_response', status: 200 });
    expect(third.error?.requestId).toBeUndefined();
    expect(sent).toBe(3);
  });

  it('overlapping attempts each report their own answer', async () => {
    // Odd threads get an HTML page naming the thread in its request id, even ones a success; the answers come
    // back in a different order from the requests.
    const plain = clientWith(async (_url, init) => {
      const threadId = threadIdOf(init);
      const n = Number(threadId.slice(3));
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
      return n % 2
        ? new Response('<html></html>', { status: 200, headers: { ...HTML, 'apigw-requestid': `html-${threadId}` } })
        : new Response(OK, { status: 200, headers: { ...JSON_TYPE, 'apigw-requestid': `ok-${threadId}` } });
    });

    const ids = Array.from({ length: 20 }, (_, i) => `th_${i}`);
    const results = await Promise.all(ids.map((id) => reply(plain, id)));

    results.forEach((result, i) => {
      if (i % 2)
        expect(result.error).toMatchObject({ kind: 'unexpected_response', status: 200, requestId: `html-th_${i}` });
      else expect(result).toMatchObject({ ok: true, requestId: `ok-th_${i}` });
    });
  });
});

describe('transport: a fetch that throws before returning a promise', () => {
  it('fails the lookup as a network error, and the next reply looks the thread up afresh', async () => {
    const sent: string[] = [];
    let broken = true;
    const plain = clientWith((_url, init) => {
      if (broken) throw new TypeError('fetch is broken');
      const body = JSON.parse(String(init?.body)) as { operationName: string };
      sent.push(body.operationName);
      const data =
        body.operationName === 'GetThread'
          ? {
              thread: {
                id: 'th_1',
                ref: 'T-1',
                title: 'Help',
                channel: 'EMAIL',
                status: 'TODO',
                customer: { id: 'c_1' },
              },
            }
          : { replyToThread: { error: null } };
      return Promise.resolve(new Response(JSON.stringify({ data }), { status: 200, headers: JSON_TYPE }));
    });

    const first = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' });
    expect(first.error).toMatchObject({ kind: 'network', attempts: 1 });
    broken = false;
    const second = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' });
    expect(second).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
    expect(sent).toEqual(['GetThread', 'ReplyToThread']);
  });
});

describe('transport: answers that break while being read', () => {
  it('a GraphQL error whose message cannot be turned into text: a typed result at once, no unhandled rejection, the next call goes', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const answers = [JSON.stringify({ errors: [{ message: { toString: 1 } }] }), OK];
    let sent = 0;
    // No timeout: a result that only came from the deadline would never come, and the test would time out.
    const plain = new PlainClient({
      apiKey: 'plainApiKey_test',
      apiUrl: 'https://plain.test/graphql/v1',
      maxRetries: 0,
      timeoutMs: Infinity,
      fetch: async () => new Response(answers[sent++], { status: 200, headers: JSON_TYPE }),
    });
    const first = await reply(plain, 'th_1');
    expect(first.ok).toBe(false);
    expect(first.error?.kind).toMatch(/^(graphql_error|unexpected_response)$/);
    expect(await reply(plain, 'th_1')).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a fetch error whose message is a Symbol: a network error, not a crash', async () => {
    const plain = clientWith(async () => {
      throw Object.assign(new TypeError('x'), { message: Symbol('odd') });
    });
    const result = await reply(plain, 'th_1');
    expect(result.error).toMatchObject({ kind: 'network', attempts: 1 });
  });
});

describe('transport: an onRequest hook that replies to the same thread while its lookup starts', () => {
  it('gets a result of its own, and nothing rejects', async () => {
    const answers: Record<string, string> = {
      GetThread: JSON.stringify({
        data: {
          thread: { id: 'th_1', ref: 'T-1', title: 't', channel: 'EMAIL', status: 'TODO', customer: { id: 'c_1' } },
        },
      }),
      ReplyToThread: OK,
    };
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) =>
      new Response(answers[(JSON.parse(String(init?.body)) as { operationName: string }).operationName], {
        status: 200,
        headers: JSON_TYPE,
      });
    let inner: Promise<unknown> | undefined;
    let hooked = false;
    const plain: PlainClient = new PlainClient({
      apiKey: 'plainApiKey_test',
      apiUrl: 'https://plain.test/graphql/v1',
      fetch,
      paceRequests: false,
      onRequest: (event) => {
        // Once: the hook's own reply starts a lookup too, and so calls this hook again before `inner` is set.
        if (event.operationName !== 'GetThread' || hooked) return;
        hooked = true;
        inner = plain.replyToThread({ threadId: 'th_1', textContent: 'from the hook' });
      },
    });
    const outer = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' });
    expect(outer).toMatchObject({ ok: true });
    expect(await inner).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
  });
});
