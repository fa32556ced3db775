import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { mswHandlers } from '../src/testing/msw.js';

// The fake's rules are a product: users test their integrations against them.
describe('createFakePlain', () => {
  it('seeds with sensible defaults in one line each', () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    expect(thread).toMatchObject({
      id: expect.stringMatching(/^th_/),
      ref: 'T-1',
      channel: 'EMAIL',
      status: 'TODO',
      customerId: expect.stringMatching(/^c_/),
    });
    const customer = fake.addCustomer({ externalId: 'u-1' });
    expect(customer).toMatchObject({
      id: expect.stringMatching(/^c_/),
      email: expect.stringContaining('@'),
      externalId: 'u-1',
    });
    expect(() => fake.addThread({ customer: 'c_nobody' })).toThrowError(/no customer c_nobody/);
  });

  it('answers like Plain over fetch: 401 for an unknown key, request id on every answer', async () => {
    const fake = createFakePlain();
    const response = await fake.fetch('https://core-api.uk.plain.com/graphql/v1', {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query GetThread($threadId: ID!) { thread(threadId: $threadId) { id } }',
        variables: { threadId: 'th_1' },
      }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('apigw-requestid')).toBe('fake-req-1');
    expect(await response.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it("refuses documents Plain's schema does not validate, with Plain's GRAPHQL_VALIDATION_FAILED", async () => {
    const fake = createFakePlain();
    const response = await fake.fetch('https://x.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}` },
      body: JSON.stringify({ query: '{ workspace { id } }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Field "workspace" argument "workspaceId" of type "ID!" is required, but it was not provided.',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
    expect(fake.requests).toMatchObject([{ operationName: undefined }]);
  });

  it('records replies with their author, Cc and Bcc', async () => {
    const fake = createFakePlain();
    const customer = fake.addCustomer({ email: 'ada@example.com' });
    const thread = fake.addThread({ channel: 'API', customer });
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Hi',
      impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'ADA@example.com' } } },
      channelSpecificOptions: { email: { additionalRecipients: [{ email: 'cc@example.com' }] } },
    });
    expect(fake.messages(thread.id)).toEqual([
      expect.objectContaining({
        text: 'Hi',
        author: { kind: 'customer', customerId: customer.id, email: 'ada@example.com' },
        cc: [{ email: 'cc@example.com' }],
        bcc: [],
      }),
    ]);
  });

  it("enforces a rate limit with Plain's headers", async () => {
    const fake = createFakePlain({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const thread = fake.addThread();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, paceRequests: false, maxRetries: 0 });
    const first = await plain.replyToThread({ threadId: thread.id, textContent: '1' });
    expect(first.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
    const second = await plain.replyToThread({ threadId: thread.id, textContent: '2' });
    expect(second.error).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['1']);
  });

  it('failNext: refused connections never arrive; drops after recording keep the reply', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    fake.failNext({ drop: 'refused', operation: 'ReplyToThread' });
    const request = () =>
      fake.fetch('https://x.test', {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.apiKey}` },
        body: JSON.stringify({
          query:
            'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { code } } }',
          variables: { input: { threadId: thread.id, textContent: 'x' } },
        }),
      });
    await expect(request()).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(fake.requests).toEqual([]);
    fake.failNext({ drop: 'after' });
    await expect(request()).rejects.toThrow('fetch failed');
    expect(fake.messages(thread.id)).toHaveLength(1);
    fake.failNext({ status: 500, afterRecording: true });
    expect((await request()).status).toBe(500);
    expect(fake.messages(thread.id)).toHaveLength(2);
  });

  it('serves real HTTP on 127.0.0.1 with listen()', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'SLACK' });
    const server = await fake.listen();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql\/v1$/);
      const plain = new PlainClient({ apiKey: fake.apiKey, apiUrl: server.url });
      expect(await plain.replyToThread({ threadId: thread.id, textContent: 'over HTTP' })).toMatchObject({
        ok: true,
        data: { channel: 'SLACK' },
      });
      fake.failNext({ drop: 'after' });
      const dropped = await plain.replyToThread({ threadId: thread.id, textContent: 'dropped' });
      expect(dropped.error).toMatchObject({ kind: 'network', retryable: false });
      expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['over HTTP', 'dropped']);
    } finally {
      await server.close();
    }
  });

  it('accepts every recipient Plain would deliver to, and refuses what is not an address', async () => {
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'EMAIL' });
    const replyWithCc = async (email: string) => {
      const response = await fake.fetch('https://x.test', {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.apiKey}` },
        body: JSON.stringify({
          query:
            'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { code fields { field } } } }',
          variables: {
            input: {
              threadId: thread.id,
              textContent: 'x',
              channelSpecificOptions: { email: { additionalRecipients: [{ email }] } },
            },
          },
        }),
      });
      return ((await response.json()) as { data: { replyToThread: { error: unknown } } }).data.replyToThread.error;
    };
    const deliverable = [
      'a&b@example.com',
      'customer/department=shipping@example.com',
      "o'brien+tag@example.com",
      'user@bücher.de',
      'josé@example.com',
      'user@xn--bcher-kva.de',
      '用户@例子.广告',
    ];
    for (const email of deliverable) expect(await replyWithCc(email)).toBeNull();
    for (const email of [
      'no-at-sign',
      '@example.com',
      'user@',
      'a b@example.com',
      'a@b@example.com',
      'user@localhost',
    ]) {
      expect(await replyWithCc(email)).toMatchObject({
        code: 'input_validation',
        fields: [{ field: 'channelSpecificOptions' }],
      });
    }
    expect(fake.messages(thread.id)).toHaveLength(deliverable.length);
  });

  it('answers a body that is JSON but not one request with a 400, as Plain does', async () => {
    const fake = createFakePlain();
    for (const body of ['null', '[]', '"query"', '42']) {
      const response = await fake.fetch('https://x.test', {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.apiKey}` },
        body,
      });
      expect(response.status).toBe(400);
    }
  });

  it('loads without msw: nothing plain-client/testing imports reaches it', async () => {
    const { build } = await import('esbuild');
    const { metafile } = await build({
      entryPoints: ['src/testing/index.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/testing/index.ts');
    expect(inputs.filter((path) => /(^|\/)msw(\/|$)/.test(path))).toEqual([]);
  });

  it('points the old fake.handlers to plain-client/testing/msw', () => {
    const fake = createFakePlain();
    expect(() => (fake as unknown as { handlers: unknown }).handlers).toThrow(
      /import \{ mswHandlers \} from 'plain-client\/testing\/msw'/,
    );
    expect(() => (fake as unknown as { handlersFor: unknown }).handlersFor).toThrow(/mswHandlers\(fake, url\)/);
    expect(Object.keys(fake)).not.toContain('handlers');
    expect({ ...fake }).toMatchObject({ apiKey: fake.apiKey });
  });

  describe('as MSW handlers (plain-client/testing/msw)', () => {
    const fake = createFakePlain({ apiUrl: 'https://staging.example/graphql' });
    const server = setupServer(...mswHandlers(fake), ...mswHandlers(fake, 'https://other.example/graphql'));
    afterEach(() => server.close());

    it("answers at the fake's URL, or the one given", async () => {
      server.listen({ onUnhandledRequest: 'error' });
      const thread = fake.addThread();
      for (const apiUrl of ['https://staging.example/graphql', 'https://other.example/graphql']) {
        const plain = new PlainClient({ apiKey: fake.apiKey, apiUrl });
        expect((await plain.replyToThread({ threadId: thread.id, textContent: apiUrl })).ok).toBe(true);
      }
      expect(fake.messages(thread.id).map((m) => m.text)).toEqual([
        'https://staging.example/graphql',
        'https://other.example/graphql',
      ]);
    });

    it('turns a dropped connection into a network error', async () => {
      server.listen({ onUnhandledRequest: 'error' });
      const thread = fake.addThread();
      fake.failNext({ drop: 'after', operation: 'ReplyToThread' });
      const plain = new PlainClient({ apiKey: fake.apiKey, apiUrl: 'https://staging.example/graphql', maxRetries: 0 });
      const result = await plain.replyToThread({ threadId: thread.id, textContent: 'dropped' });
      expect(result.error).toMatchObject({ kind: 'network', mayHaveBeenSent: true });
      expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['dropped']);
    });
  });
});
