import type { ClockBounds } from './clock-bounds.js';
import type { ThreadChannel } from './generated/graphql.js';
import { type Pacing, pacingBy } from './pacing.js';
import {
  type Acquired,
  type Gate,
  type GateAnswer,
  heardFrom,
  type Permit,
  pauseForNews,
  RateLimitGate,
} from './rate-limit.js';
import { retryAfterMs } from './rate-limit-headers.js';
import type { RateLimitInfo } from './result.js';
import type { BudgetDecision, BudgetReport, PlainStore, StoreErrorEvent } from './store.js';
import { StoreCaller } from './store-call.js';

/*
 * What a client with a `store` uses instead of its own gate and cache (loaded when the client first needs it, so that
 * a client without a store never loads this module).
 *
 * - The gate asks the store for each request (`takeBudget`) and tells it every answer (`reportAnswer`), with times on
 *   Plain's clock as this process estimates it from the `Date` of the answers it got (the same bounds as the
 *   per-process gate, on the early side: a window is never thought over before Plain ends it).
 * - While the store fails or is slow (asking for a grant waits at most `storeTimeoutMs`; reports are not waited for),
 *   requests go through a per-process RateLimitGate, made when first needed; the store is tried again a second later
 *   (src/store-call.ts).
 * - The channel memory is read before a lookup and written when a thread becomes known to this process.
 */

/** While another request is finding out the window, how often a waiting request asks the store again. */
const NEWS_POLL_MS = 25;
/** How long the store remembers a thread's channel. */
const THREAD_TTL_MS = 24 * 60 * 60 * 1000;

/** The gate over a shared store, with the per-process gate as its fallback. */
class SharedGate implements Gate {
  readonly #caller: StoreCaller;
  #local: RateLimitGate | undefined;
  #clock: ClockBounds | undefined;
  #last: RateLimitInfo | undefined;
  /** Requests waiting for news of the window, woken when an answer comes. */
  readonly #sleepers = new Set<AbortController>();

  constructor(caller: StoreCaller) {
    this.#caller = caller;
  }

  get last(): RateLimitInfo | undefined {
    return this.#last;
  }

  async acquire(options: { signal?: AbortSignal; maxWaitMs: number }): Promise<Acquired> {
    const { signal, maxWaitMs } = options;
    const started = Date.now();
    for (;;) {
      if (signal?.aborted) return { ok: false, reason: 'aborted' };
      let taking: Promise<BudgetDecision> | undefined;
      const asked = await this.#caller.call('takeBudget', (store) => {
        taking = store.takeBudget({ plainNow: this.#plainNow() });
        return taking;
      });
      if (!asked.ok) this.#returnLateGrant(taking);
      const decision = asked.ok
        ? (asked.value as Partial<{ granted: boolean; ticket: number; waitMs: number; waitingFor: string }>)
        : undefined;
      if (decision?.granted === true && typeof decision.ticket === 'number') {
        return { ok: true, permit: this.#permit(decision.ticket) };
      }
      if (decision?.granted !== false) {
        // The store failed, is resting, or answered nonsense: this request goes by the per-process gate.
        return this.#acquireLocally({ signal, maxWaitMs: Math.max(0, maxWaitMs - (Date.now() - started)) });
      }
      const waitMs = Math.max(1, Math.ceil(Number(decision.waitMs) || 0));
      const forNews = decision.waitingFor === 'news';
      if (!forNews && Date.now() - started + waitMs > maxWaitMs) return { ok: false, reason: 'too_long', waitMs };
      await pauseForNews(forNews ? Math.min(waitMs, NEWS_POLL_MS) : waitMs, {
        signal,
        sleepers: forNews ? this.#sleepers : undefined,
      });
    }
  }

  /**
   * A grant that arrives after this process stopped waiting for it goes unused: it is reported at once as answered by
   * nothing, so that the store does not count it as in flight until it forgets it.
   */
  #returnLateGrant(taking: Promise<BudgetDecision> | undefined): void {
    taking?.then(
      (late) => {
        if (late?.granted !== true || typeof late.ticket !== 'number') return;
        const report: BudgetReport = { ticket: late.ticket, plainNow: this.#plainNow() };
        // Straight to the store: the caller rests after the timeout, and this report must not wait for that.
        this.#caller.store.reportAnswer(report).catch(() => {});
      },
      () => {},
    );
  }

  /** Plain's clock now, on the early side. */
  #plainNow(): number {
    return Date.now() + (this.#clock?.lo ?? 0);
  }

  #permit(ticket: number): Permit {
    const grantedAt = Date.now();
    let released = false;
    return {
      release: (answer) => {
        if (released) return;
        released = true;
        const report: BudgetReport = { ticket, plainNow: this.#plainNow(), ...this.#hear(answer, grantedAt) };
        this.#caller.tell('reportAnswer', (store) => store.reportAnswer(report));
        for (const sleeper of this.#sleepers) sleeper.abort();
      },
    };
  }

  async #acquireLocally(options: { signal?: AbortSignal; maxWaitMs: number }): Promise<Acquired> {
    this.#local ??= new RateLimitGate();
    const acquired = await this.#local.acquire(options);
    if (!acquired.ok) return acquired;
    const grantedAt = Date.now();
    return {
      ok: true,
      permit: {
        release: (answer) => {
          acquired.permit.release(answer);
          this.#hear(answer, grantedAt);
        },
      },
    };
  }

  /** What an answer says about Plain's clock and budget: kept for results, and as the store's report. */
  #hear(answer: GateAnswer | undefined, sentAt: number): Omit<BudgetReport, 'ticket' | 'plainNow'> {
    if (answer?.status === undefined) return {};
    const { status, headers, receivedAt } = answer;
    try {
      const heard = heardFrom(answer, { clock: this.#clock, sentAt });
      const { read, end } = heard;
      this.#clock = heard.clock;
      if (heard.info) this.#last = heard.info;
      const report: Omit<BudgetReport, 'ticket' | 'plainNow'> = { status };
      if (read.limit !== undefined) report.limit = read.limit;
      if (read.remaining !== undefined) report.remaining = read.remaining;
      if (end !== undefined) report.reset = end;
      else if (status === 429) report.holdUntil = heard.plainThen + retryAfterMs(headers, receivedAt);
      return report;
    } catch {
      // Nothing an answer holds may keep the store from hearing back.
      return { status };
    }
  }
}

/** The store's memory of thread channels, within a bounded wait; a failed read is a miss. */
export interface SharedChannels {
  get(threadId: string): Promise<ThreadChannel | undefined>;
  set(threadId: string, channel: ThreadChannel): void;
  delete(threadId: string): void;
}

function channelsOf(caller: StoreCaller): SharedChannels {
  return {
    async get(threadId) {
      const read = await caller.call('getThreadChannel', (store) => store.getThreadChannel(threadId));
      const channel = read.ok ? read.value : undefined;
      return typeof channel === 'string' && /^[A-Z_]{1,32}$/.test(channel) ? (channel as ThreadChannel) : undefined;
    },
    set(threadId, channel) {
      caller.tell('setThreadChannel', (store) => store.setThreadChannel(threadId, channel, THREAD_TTL_MS));
    },
    delete(threadId) {
      caller.tell('deleteThreadChannel', (store) => store.deleteThreadChannel(threadId));
    },
  };
}

export interface SharedState {
  pacing: Pacing;
  channels: SharedChannels;
}

/**
 * A client's gate and channel memory over its store, sharing one bounded caller: each call to the store waits at most
 * `storeTimeoutMs` (the client's normalised setting); `onStoreError` hears of the failures.
 */
export function sharedState(
  store: PlainStore,
  config: { storeTimeoutMs: number },
  options: { onStoreError?: (event: StoreErrorEvent) => void },
): SharedState {
  const caller = new StoreCaller(store, { timeoutMs: config.storeTimeoutMs, onStoreError: options.onStoreError });
  return { pacing: pacingBy(new SharedGate(caller)), channels: channelsOf(caller) };
}
