import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlainClient } from '../src/index.js';

const KEY = 'plainApiKey_guard_test_secret';

/** A fetch that records what went out and answers like Plain for a thread lookup and a reply. */
function recordingFetch() {
  const sent: {
    url: string;
    headers: Headers;
    credentials: RequestCredentials | undefined;
    signal: AbortSignal | undefined;
    body: Record<string, unknown>;
  }[] = [];
  const fetch = async (url: URL | RequestInfo, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    sent.push({
      url: String(url),
      headers: new Headers(init?.headers),
      credentials: init?.credentials,
      signal: init?.signal ?? undefined,
      body,
    });
    const data =
      body.operationName === 'GetThread'
        ? {
            thread: { id: 'th_1', ref: 'T-1', title: 'Help', channel: 'CHAT', status: 'TODO', customer: { id: 'c_1' } },
          }
        : { replyToThread: { error: null } };
    return Response.json({ data });
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('browser guard', () => {
  it('refuses an apiKey in a window with a document, and says why without the key', () => {
    vi.stubGlobal('window', { document: {} });
    let thrown: unknown;
    try {
      new PlainClient({ apiKey: KEY });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    expect(message).toMatch(/refusing to use an apiKey in a browser/);
    expect(message).toMatch(/createPlainProxy/);
    expect(message).toMatch(/dangerouslyAllowBrowser: true/);
    expect(message).not.toContain(KEY);
  });

  it('refuses an apiKey in a web worker', () => {
    class DedicatedWorkerGlobalScope {}
    vi.stubGlobal('self', new DedicatedWorkerGlobalScope());
    expect(() => new PlainClient({ apiKey: KEY })).toThrow(/refusing to use an apiKey in a browser/);
  });

  it('allows an apiKey in a browser with dangerouslyAllowBrowser: true, and sends it', async () => {
    vi.stubGlobal('window', { document: {} });
    const { sent, fetch } = recordingFetch();
    const plain = new PlainClient({ apiKey: KEY, dangerouslyAllowBrowser: true, fetch });
    const result = await plain.getThread('th_1');
    expect(result.ok).toBe(true);
    expect(sent[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    // A browser's user agent is its own: plain-client does not name itself there (Chrome would drop it anyway).
    expect(sent[0]?.headers.get('user-agent')).toBeNull();
  });

  it('allows an apiKey in Cloudflare Workers, a server that also runs in a ServiceWorkerGlobalScope', () => {
    class ServiceWorkerGlobalScope {}
    vi.stubGlobal('self', new ServiceWorkerGlobalScope());
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(() => new PlainClient({ apiKey: KEY })).not.toThrow();
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0' });
    expect(() => new PlainClient({ apiKey: KEY })).toThrow(/refusing to use an apiKey in a browser/);
  });

  it('allows an apiKey outside a browser (no window)', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(() => new PlainClient({ apiKey: KEY })).not.toThrow();
  });

  it('still requires a key to call Plain directly, in a browser too', () => {
    vi.stubGlobal('window', { document: {} });
    expect(() => new PlainClient({})).toThrow(/apiKey is required to call Plain directly/);
  });
});

describe('no key, own backend (the proxy pattern)', () => {
  it('sends to apiUrl with credentials and the custom headers, and no Authorization header', async () => {
    vi.stubGlobal('window', { document: {} });
    const { sent, fetch } = recordingFetch();
    const plain = new PlainClient({
      apiUrl: 'https://app.example.test/api/plain',
      credentials: 'include',
      headers: { 'X-CSRF-Token': 'csrf-123' },
      fetch,
    });

    const result = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello from the portal' });

    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'CHAT' } });
    expect(sent.map((r) => r.body.operationName)).toEqual(['GetThread', 'ReplyToThread']);
    for (const request of sent) {
      expect(request.url).toBe('https://app.example.test/api/plain');
      expect(request.credentials).toBe('include');
      expect(request.headers.get('authorization')).toBeNull();
      expect(request.headers.get('x-csrf-token')).toBe('csrf-123');
      expect(request.headers.get('content-type')).toMatch(/application\/json/);
      // Without a key the requests go to the page's own backend: no SDK header, and the browser's user agent stays.
      expect(request.headers.get('plain-sdk')).toBeNull();
      expect(request.headers.get('user-agent')).toBeNull();
      // In a browser a signal is cheap, so every request can be aborted at its timeout (on Node only after a timeout).
      expect(request.signal).toBeInstanceOf(AbortSignal);
    }
    expect(sent[1]?.body.variables).toEqual({ input: { threadId: 'th_1', textContent: 'Hello from the portal' } });
  });
});

describe('no key: a relative apiUrl and neutral wording', () => {
  it('resolves a relative apiUrl against the page address', async () => {
    vi.stubGlobal('window', { document: {} });
    vi.stubGlobal('location', { href: 'https://app.example.test/support/inbox' });
    const { sent, fetch } = recordingFetch();
    const plain = new PlainClient({ apiUrl: '/api/plain', fetch });
    expect((await plain.getThread('th_1')).ok).toBe(true);
    expect(sent[0]?.url).toBe('https://app.example.test/api/plain');
  });

  it('does not blame an API key the client does not have', async () => {
    const fetch = (async () => new Response('Log in first', { status: 401 })) as typeof globalThis.fetch;
    const plain = new PlainClient({ apiUrl: 'https://app.example.test/api/plain', fetch, maxRetries: 0 });
    const { error } = await plain.getThread('th_1');
    expect(error).toMatchObject({ kind: 'unauthenticated', status: 401 });
    expect(error!.message).toBe('The server refused the request as unauthenticated (HTTP 401)');
  });
});
