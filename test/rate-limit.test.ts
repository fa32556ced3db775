import { getEventListeners, setMaxListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Acquired, type GateAnswer, type Permit, RateLimitGate } from '../src/rate-limit.js';
import { readRateLimit, retryAfterMs } from '../src/rate-limit-headers.js';

// The gate's time is vitest's fake clock: `now` is Date.now under fake timers, waits are fake setTimeouts. Nothing
// here waits for real, and nothing asserts how long anything took: what is asserted is which requests were let go
// before which moment, and what the gate answered.

/** A whole second, so that `Date` headers (whole seconds) are exact. */
const START = Date.UTC(2026, 11, 1, 12, 0, 0);
const now = () => Date.now();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Headers as Plain sends them, from a server whose clock is `aheadMs` ahead of ours (negative: behind). */
interface HeaderOptions {
  remaining?: number;
  limit?: number;
  /** The reset, as ms after the server's `Date`; or `reset`, as an ISO time. */
  resetInMs?: number;
  reset?: string;
  aheadMs?: number;
  /** Send a `Date` header. @default true */
  date?: boolean;
}
function plainHeaders(options: HeaderOptions) {
  const serverNow = Date.now() + (options.aheadMs ?? 0);
  const headers = new Headers({ 'x-ratelimit-limit': String(options.limit ?? 60) });
  if (options.date !== false) headers.set('date', new Date(serverNow).toUTCString());
  if (options.remaining !== undefined) headers.set('x-ratelimit-remaining', String(options.remaining));
  const resetIn = options.resetInMs;
  const reset = options.reset ?? (resetIn === undefined ? undefined : new Date(serverNow + resetIn).toISOString());
  if (reset !== undefined) headers.set('x-ratelimit-reset', reset);
  return headers;
}
const answered = (headers: Headers, status = 200): GateAnswer => ({ status, headers, receivedAt: Date.now() });

/**
 * A limiter like Plain's: fixed windows of `limit` requests on its own clock (`aheadMs` from ours), a 429 (which
 * spends nothing) once a window is spent, Plain's headers on every answer.
 */
class Limiter {
  served = 0;
  refused = 0;
  #window = { index: -1, used: 0 };
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly aheadMs = 0,
  ) {}

  answer(): GateAnswer {
    const serverNow = Date.now() + this.aheadMs;
    const index = Math.floor(serverNow / this.windowMs);
    if (index !== this.#window.index) this.#window = { index, used: 0 };
    const full = this.#window.used >= this.limit;
    if (full) this.refused++;
    else {
      this.#window.used++;
      this.served++;
    }
    const headers = new Headers({
      date: new Date(serverNow).toUTCString(),
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(this.limit - this.#window.used),
      'x-ratelimit-reset': new Date((index + 1) * this.windowMs).toISOString(),
    });
    return { status: full ? 429 : 200, headers, receivedAt: Date.now() };
  }
}

/**
 * `callers` loops, each acquiring a permit and sending one request to `limiter` (answered at once), until `stop`
 * fires. Returns the times (ms since START) at which requests went.
 */
function drive(gate: RateLimitGate, limiter: Limiter, callers: number, stop: AbortSignal): number[] {
  const sent: number[] = [];
  setMaxListeners(0, stop); // every waiting caller of every driven gate listens to the one stop signal
  const loop = async () => {
    for (;;) {
      const acquired = await gate.acquire({ signal: stop, maxWaitMs: 60_000 });
      if (!acquired.ok) return;
      sent.push(Date.now() - START);
      acquired.permit.release(limiter.answer());
    }
  };
  for (let i = 0; i < callers; i++) void loop();
  return sent;
}

/** Lets promise callbacks run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Acquires, recording the answer when it comes. */
function pending(gate: RateLimitGate, options: { signal?: AbortSignal; maxWaitMs?: number } = {}) {
  const state: { result?: Acquired } = {};
  void gate.acquire({ maxWaitMs: 60_000, ...options }).then((result) => {
    state.result = result;
  });
  return state;
}
const permitOf = (acquired: Acquired | undefined): Permit => {
  if (!acquired?.ok) throw new Error(`expected a permit, got ${JSON.stringify(acquired)}`);
  return acquired.permit;
};

/** A gate whose first request was answered with these headers (`remaining` left, the window ending in `resetInMs`...). */
async function informedGate(answer: HeaderOptions & { status?: number }) {
  const gate = new RateLimitGate({ now, random: () => 0.5 });
  const first = await gate.acquire({ maxWaitMs: 0 });
  permitOf(first).release(answered(plainHeaders(answer), answer.status));
  return gate;
}

describe("Plain's reset is moved onto this machine's clock with the answer's Date", () => {
  it.each([
    ['1 s behind', -1000],
    ['90 s ahead', 90_000],
    ['in step', 0],
  ])('server clock %s: the reset is as far after the answer as Plain said it was after its Date', (_, aheadMs) => {
    const headers = plainHeaders({ remaining: 12, limit: 450, resetInMs: 30_000, aheadMs });
    const receivedAt = Date.now();
    expect(readRateLimit(headers, receivedAt)).toEqual({
      limit: 450,
      remaining: 12,
      resetAt: new Date(receivedAt + 30_000),
    });
  });

  it('without a Date header, the reset is read as a time on our clock', () => {
    const reset = new Date(START + 7000).toISOString();
    expect(readRateLimit(plainHeaders({ remaining: 0, reset, date: false }), START)?.resetAt).toEqual(
      new Date(START + 7000),
    );
  });

  it('reads nothing from absent, blank or broken headers, and never throws', () => {
    expect(readRateLimit(undefined, START)).toBeUndefined();
    expect(readRateLimit(new Headers({ 'content-type': 'application/json' }), START)).toBeUndefined();
    const garbage = new Headers({
      'x-ratelimit-remaining': '',
      'x-ratelimit-limit': 'many',
      'x-ratelimit-reset': 'soon',
    });
    expect(readRateLimit(garbage, START)).toBeUndefined();
    const throwing = {
      get: () => {
        throw new Error('broken');
      },
    } as unknown as Headers;
    expect(readRateLimit(throwing, START)).toBeUndefined();
    expect(retryAfterMs(throwing, START, () => 0)).toBe(retryAfterMs(undefined, START, () => 0));
  });

  it('server clock 90 s ahead: a spent budget is waited for until the real reset, not refused as 100 s away', async () => {
    const gate = await informedGate({ remaining: 0, resetInMs: 10_000, aheadMs: 90_000 });
    const next = pending(gate, { maxWaitMs: 20_000 });
    await vi.advanceTimersByTimeAsync(9000);
    expect(next.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1500);
    expect(next.result?.ok).toBe(true);
  });

  it('server clock 1 s behind: nothing goes before the window really ends', async () => {
    const gate = await informedGate({ remaining: 0, resetInMs: 2000, aheadMs: -1000 });
    const next = pending(gate);
    // Read on our clock without the Date header, the reset would already have passed here.
    await vi.advanceTimersByTimeAsync(1500);
    expect(next.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(600);
    expect(next.result?.ok).toBe(true);
  });

  it.each([
    ['1 s behind', -1000],
    ['90 s ahead', 90_000],
  ])('server clock %s: a client sharing a limiter sends no request into a spent window', async (_, aheadMs) => {
    const limiter = new Limiter(60, 2000, aheadMs);
    const gate = new RateLimitGate({ now, random: () => 0.5 });
    const stop = new AbortController();
    const sent = drive(gate, limiter, 8, stop.signal);
    await vi.advanceTimersByTimeAsync(20_000);
    stop.abort();
    await settle();
    expect(limiter.refused).toBe(0);
    // And it keeps going: most of ten windows' budget was spent.
    expect(sent.length).toBeGreaterThan(500);
  });
});

describe('a clock that moves', () => {
  it('a 429 for a request sent after its window had ended on our clock holds requests, then lets them go', async () => {
    const gate = await informedGate({ remaining: 10, resetInMs: 2000 });
    await vi.advanceTimersByTimeAsync(2500);
    // The window is over on our clock; Plain's clock has gone back 1 s and refuses in that same window.
    const probe = await gate.acquire({ maxWaitMs: 60_000 });
    const reset = new Date(START + 2000).toISOString();
    permitOf(probe).release(answered(plainHeaders({ remaining: 0, reset, aheadMs: -1000 }), 429));
    const next = pending(gate);
    await settle();
    expect(next.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1500);
    expect(next.result?.ok).toBe(true);
  });

  it('a server that refuses with a reset already past does not get requests back at once', async () => {
    const gate = new RateLimitGate({ now, random: () => 0.5 });
    permitOf(await gate.acquire({ maxWaitMs: 0 })).release(
      answered(plainHeaders({ remaining: 0, resetInMs: -5000 }), 429),
    );
    const next = pending(gate);
    await settle();
    expect(next.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1500);
    expect(next.result?.ok).toBe(true);
  });
});

describe('a reset implausibly far away is not believed', () => {
  const in2100 = '2100-01-01T00:00:00.000Z';

  it('a 429 with a reset in 2100 holds requests for the default wait only, then lets them go', async () => {
    const gate = await informedGate({ remaining: 0, reset: in2100, status: 429 });
    const next = pending(gate, { maxWaitMs: 60_000 });
    await settle();
    expect(next.result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(next.result?.ok).toBe(true);
  });

  it('after one answer with a reset in 2100, the next 1,000 requests go without waiting', async () => {
    const gate = await informedGate({ remaining: 0, reset: in2100 });
    for (let i = 0; i < 1000; i++) {
      const acquired = await gate.acquire({ maxWaitMs: 0 });
      permitOf(acquired).release(answered(new Headers()));
    }
  });

  it('while a window is known, a 2100 reset does not replace it', async () => {
    const gate = await informedGate({ remaining: 30, resetInMs: 2000 });
    const probe = await gate.acquire({ maxWaitMs: 60_000 });
    permitOf(probe).release(answered(plainHeaders({ remaining: 0, reset: in2100 })));
    // Spent until the known window ends (2 s), not until 2100.
    const next = pending(gate, { maxWaitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(2100);
    expect(next.result?.ok).toBe(true);
  });

  it('retryAfterMs ignores it: the default wait, as with no reset at all', () => {
    const far = retryAfterMs(plainHeaders({ remaining: 0, reset: in2100 }), START, () => 0.5);
    expect(far).toBe(retryAfterMs(new Headers(), START, () => 0.5));
    expect(far).toBeLessThan(60_000);
  });
});

describe('every wait after a 429 has a floor and jitter', () => {
  it('waits until the reset, plus a floor that never lets the retry go at once', () => {
    const tenSeconds = plainHeaders({ remaining: 0, resetInMs: 10_000 });
    expect(retryAfterMs(tenSeconds, START, () => 0)).toBeGreaterThan(10_000);
    const passed = plainHeaders({ remaining: 0, resetInMs: -5000 });
    expect(retryAfterMs(passed, START, () => 0)).toBeGreaterThan(0);
  });

  it('jitter: clients drawing different random numbers retry at different times', () => {
    const headers = plainHeaders({ remaining: 0, resetInMs: 10_000 });
    const waits = [0, 0.3, 0.6, 0.99].map((r) => retryAfterMs(headers, START, () => r));
    expect(new Set(waits).size).toBe(4);
    expect([...waits].sort((a, b) => a - b)).toEqual(waits);
  });

  it('counts from the Date header, whatever the server clock', () => {
    const inStep = retryAfterMs(plainHeaders({ remaining: 0, resetInMs: 10_000 }), START, () => 0.5);
    expect(retryAfterMs(plainHeaders({ remaining: 0, resetInMs: 10_000, aheadMs: 90_000 }), START, () => 0.5)).toBe(
      inStep,
    );
    expect(retryAfterMs(plainHeaders({ remaining: 0, resetInMs: 10_000, aheadMs: -1000 }), START, () => 0.5)).toBe(
      inStep,
    );
  });

  it('uses Retry-After (seconds) when there is no reset, with the same floor and jitter', () => {
    const headers = new Headers({ 'retry-after': '3' });
    expect(retryAfterMs(headers, START, () => 0)).toBeGreaterThan(3000);
    expect(retryAfterMs(headers, START, () => 0.9)).toBeGreaterThan(retryAfterMs(headers, START, () => 0));
  });
});

describe("a wait longer than the caller's maximum is refused at once", () => {
  it("answers 'too_long' with the wait, without waiting and without letting a request go", async () => {
    const gate = await informedGate({ remaining: 0, resetInMs: 30_000 });
    const refused = await gate.acquire({ maxWaitMs: 10_000 });
    expect(refused).toEqual({ ok: false, reason: 'too_long', waitMs: 30_000 });
    expect(Date.now()).toBe(START);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a wait within the maximum is waited for', async () => {
    const gate = await informedGate({ remaining: 0, resetInMs: 5000 });
    const next = pending(gate, { maxWaitMs: 10_000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(next.result?.ok).toBe(true);
  });
});

describe('aborting a wait', () => {
  it("resolves 'aborted' at once and leaves no listener or timer behind", async () => {
    const gate = await informedGate({ remaining: 0, resetInMs: 30_000 });
    const controller = new AbortController();
    const next = pending(gate, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await settle();
    expect(next.result).toEqual({ ok: false, reason: 'aborted' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal gets no permit, even with budget left', async () => {
    const gate = new RateLimitGate({ now });
    expect(await gate.acquire({ signal: AbortSignal.abort(), maxWaitMs: 60_000 })).toEqual({
      ok: false,
      reason: 'aborted',
    });
    // It took nothing: the next caller is the first request, and goes at once.
    expect((await gate.acquire({ maxWaitMs: 0 })).ok).toBe(true);
  });
});

describe('a permit released after a failure frees the gate', () => {
  it.each([
    ['a network error (no answer)', { receivedAt: START } as GateAnswer],
    ['nothing at all', undefined],
    ['an answer with no rate-limit headers', { status: 502, headers: new Headers(), receivedAt: START } as GateAnswer],
  ])('the request waiting behind a first request that got %s goes', async (_, answer) => {
    const gate = new RateLimitGate({ now });
    const first = await gate.acquire({ maxWaitMs: 0 });
    const second = pending(gate);
    await settle();
    expect(second.result).toBeUndefined();
    permitOf(first).release(answer);
    await settle();
    expect(second.result?.ok).toBe(true);
  });

  it('a permit released twice counts once', async () => {
    const gate = new RateLimitGate({ now });
    const first = permitOf(await gate.acquire({ maxWaitMs: 0 }));
    first.release(undefined);
    first.release(undefined);
    await gate.acquire({ maxWaitMs: 0 });
    // The second request is out and nothing is known yet: a third waits for it (a miscount would let it go).
    const third = pending(gate);
    await settle();
    expect(third.result).toBeUndefined();
  });
});

describe('a new client', () => {
  it('lets one request go before the first answer, then several, then all', async () => {
    const gate = new RateLimitGate({ now, random: () => 0.5 });
    const calls = Array.from({ length: 8 }, () => pending(gate));
    await settle();
    const granted = () => calls.filter((c) => c.result?.ok).length;
    expect(granted()).toBe(1);
    const first = permitOf(calls.find((c) => c.result)?.result);
    first.release(answered(plainHeaders({ remaining: 59, limit: 60, resetInMs: 2000 })));
    await settle();
    // A burst of a twentieth of the budget, no more.
    expect(granted()).toBe(4);
    await vi.advanceTimersByTimeAsync(500);
    expect(granted()).toBe(8);
  });

  it('when the first answer is slow, one more request goes each second', async () => {
    const gate = new RateLimitGate({ now });
    const calls = Array.from({ length: 4 }, () => pending(gate));
    await settle();
    const granted = () => calls.filter((c) => c.result?.ok).length;
    expect(granted()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(granted()).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(granted()).toBe(3);
  });

  it('paces nothing when the server sends no rate-limit headers', async () => {
    const gate = new RateLimitGate({ now });
    permitOf(await gate.acquire({ maxWaitMs: 0 })).release(answered(new Headers()));
    const all = await Promise.all(Array.from({ length: 50 }, () => gate.acquire({ maxWaitMs: 0 })));
    expect(all.every((a) => a.ok)).toBe(true);
  });

  it('reports the budget as last read, on our clock', async () => {
    const gate = await informedGate({ remaining: 41, limit: 450, resetInMs: 30_000, aheadMs: 90_000 });
    expect(gate.last).toEqual({ limit: 450, remaining: 41, resetAt: new Date(START + 30_000) });
  });
});

describe('after a refill, requests are spread over the window', () => {
  it('a client with plenty of callers spends the window evenly instead of all at once', async () => {
    const limiter = new Limiter(60, 2000);
    const gate = new RateLimitGate({ now, random: () => 0.5 });
    const stop = new AbortController();
    const sent = drive(gate, limiter, 20, stop.signal);
    // Ten windows of 2 s (the first starts with START, which is a whole second and an even one).
    await vi.advanceTimersByTimeAsync(20_000);
    stop.abort();
    await settle();
    expect(limiter.refused).toBe(0);
    // Each window's 60 requests: no more than a few in any tenth of the window.
    const perTenth = new Map<number, number>();
    for (const t of sent) perTenth.set(Math.floor(t / 200), (perTenth.get(Math.floor(t / 200)) ?? 0) + 1);
    expect(Math.max(...perTenth.values())).toBeLessThanOrEqual(10);
    // And the budget is used: nearly all of the ten windows' 600.
    expect(sent.length).toBeGreaterThanOrEqual(580);
  });

  it('several clients sharing one budget with no coordination collect few 429s and use most of it', async () => {
    const limiter = new Limiter(60, 2000);
    const stop = new AbortController();
    const sent = [0.1, 0.4, 0.7, 0.9].map((r) =>
      drive(new RateLimitGate({ now, random: () => r }), limiter, 8, stop.signal),
    );
    await vi.advanceTimersByTimeAsync(40_000);
    stop.abort();
    await settle();
    const requests = sent.reduce((sum, s) => sum + s.length, 0);
    expect(limiter.refused / requests).toBeLessThan(0.15);
    expect(limiter.served).toBeGreaterThanOrEqual(0.9 * 20 * 60);
  });
});

describe('a 429 slows this client down', () => {
  /** Requests a client lets go in the first second of a window, after the previous window did (or did not) end with a 429. */
  async function firstSecondOfNextWindow(refusedBefore: boolean) {
    const gate = await informedGate({ remaining: 30, limit: 60, resetInMs: 2000 });
    if (refusedBefore) {
      const probe = await gate.acquire({ maxWaitMs: 60_000 });
      permitOf(probe).release(answered(plainHeaders({ remaining: 0, limit: 60, resetInMs: 2000 }), 429));
    }
    // The rest of that window: nothing goes after a 429.
    const late = pending(gate);
    await vi.advanceTimersByTimeAsync(1900);
    if (refusedBefore) expect(late.result).toBeUndefined();
    // The next window: a fresh budget of 60 over 2 s, answered by a limiter that spends nothing else.
    await vi.advanceTimersByTimeAsync(100);
    const limiter = new Limiter(60, 2000);
    permitOf(late.result).release(limiter.answer());
    const stop = new AbortController();
    const sent = drive(gate, limiter, 20, stop.signal);
    await vi.advanceTimersByTimeAsync(1000);
    stop.abort();
    await settle();
    return sent.length;
  }

  it('after a 429, the next window is spent at a slower pace', async () => {
    const normal = await firstSecondOfNextWindow(false);
    vi.setSystemTime(START);
    const slowed = await firstSecondOfNextWindow(true);
    expect(slowed).toBeLessThan(normal * 0.75);
  });

  it('a window without a 429 brings the pace back', async () => {
    const limiter = new Limiter(60, 2000);
    const gate = await informedGate({ remaining: 30, limit: 60, resetInMs: 2000 });
    permitOf(await gate.acquire({ maxWaitMs: 60_000 })).release(
      answered(plainHeaders({ remaining: 0, resetInMs: 2000 }), 429),
    );
    const stop = new AbortController();
    const sent = drive(gate, limiter, 20, stop.signal);
    // Window 2 (slowed) and window 3 (back to the even pace).
    await vi.advanceTimersByTimeAsync(6000);
    stop.abort();
    await settle();
    const inWindow = (n: number) => sent.filter((t) => t >= n * 2000 && t < n * 2000 + 1000).length;
    expect(inWindow(2)).toBeGreaterThan(inWindow(1));
  });
});
