// What every PlainStore must do, as tests run against each engine (the in-memory store, the Redis store): the budget's
// rules through the interface alone, at chosen times on Plain's clock (nothing here waits), and the thread and event
// memories. test/store-memory.test.ts and test/redis-store.test.ts call it.
import fc from 'fast-check';
import { describe, expect, it, type TestContext } from 'vitest';
import type { BudgetDecision, PlainStore } from '../src/store.js';

/** A whole second on Plain's clock. */
const T = Date.UTC(2026, 11, 2, 12, 0, 0);

export type MakeStore = (ctx: TestContext) => Promise<PlainStore>;

const granted = (decision: BudgetDecision) => {
  if (!decision.granted) throw new Error(`expected a grant, got a wait for ${decision.waitingFor}`);
  return decision.ticket;
};

/** Takes until the store says wait; returns the tickets and the wait. */
async function takeAll(store: PlainStore, plainNow: number, most = 1000) {
  const tickets: number[] = [];
  for (let i = 0; i < most; i++) {
    const decision = await store.takeBudget({ plainNow });
    if (!decision.granted) return { tickets, wait: decision };
    tickets.push(decision.ticket);
  }
  throw new Error(`the store granted ${most} requests without ever saying wait`);
}

/** A window known to the store: one request found it out, with `remaining` left after it, ending at `reset`. */
async function knownWindow(store: PlainStore, window: { remaining: number; reset: number; limit?: number }) {
  const ticket = granted(await store.takeBudget({ plainNow: T }));
  await store.reportAnswer({ ticket, plainNow: T + 5, status: 200, limit: window.limit ?? 60, ...window });
}

export function describeStoreContract(engine: string, make: MakeStore) {
  describe(`${engine}: the shared budget`, () => {
    it('before any answer, one request goes; the others wait for its news, one more going each second', async (ctx) => {
      const store = await make(ctx);
      const first = granted(await store.takeBudget({ plainNow: T }));
      const waiting = await store.takeBudget({ plainNow: T + 10 });
      expect(waiting).toEqual({ granted: false, waitMs: 990, waitingFor: 'news' });
      const second = granted(await store.takeBudget({ plainNow: T + 1000 }));
      expect(second).toBeGreaterThan(first);
    });

    it("grants exactly what Plain's answer says is left in the window, then makes everyone wait for its reset", async (ctx) => {
      const store = await make(ctx);
      await knownWindow(store, { remaining: 4, reset: T + 2000 });
      const { tickets, wait } = await takeAll(store, T + 10);
      expect(tickets).toHaveLength(4);
      expect(new Set(tickets).size).toBe(4);
      expect(wait).toEqual({ granted: false, waitMs: 1990, waitingFor: 'reset' });
    });

    it('counts requests Plain may not have counted yet as spent: granted after the answered one, or before it and unanswered', async (ctx) => {
      const store = await make(ctx);
      const early = granted(await store.takeBudget({ plainNow: T }));
      const answered = granted(await store.takeBudget({ plainNow: T + 1000 }));
      const after = granted(await store.takeBudget({ plainNow: T + 2000 }));
      expect(after).toBeGreaterThan(answered);
      // Plain answered the middle one (10 left): the first is unanswered, the last went after it; neither may be counted.
      await store.reportAnswer({
        ticket: answered,
        plainNow: T + 2010,
        status: 200,
        limit: 60,
        remaining: 10,
        reset: T + 5000,
      });
      expect((await takeAll(store, T + 2020)).tickets).toHaveLength(8);
      expect(early).toBeLessThan(answered);
    });

    it('uses the whole window: an answer about it does not take off again what was granted before the answered one', async (ctx) => {
      const store = await make(ctx);
      await knownWindow(store, { remaining: 10, reset: T + 5000 });
      const [a, b] = [
        granted(await store.takeBudget({ plainNow: T + 10 })),
        granted(await store.takeBudget({ plainNow: T + 10 })),
      ];
      granted(await store.takeBudget({ plainNow: T + 10 }));
      granted(await store.takeBudget({ plainNow: T + 10 }));
      // Plain counted a, then b (8 left); a's answer is still on its way, the last two went after b.
      await store.reportAnswer({ ticket: b, plainNow: T + 20, status: 200, limit: 60, remaining: 8, reset: T + 5000 });
      expect((await takeAll(store, T + 30)).tickets).toHaveLength(6);
      await store.reportAnswer({ ticket: a, plainNow: T + 40, status: 200, limit: 60, remaining: 9, reset: T + 5000 });
      expect((await takeAll(store, T + 50)).tickets).toHaveLength(0);
    });

    it('lets only a lower estimate replace what is left', async (ctx) => {
      const store = await make(ctx);
      await knownWindow(store, { remaining: 5, reset: T + 2000 });
      const [a, b] = [
        granted(await store.takeBudget({ plainNow: T + 10 })),
        granted(await store.takeBudget({ plainNow: T + 10 })),
      ];
      // A late answer claiming more is left does not add any; one saying less takes it away.
      await store.reportAnswer({ ticket: a, plainNow: T + 20, status: 200, remaining: 50, reset: T + 2000 });
      await store.reportAnswer({ ticket: b, plainNow: T + 20, status: 200, remaining: 1, reset: T + 2000 });
      expect((await takeAll(store, T + 30)).tickets).toHaveLength(1);
    });

    it('ends the window at its reset: one request finds out the next one, and an answer about the old one changes nothing', async (ctx) => {
      const store = await make(ctx);
      await knownWindow(store, { remaining: 1, reset: T + 2000 });
      const last = granted(await store.takeBudget({ plainNow: T + 10 }));
      expect((await store.takeBudget({ plainNow: T + 1999 })).granted).toBe(false);
      const probe = granted(await store.takeBudget({ plainNow: T + 2000 }));
      expect(await store.takeBudget({ plainNow: T + 2001 })).toMatchObject({ granted: false, waitingFor: 'news' });
      await store.reportAnswer({ ticket: last, plainNow: T + 2005, status: 200, remaining: 0, reset: T + 2000 });
      await store.reportAnswer({ ticket: probe, plainNow: T + 2010, status: 200, remaining: 3, reset: T + 4000 });
      expect((await takeAll(store, T + 2020)).tickets).toHaveLength(3);
    });

    it('leaves nothing in a window after a 429 for it', async (ctx) => {
      const store = await make(ctx);
      await knownWindow(store, { remaining: 10, reset: T + 2000 });
      const ticket = granted(await store.takeBudget({ plainNow: T + 10 }));
      await store.reportAnswer({ ticket, plainNow: T + 20, status: 429, remaining: 0, reset: T + 2000 });
      expect(await store.takeBudget({ plainNow: T + 30 })).toEqual({
        granted: false,
        waitMs: 1970,
        waitingFor: 'reset',
      });
    });

    it('holds every request until the time a 429 without a window implies', async (ctx) => {
      const store = await make(ctx);
      const ticket = granted(await store.takeBudget({ plainNow: T }));
      await store.reportAnswer({ ticket, plainNow: T + 10, status: 429, holdUntil: T + 3000 });
      expect(await store.takeBudget({ plainNow: T + 1000 })).toEqual({
        granted: false,
        waitMs: 2000,
        waitingFor: 'hold',
      });
      granted(await store.takeBudget({ plainNow: T + 3000 }));
    });

    it('does not pace against a server whose answers describe no window', async (ctx) => {
      const store = await make(ctx);
      const ticket = granted(await store.takeBudget({ plainNow: T }));
      await store.reportAnswer({ ticket, plainNow: T + 10, status: 200 });
      for (let i = 0; i < 20; i++) granted(await store.takeBudget({ plainNow: T + 20 }));
    });

    it('lets the next request find out the window at once when the one finding out got no answer', async (ctx) => {
      const store = await make(ctx);
      const ticket = granted(await store.takeBudget({ plainNow: T }));
      await store.reportAnswer({ ticket, plainNow: T + 10 });
      granted(await store.takeBudget({ plainNow: T + 20 }));
    });

    it('never lets a limiter like Plain refuse, whatever the order of grants, countings and answers (property)', async (ctx) => {
      const store = await make(ctx);
      const prefixRuns = engine.includes('Redis') ? 15 : 150;
      // Across the runs, requests went (a store that grants nothing would pass the property alone).
      let totalCounted = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              { arbitrary: fc.record({ op: fc.constant('take' as const) }), weight: 5 },
              { arbitrary: fc.record({ op: fc.constant('count' as const), pick: fc.nat() }), weight: 4 },
              { arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }), weight: 4 },
              { arbitrary: fc.record({ op: fc.constant('lose' as const), pick: fc.nat() }), weight: 1 },
              { arbitrary: fc.record({ op: fc.constant('fail' as const), pick: fc.nat() }), weight: 1 },
              {
                arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 400 }) }),
                weight: 2,
              },
            ),
            { minLength: 20, maxLength: 200 },
          ),
          async (steps) => {
            // Each run starts a fresh budget far from the others on Plain's clock.
            const limit = 5;
            const windowMs = 1000;
            let now = T + (await nextEpoch(store));
            const plain = { window: -1, used: 0, refused: 0, counted: 0 };
            const granted: number[] = [];
            const counted: { ticket: number; status: number; remaining: number; reset: number }[] = [];
            for (const step of steps) {
              if (step.op === 'take') {
                const decision = await store.takeBudget({ plainNow: now });
                if (decision.granted) granted.push(decision.ticket);
              } else if (step.op === 'count' && granted.length > 0) {
                // Plain counts one request that went (any of them: requests overtake each other).
                const [ticket] = granted.splice(step.pick % granted.length, 1) as [number];
                const window = Math.floor(now / windowMs);
                if (window !== plain.window) Object.assign(plain, { window, used: 0 });
                const reset = (window + 1) * windowMs;
                if (plain.used >= limit) {
                  plain.refused++;
                  counted.push({ ticket, status: 429, remaining: 0, reset });
                } else {
                  plain.used++;
                  plain.counted++;
                  counted.push({ ticket, status: 200, remaining: limit - plain.used, reset });
                }
              } else if ((step.op === 'answer' || step.op === 'lose') && counted.length > 0) {
                const [answer] = counted.splice(step.pick % counted.length, 1);
                if (!answer) continue;
                if (step.op === 'lose' && answer.status === 429) continue;
                // 'lose': the answer came, but the process reporting it died (its ticket is forgotten later).
                if (step.op === 'answer') await store.reportAnswer({ ...answer, plainNow: now, limit });
              } else if (step.op === 'fail' && granted.length > 0) {
                // The request never reached Plain (refused connection): no answer, nothing counted.
                const [ticket] = granted.splice(step.pick % granted.length, 1) as [number];
                await store.reportAnswer({ ticket, plainNow: now });
              } else if (step.op === 'tick') {
                now += step.ms;
              }
            }
            expect(plain.refused).toBe(0);
            totalCounted += plain.counted;
          },
        ),
        { numRuns: prefixRuns },
      );
      expect(totalCounted).toBeGreaterThan(prefixRuns);
    });
  });

  describe(`${engine}: thread channels and webhook events`, () => {
    it('remembers a thread channel until it is forgotten', async (ctx) => {
      const store = await make(ctx);
      expect(await store.getThreadChannel('th_1')).toBeUndefined();
      await store.setThreadChannel('th_1', 'EMAIL', 60_000);
      expect(await store.getThreadChannel('th_1')).toBe('EMAIL');
      await store.deleteThreadChannel('th_1');
      expect(await store.getThreadChannel('th_1')).toBeUndefined();
    });

    it('marks a webhook event as seen only once (set-if-absent)', async (ctx) => {
      const store = await make(ctx);
      expect(await store.hasSeen('ev_1')).toBe(false);
      expect(await store.markSeen('ev_1', 60_000)).toBe(true);
      expect(await store.markSeen('ev_1', 60_000)).toBe(false);
      expect(await store.hasSeen('ev_1')).toBe(true);
      expect(await store.hasSeen('ev_2')).toBe(false);
    });

    it('forgets a webhook event, so that it can be marked again (a claim given up)', async (ctx) => {
      const store = await make(ctx);
      expect(await store.markSeen('claim:ev_1', 60_000)).toBe(true);
      await store.forgetSeen?.('claim:ev_1');
      expect(await store.hasSeen('claim:ev_1')).toBe(false);
      expect(await store.markSeen('claim:ev_1', 60_000)).toBe(true);
    });
  });
}

/**
 * Moves the property's clock far past everything earlier runs did on the same store, so that every run starts with
 * the store knowing no window (any window an earlier run learnt has ended, any hold is over, and the unpaced minute
 * and forgotten tickets are behind).
 */
const epochs = new WeakMap<PlainStore, number>();
async function nextEpoch(store: PlainStore): Promise<number> {
  const epoch = (epochs.get(store) ?? 0) + 1;
  epochs.set(store, epoch);
  return epoch * 10 * 60_000;
}
