import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlainClient, VERSION } from '../src/index.js';
import { ABORTABLE_AFTER_TIMEOUT_MS } from '../src/transport.js';

// How a per-attempt timeout reaches fetch. Node 20's fetch is slower with any abort signal, so the transport hands it
// one only when it is needed: the caller gave a signal, or a request timed out lately. These tests record the init
// each request was sent with; nothing is timed.

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
      sent.push({ signal, headers: new Headers(init?.headers), answer: (body = OK) => resolve(new Response(body, { status: 200 })) });
    });
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const thread = { id: 'th_1', channel: 'EMAIL' as const };
const reply = (plain: PlainClient, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }, { thread, ...options });

afterEach(() => vi.restoreAllMocks());

describe('timeouts without a caller signal', () => {
  it('a first timeout resolves on time although fetch had no signal to abort, and its late answer is dropped', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 20 });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);

    const result = await reply(plain);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.signal).toBeUndefined();
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 20, mayHaveBeenSent: true, attempts: 1, retryable: false } });

    sent[0]!.answer(); // Plain answers after all: the caller already has its result, nothing else happens.
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
  });

  it('after a timeout, requests carry a signal that is aborted at their own deadline', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 20 });
    await reply(plain);

    const second = reply(plain);
    expect(sent[1]!.signal).toBeInstanceOf(AbortSignal);
    expect(sent[1]!.signal!.aborted).toBe(false);
    expect(await second).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 20, mayHaveBeenSent: true } });
    expect(sent[1]!.signal!.aborted).toBe(true);

    // A request that is answered in time is not aborted, and succeeds.
    const third = reply(plain);
    sent[2]!.answer();
    expect(await third).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
    expect(sent[2]!.signal!.aborted).toBe(false);
  });

  it(`requests go without a signal again ${ABORTABLE_AFTER_TIMEOUT_MS / 60_000} minutes after the last timeout`, async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 20 });
    const start = Date.now();
    await reply(plain);

    const now = vi.spyOn(Date, 'now').mockReturnValue(start + ABORTABLE_AFTER_TIMEOUT_MS - 1_000);
    const within = reply(plain);
    expect(sent[1]!.signal).toBeInstanceOf(AbortSignal);
    sent[1]!.answer();
    await within;

    now.mockReturnValue(start + ABORTABLE_AFTER_TIMEOUT_MS + 1_000);
    const after = reply(plain);
    expect(sent[2]!.signal).toBeUndefined();
    sent[2]!.answer();
    expect(await after).toMatchObject({ ok: true });
  });

  it('a request answered in time never needs a signal', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, timeoutMs: 1_000 });
    for (let i = 0; i < 3; i++) {
      const pending = reply(plain);
      sent[i]!.answer();
      expect(await pending).toMatchObject({ ok: true });
    }
    expect(sent.map((s) => s.signal)).toEqual([undefined, undefined, undefined]);
  });
});

describe("a caller's signal always reaches fetch", () => {
  it('aborting it aborts the request under way and resolves as aborted', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch });
    const controller = new AbortController();
    const pending = reply(plain, { signal: controller.signal });
    expect(sent[0]!.signal).toBeInstanceOf(AbortSignal);

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
  it('sends authorization, content-type and user-agent, and a caller header of any case replaces ours', async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Tenant': 'acme' } });
    const pending = reply(plain);
    sent[0]!.answer();
    await pending;
    expect(Object.fromEntries(sent[0]!.headers)).toEqual({
      authorization: 'Bearer plainApiKey_test',
      'content-type': 'application/json; charset=utf-8',
      'user-agent': `plain-client/${VERSION}`,
      'x-tenant': 'acme',
    });
  });

  it("keeps a caller's user agent first, with plain-client's after it", async () => {
    const { sent, fetch } = heldFetch();
    const plain = new PlainClient({ apiKey: 'plainApiKey_test', fetch, headers: { 'User-Agent': 'acme-support-bot/2.3' } });
    const pending = reply(plain);
    sent[0]!.answer();
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
