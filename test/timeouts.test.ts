import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlainClient, VERSION } from '../src/index.js';

// How a per-attempt timeout reaches fetch: every attempt carries its own abort signal, which fires at the deadline
// or when the caller's signal does. These tests record the init each request was sent with; nothing is timed.

const OK = JSON.stringify({ data: { replyToThread: { error: null } } });

interface Sent {
  signal: AbortSignal | undefined;
  headers: Headers;
  answer: (body?: string) => void;
}

/** A fetch that answers only when the test says so (or never), recording what each request carried. */
function heldFetch() {
  const sent: Sent[] = [];
  const fetch = (_url: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? undefined;
      signal?.addEventListener('abort', () => reject(signal.reason));
      sent.push({
        signal,
        headers: new Headers(init?.headers),
        answer: (body = OK) => resolve(new Response(body, { status: 200 })),
      });
    });
  /** Request number `n` (from 0), once it has been sent: the client sends asynchronously. */
  const arrived = async (n: number): Promise<Sent> => {
    while (sent.length <= n) await new Promise((resolve) => setTimeout(resolve, 1));
    return sent[n]!;
  };
  return { sent, arrived, fetch: fetch as typeof globalThis.fetch };
}

const thread = { id: 'th_1', channel: 'EMAIL' as const };
const reply = (plain: PlainClient, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }, { thread, ...options });

afterEach(() => vi.restoreAllMocks());

describe('a timed-out request is cancelled', () => {
  it('resolves timeout on time, aborts the request, and drops its late answer', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 20 });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);

    const result = await reply(plain);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'timeout', timeoutMs: 20, mayHaveBeenSent: true, attempts: 1, retryable: false },
    });

    sent[0]!.answer(); // Plain answers after all: the caller already has its result, nothing else happens.
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
  });

  it('a request answered in time is not aborted', async () => {
    const { sent, arrived, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 1_000 });
    const pending = reply(plain);
    (await arrived(0)).answer();
    expect(await pending).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
    expect(sent[0]!.signal?.aborted).toBe(false);
  });

  it('a fetch that ignores its signal still cannot hold the call past its timeout', async () => {
    const ignoring = (() => new Promise<Response>(() => {})) as typeof globalThis.fetch;
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch: ignoring, timeoutMs: 20, maxRetries: 0 });
    expect(await plain.getThread('th_1')).toMatchObject({
      ok: false,
      error: { kind: 'timeout', timeoutMs: 20, attempts: 1 },
    });
  });
});

describe("a caller's signal always reaches fetch", () => {
  it('aborting it aborts the request under way and resolves as aborted', async () => {
    const { sent, arrived, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch });
    const controller = new AbortController();
    const pending = reply(plain, { signal: controller.signal });
    expect((await arrived(0)).signal).toBeInstanceOf(AbortSignal);

    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'aborted', mayHaveBeenSent: true, attempts: 1 } });
    expect(sent[0]!.signal!.aborted).toBe(true);
  });

  it('its request is also aborted at the timeout', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 20 });
    const result = await reply(plain, { signal: new AbortController().signal });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 20 } });
    expect(sent[0]!.signal!.aborted).toBe(true);
  });
});

describe('headers', () => {
  it('sends authorization, content-type, user-agent and accept-encoding: identity, and a caller header of any case replaces ours', async () => {
    const { sent, arrived, fetch } = heldFetch();
    const plain = new PlainClient({
      apiKey: 'plainApiKey_test',
      fetch,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Tenant': 'acme' },
    });
    const pending = reply(plain);
    (await arrived(0)).answer();
    await pending;
    expect(Object.fromEntries(sent[0]!.headers)).toEqual({
      'accept-encoding': 'identity',
      authorization: 'Bearer plainApiKey_test',
      'content-type': 'application/json; charset=utf-8',
      'user-agent': `plain-client/${VERSION}`,
      'x-tenant': 'acme',
    });
  });

  it("keeps a caller's user agent first, with plain-client's after it", async () => {
    const { sent, arrived, fetch } = heldFetch();
    const plain = new PlainClient({
      apiKey: 'plainApiKey_test',
      fetch,
      headers: { 'User-Agent': 'acme-support-bot/2.3' },
    });
    const pending = reply(plain);
    (await arrived(0)).answer();
    await pending;
    expect(sent[0]!.headers.get('user-agent')).toBe(`acme-support-bot/2.3 plain-client/${VERSION}`);
  });
});

describe('timeouts under fake timers and clock steps', () => {
  afterEach(() => vi.useRealTimers());

  it('a timeout fires when only setTimeout is faked (a common test set-up in apps that use plain-client)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 30_000, maxRetries: 0 });
    let result: unknown;
    void plain.getThread('th_1').then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 30_000 } });
  });
});
