import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_API_URL, PlainClient, type ReplyToThreadResult } from '../src/index.js';

const API_KEY = 'plainApiKey_secret_for_tests_0123456789';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const sent: Request[] = [];
/** Answers every request with `answer`, remembering what was sent. */
function plainAnswers(answer: () => Response | Promise<Response>) {
  sent.length = 0;
  server.use(
    http.post(PLAIN_API_URL, async ({ request }) => {
      sent.push(request.clone());
      return answer();
    }),
  );
}
const json = (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) =>
  HttpResponse.json(body as Record<string, unknown>, {
    status: init.status ?? 200,
    headers: { 'apigw-requestid': 'req-abc', ...init.headers },
  });

const fresh = () => new PlainClient({ apiKey: API_KEY, maxRetries: 0 });
const plain = fresh();
/** A reply on a thread whose channel the caller knows, so exactly one request goes out. A fresh client each time, so
 * that no rate-limit budget carries over from another test. */
const reply = (
  client = fresh(),
  options: Parameters<PlainClient['replyToThread']>[1] = {},
): Promise<ReplyToThreadResult> =>
  client.replyToThread(
    { threadId: 'th_1', textContent: 'Hello there' },
    { thread: { id: 'th_1', channel: 'EMAIL' }, ...options },
  );

describe('every error kind from the wire', () => {
  it('success: requestId and rate-limit budget from the headers', async () => {
    plainAnswers(() =>
      json(
        { data: { replyToThread: { error: null } } },
        {
          headers: {
            'x-ratelimit-limit': '450',
            'x-ratelimit-remaining': '449',
            'x-ratelimit-reset': '2030-01-06T15:30:00.000Z',
          },
        },
      ),
    );
    const result = await reply();
    expect(result).toEqual({
      ok: true,
      data: { threadId: 'th_1', channel: 'EMAIL' },
      requestId: 'req-abc',
      rateLimit: { limit: 450, remaining: 449, resetAt: new Date('2030-01-06T15:30:00.000Z') },
    });
    const body = await sent[0]!.json();
    expect(body).toEqual({
      query: expect.stringMatching(/^mutation ReplyToThread\(\$input:ReplyToThreadInput!\)\{replyToThread/),
      variables: { input: { threadId: 'th_1', textContent: 'Hello there' } },
      operationName: 'ReplyToThread',
    });
    expect(sent[0]!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(sent[0]!.headers.get('content-type')).toBe('application/json');
  });

  it('401 with a plain-text body: unauthenticated', async () => {
    plainAnswers(() => new HttpResponse('Unauthorized', { status: 401, headers: { 'apigw-requestid': 'req-401' } }));
    expect((await reply()).error).toEqual({
      kind: 'unauthenticated',
      status: 401,
      requestId: 'req-401',
      attempts: 1,
      retryable: false,
      message: 'Plain rejected the API key (HTTP 401)',
    });
  });

  it('401 carrying FORBIDDEN: forbidden, decided by the code, with the permission', async () => {
    plainAnswers(() =>
      json(
        {
          errors: [{ message: 'Insufficient permissions, missing "thread:read".', extensions: { code: 'FORBIDDEN' } }],
        },
        { status: 401 },
      ),
    );
    expect((await reply()).error).toMatchObject({
      kind: 'forbidden',
      status: 401,
      permission: 'thread:read',
      requestId: 'req-abc',
    });
  });

  it('403 without a body: forbidden', async () => {
    plainAnswers(() => new HttpResponse(null, { status: 403 }));
    expect((await reply()).error).toMatchObject({ kind: 'forbidden', status: 403 });
  });

  it('429 with x-ratelimit-reset (ISO time): rate_limited with retryAfterMs', async () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    plainAnswers(() =>
      json(
        { errors: [{ message: 'Too Many Requests - Rate limit exceeded', extensions: { code: 'RATE_LIMITED' } }] },
        {
          status: 429,
          headers: { 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '450' },
        },
      ),
    );
    const result = await reply();
    expect(result.error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      requestId: 'req-abc',
      retryable: true,
      attempts: 1,
    });
    const { retryAfterMs } = result.error as { retryAfterMs: number };
    // The time to the reset, plus the floor and jitter every wait after a 429 gets (250 ms + up to 750 ms).
    expect(retryAfterMs).toBeGreaterThan(25_000);
    expect(retryAfterMs).toBeLessThanOrEqual(31_000);
    expect(result.rateLimit).toEqual({ limit: 450, remaining: 0, resetAt: new Date(reset) });
  });

  it('429 with Retry-After seconds only', async () => {
    plainAnswers(() => json({ errors: [{ message: 'slow down' }] }, { status: 429, headers: { 'retry-after': '7' } }));
    const { retryAfterMs } = (await reply()).error as { kind: string; retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThanOrEqual(7_250);
    expect(retryAfterMs).toBeLessThanOrEqual(8_000);
  });

  it('500 with text: server_error that warns the reply may have been sent', async () => {
    plainAnswers(
      () => new HttpResponse('upstream exploded', { status: 500, headers: { 'apigw-requestid': 'req-500' } }),
    );
    const { error } = await reply();
    expect(error).toMatchObject({
      kind: 'server_error',
      status: 500,
      requestId: 'req-500',
      retryable: false,
      mayHaveBeenSent: true,
    });
    expect(error!.message).toContain('may have been sent');
  });

  it('502 with JSON: server_error', async () => {
    plainAnswers(() => json({ message: 'Bad gateway' }, { status: 502 }));
    expect((await reply()).error).toMatchObject({ kind: 'server_error', status: 502 });
  });

  it('200 with a body that is not JSON: unexpected_response', async () => {
    plainAnswers(
      () =>
        new HttpResponse('<html>hello</html>', {
          status: 200,
          headers: { 'content-type': 'text/html', 'apigw-requestid': 'req-html' },
        }),
    );
    expect((await reply()).error).toMatchObject({ kind: 'unexpected_response', status: 200, requestId: 'req-html' });
  });

  it('200 with JSON of the wrong shape: unexpected_response, never success', async () => {
    plainAnswers(() => json({ data: { somethingElse: true } }));
    const result = await reply();
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'unexpected_response', requestId: 'req-abc', mayHaveBeenSent: true });
  });

  it('404 or 400 that is not a GraphQL result: unexpected_response, and the reply may have been sent', async () => {
    // Whoever answered (a wrong apiUrl, a gateway) is not Plain refusing the request: it may have gone through.
    for (const status of [404, 400]) {
      plainAnswers(() => new HttpResponse('Not Found', { status }));
      const error = (await reply()).error;
      expect(error).toMatchObject({ kind: 'unexpected_response', status, mayHaveBeenSent: true, retryable: false });
    }
  });

  it('top-level GraphQL errors: graphql_error with each error', async () => {
    plainAnswers(() =>
      json(
        {
          data: null,
          errors: [
            {
              message: 'Variable "$input" got invalid value',
              extensions: { code: 'BAD_USER_INPUT' },
              path: ['replyToThread'],
            },
          ],
        },
        { status: 400 },
      ),
    );
    expect((await reply()).error).toMatchObject({
      kind: 'graphql_error',
      status: 400,
      errors: [{ message: 'Variable "$input" got invalid value', code: 'BAD_USER_INPUT', path: ['replyToThread'] }],
    });
  });

  it('MutationError of type INTERNAL: mutation_error with code, type and fields', async () => {
    plainAnswers(() =>
      json({
        data: {
          replyToThread: { error: { message: 'Something broke', type: 'INTERNAL', code: 'internal', fields: [] } },
        },
      }),
    );
    expect((await reply()).error).toEqual({
      kind: 'mutation_error',
      code: 'internal',
      type: 'INTERNAL',
      fields: [],
      attempts: 1,
      retryable: false,
      requestId: 'req-abc',
      message: 'Plain refused the reply: Something broke (internal)',
    });
  });

  it('a dropped connection: network', async () => {
    plainAnswers(() => HttpResponse.error());
    const { error } = await reply();
    expect(error).toMatchObject({ kind: 'network', attempts: 1, retryable: false, mayHaveBeenSent: true });
    expect(error!.message).toContain('may have been sent');
  });

  it('no answer in time: timeout', async () => {
    plainAnswers(async () => {
      await delay('infinite');
      return json({});
    });
    const { error } = await reply(new PlainClient({ apiKey: API_KEY, maxRetries: 0, timeoutMs: 50 }));
    expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 50, retryable: false, mayHaveBeenSent: true });
  });

  it('the per-call timeout overrides the client default', async () => {
    plainAnswers(async () => {
      await delay('infinite');
      return json({});
    });
    expect((await reply(plain, { timeoutMs: 30 })).error).toMatchObject({ kind: 'timeout', timeoutMs: 30 });
  });

  it("the caller's AbortSignal: aborted", async () => {
    plainAnswers(async () => {
      await delay('infinite');
      return json({});
    });
    const controller = new AbortController();
    const pending = reply(plain, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await pending).error).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('an already aborted signal: aborted, nothing sent', async () => {
    plainAnswers(() => json({ data: { replyToThread: { error: null } } }));
    const { error } = await reply(plain, { signal: AbortSignal.abort() });
    expect(error).toMatchObject({ kind: 'aborted', attempts: 0, retryable: true });
    expect(sent).toHaveLength(0);
  });
});

describe('the API key never leaves in a result', () => {
  const echo = `your key ${API_KEY} is wrong`;
  const answers: [string, () => Response][] = [
    [
      'a GraphQL error message',
      () => json({ errors: [{ message: echo, extensions: { code: 'UNAUTHENTICATED' } }] }, { status: 401 }),
    ],
    [
      'a MutationError',
      () =>
        json({
          data: {
            replyToThread: {
              error: {
                message: echo,
                type: 'VALIDATION',
                code: 'input_validation',
                fields: [{ field: 'threadId', message: echo, type: 'VALIDATION' }],
              },
            },
          },
        }),
    ],
    [
      'the request-id header',
      () => json({ data: { replyToThread: { error: null } } }, { headers: { 'apigw-requestid': API_KEY } }),
    ],
    ['a 500 body', () => new HttpResponse(echo, { status: 500 })],
  ];
  for (const [where, answer] of answers) {
    it(`when Plain echoes it in ${where}`, async () => {
      plainAnswers(answer);
      const result = await reply();
      expect(JSON.stringify(result)).not.toContain(API_KEY);
      expect(String(result.error?.message)).not.toContain(API_KEY);
    });
  }

  it('when a successful answer spells it with JSON escapes (the check that skips the walk reads the raw text)', async () => {
    const escaped = [...API_KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const thread = `{"id":"th_1","ref":"T-1","title":"A thread","channel":"${escaped}","status":"TODO","customer":{"id":"c_1"}}`;
    plainAnswers(
      () => new HttpResponse(`{"data":{"thread":${thread}}}`, { headers: { 'content-type': 'application/json' } }),
    );
    const result = await fresh().replyToThread({ threadId: 'th_1', textContent: 'Hello' });
    // The channel came back as the key itself: refused locally as a channel Plain does not reply on, key removed.
    expect(result.error).toMatchObject({ kind: 'cannot_reply_to_thread', source: 'local', channel: '[redacted]' });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(sent).toHaveLength(1);
  });

  it('nor when an answer uses it as a property name', async () => {
    const thread = {
      id: 'th_1',
      ref: 'T-1',
      title: 'A thread',
      channel: 'EMAIL',
      status: 'TODO',
      customer: { id: 'c_1' },
      [API_KEY]: { [API_KEY]: 1 },
    };
    plainAnswers(() => json({ data: { thread } }));
    const result = await fresh().getThread('th_1');
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(result.data).toMatchObject({ id: 'th_1', '[redacted]': { '[redacted]': 1 } });
  });

  it('nor from a thread id getter that gives the key to validation and something else when read again', async () => {
    plainAnswers(() => json({ data: { thread: null } }));
    class Reply {
      reads = 0;
      textContent = 'Hello';
      get threadId() {
        return this.reads++ === 0 ? API_KEY : 'th_1';
      }
    }
    const result = await fresh().replyToThread(new Reply());
    expect(result.error).toMatchObject({ kind: 'thread_not_found' });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(String(result.error?.message)).not.toContain(API_KEY);
  });

  it('a thread id that is the key by mistake does not come back in the error that names the thread', async () => {
    plainAnswers(() => json({ data: { thread: null } }));
    const result = await fresh().replyToThread({ threadId: API_KEY, textContent: 'Hello' });
    expect(result.error).toMatchObject({ kind: 'thread_not_found' });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(String(result.error?.message)).not.toContain(API_KEY);
  });

  it("nor when it comes back from the caller's own values: a thread option's channel, a hidden input property", async () => {
    plainAnswers(() => json({ data: { thread: null } }));
    const byOption = await fresh().replyToThread(
      { threadId: 'th_1', textContent: 'Hello' },
      { thread: { id: 'th_1', channel: `X${API_KEY}` as never } },
    );
    expect(byOption.ok).toBe(false);
    expect(JSON.stringify(byOption)).not.toContain(API_KEY);

    const input = { textContent: 'Hello' } as { threadId: string; textContent: string };
    Object.defineProperty(input, 'threadId', { value: `th_${API_KEY}`, enumerable: false });
    const hidden = await fresh().replyToThread(input);
    expect(hidden.ok).toBe(false);
    expect(JSON.stringify(hidden)).not.toContain(API_KEY);
    expect(String(hidden.error?.message)).not.toContain(API_KEY);
  });

  it('the key is not in construction errors', () => {
    expect(() => new PlainClient({ apiKey: `${API_KEY} with a space` })).toThrowError(
      /apiKey must be a non-empty string/,
    );
    try {
      new PlainClient({ apiKey: `${API_KEY}\n` });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(API_KEY);
    }
  });
});

describe('construction mistakes throw at once', () => {
  it('no apiKey for Plain itself', () => {
    expect(() => new PlainClient({})).toThrowError(/apiKey is required/);
  });
  it('a relative apiUrl', () => {
    expect(() => new PlainClient({ apiUrl: '/api/plain' })).toThrowError(/apiUrl must be an absolute URL/);
  });
  it('a bad option', () => {
    expect(() => new PlainClient({ apiKey: API_KEY, maxRetries: -1 })).toThrowError(
      /maxRetries must be a whole number >= 0/,
    );
    expect(() => new PlainClient({ apiKey: API_KEY, timeoutMs: 0 })).toThrowError(/timeoutMs/);
  });
});

describe('mayHaveBeenSent', () => {
  it('is absent on failures where Plain certainly did not deliver the reply, and on lookups', async () => {
    plainAnswers(() => json({ errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] }, { status: 403 }));
    expect((await reply()).error).not.toHaveProperty('mayHaveBeenSent');
    plainAnswers(() => new HttpResponse('down', { status: 503 }));
    const lookup = await fresh().getThread('th_1');
    expect(lookup.error).toMatchObject({ kind: 'server_error', status: 503 });
    expect(lookup.error).not.toHaveProperty('mayHaveBeenSent');
  });
});
