import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';

// The fake's rules are a product: users test their integrations against them.
describe('createFakePlain', () => {
  it('seeds with sensible defaults in one line each', () => {
    const fake = createFakePlain();
    const thread = fake.addThread();
    expect(thread).toMatchObject({ id: expect.stringMatching(/^th_/), ref: 'T-1', channel: 'EMAIL', status: 'TODO', customerId: expect.stringMatching(/^c_/) });
    const customer = fake.addCustomer({ externalId: 'u-1' });
    expect(customer).toMatchObject({ id: expect.stringMatching(/^c_/), email: expect.stringContaining('@'), externalId: 'u-1' });
    expect(() => fake.addThread({ customer: 'c_nobody' })).toThrowError(/no customer c_nobody/);
  });

  it('answers like Plain over fetch: 401 for an unknown key, request id on every answer', async () => {
    const fake = createFakePlain();
    const response = await fake.fetch('https://core-api.uk.plain.com/graphql/v1', {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query GetThread($threadId: ID!) { thread(threadId: $threadId) { id } }', variables: { threadId: 'th_1' } }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('apigw-requestid')).toBe('fake-req-1');
    expect(await response.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('refuses documents that are not plain-client\'s operations', async () => {
    const fake = createFakePlain();
    const response = await fake.fetch('https://x.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}` },
      body: JSON.stringify({ query: '{ workspace { id } }' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
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
      expect.objectContaining({ text: 'Hi', author: { kind: 'customer', customerId: customer.id, email: 'ada@example.com' }, cc: [{ email: 'cc@example.com' }], bcc: [] }),
    ]);
  });

  it('enforces a rate limit with Plain\'s headers', async () => {
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
        body: JSON.stringify({ query: 'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { code } } }', variables: { input: { threadId: thread.id, textContent: 'x' } } }),
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
      expect(await plain.replyToThread({ threadId: thread.id, textContent: 'over HTTP' })).toMatchObject({ ok: true, data: { channel: 'SLACK' } });
      fake.failNext({ drop: 'after' });
      const dropped = await plain.replyToThread({ threadId: thread.id, textContent: 'dropped' });
      expect(dropped.error).toMatchObject({ kind: 'network', retryable: false });
      expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['over HTTP', 'dropped']);
    } finally {
      await server.close();
    }
  });

  describe('as MSW handlers for a custom URL', () => {
    const fake = createFakePlain({ apiUrl: 'https://staging.example/graphql' });
    const server = setupServer(...fake.handlers);
    afterEach(() => server.close());

    it('answers at that URL only', async () => {
      server.listen({ onUnhandledRequest: 'error' });
      const thread = fake.addThread();
      const plain = new PlainClient({ apiKey: fake.apiKey, apiUrl: 'https://staging.example/graphql' });
      expect((await plain.replyToThread({ threadId: thread.id, textContent: 'x' })).ok).toBe(true);
      expect(fake.handlersFor('https://other.example/graphql')).toHaveLength(1);
    });
  });
});
