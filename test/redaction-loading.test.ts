import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakePlain } from '../src/testing/index.js';

// The key's redaction (src/redact.ts) is loaded only by a client with a key, before it sends anything. Here the module
// cannot load: a client without a key works as ever, and a client with one sends nothing and still resolves to a
// typed result without the key.

const KEY = 'plainApiKey_Zq8XvL2mN9pR4wT7yK1cH5jD3fG6sA0bE2uI7oQ';

/** PlainClient and the transport, loaded afresh with src/redact.ts failing to load as a missing chunk would. */
async function withoutRedaction() {
  vi.resetModules();
  vi.doMock('../src/redact.js', () => {
    throw new TypeError('Failed to fetch dynamically imported module: /assets/redact.js');
  });
  const [{ PlainClient }, { postGraphQL }] = await Promise.all([
    import('../src/index.js'),
    import('../src/transport.js'),
  ]);
  return { PlainClient, postGraphQL };
}

afterEach(() => {
  vi.doUnmock('../src/redact.js');
  vi.resetModules();
});

describe('a client without a key never loads the key redaction', () => {
  it('replies and looks threads up through its backend while the module cannot load', async () => {
    const { PlainClient } = await withoutRedaction();
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'EMAIL' });
    // The backend proxy adds the key; the page has none.
    const backend: typeof fetch = (_url, init) =>
      fake.fetch(fake.apiUrl, { ...init, headers: { ...init?.headers, authorization: `Bearer ${fake.apiKey}` } });
    const plain = new PlainClient({ apiUrl: 'https://app.example/api/plain', fetch: backend });

    const looked = await plain.getThread(thread.id);
    const replied = await plain.replyToThread({ threadId: thread.id, textContent: 'Hello' });

    expect(looked).toMatchObject({ ok: true, data: { id: thread.id, channel: 'EMAIL' } });
    expect(replied).toMatchObject({ ok: true });
    expect(fake.requests.map((request) => request.operationName)).toEqual(['GetThread', 'ReplyToThread']);
  });
});

describe('a client with a key whose redaction cannot load', () => {
  it('sends nothing and resolves to unexpected_response without the key', async () => {
    const { PlainClient } = await withoutRedaction();
    const fake = createFakePlain();
    const key = fake.addApiKey({ key: KEY });
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = new PlainClient({ apiKey: key, fetch: fake.fetch, maxRetries: 0 });

    // The thread id is the key by mistake: the result would echo it.
    const replied = await plain.replyToThread({ threadId: key, textContent: 'Hello' });
    const looked = await plain.getThread(thread.id);

    for (const result of [replied, looked]) {
      expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', attempts: 0 } });
      expect(JSON.stringify(result)).not.toContain(KEY);
    }
    expect(fake.requests).toEqual([]);
  });

  it('the transport reports the attempt as not sent, without calling fetch', async () => {
    const { postGraphQL } = await withoutRedaction();
    const fetch = vi.fn<typeof globalThis.fetch>();

    const exchange = await postGraphQL(
      { url: 'https://plain.test/graphql/v1', headers: {}, fetch, apiKey: KEY, maxResponseBytes: 1024 },
      '{}',
      { timeoutMs: 1_000 },
    );

    // `not_sent`: the failure is not taken for a request that may have reached Plain.
    expect(exchange).toMatchObject({ ending: 'not_sent', cause: { message: expect.any(String) } });
    expect(fetch).not.toHaveBeenCalled();
  });
});
