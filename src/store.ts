/*
 * A store shared by every process of a backend (plain-client/redis is one; createMemoryStore is the in-process
 * example): one rate-limit budget, one memory of thread channels and one memory of handled webhook events for all of
 * them. `new PlainClient({ apiKey, store })` uses it; without one, every process paces and remembers on its own.
 *
 * Every method is async and may fail or be slow: the client waits for an answer it needs (a grant, a channel) at most
 * `storeTimeoutMs`, then does what it would do without a store (its own gate, its own cache, a lookup), reports it
 * through `onStoreError`, and tries the store again a moment later. What it only tells the store (a report, a channel
 * to remember) is not waited for. A store holds numbers, thread ids, channel names and event ids: never the API
 * key, never a message's text.
 *
 * Times in the budget methods are milliseconds since 1970 on Plain's clock, as the calling process best estimates it
 * (from the `Date` of Plain's answers, on the early side): the window's end is Plain's `x-ratelimit-reset`, the same
 * number for every process, so processes whose clocks disagree still agree on which window they spend.
 */

/** A request for leave to send one request to Plain now. */
export interface BudgetAsk {
  /** Plain's clock now, as this process estimates it (never late: a window is never thought over too early). */
  plainNow: number;
}

/**
 * The store's answer: leave to send (with a ticket to quote when the answer comes), or how long to wait before asking
 * again. `waitingFor` says why: `'reset'` (the window's budget is spent), `'hold'` (a 429 said to wait), both of which
 * count against the call's `maxRetryDelayMs`; or `'news'` (a request that will tell what the window is, is under way).
 */
export type BudgetDecision =
  | { granted: true; ticket: number }
  | { granted: false; waitMs: number; waitingFor: 'reset' | 'hold' | 'news' };

/** What Plain's answer to a granted request said about the budget. */
export interface BudgetReport {
  /** The ticket of the grant this answers. */
  ticket: number;
  /** Plain's clock now, as in `BudgetAsk`. */
  plainNow: number;
  /** The HTTP status (429 for a refusal, whatever its status was); undefined when no answer came. */
  status?: number;
  /** `x-ratelimit-limit`. */
  limit?: number;
  /** `x-ratelimit-remaining`. */
  remaining?: number;
  /** `x-ratelimit-reset` on Plain's clock (ms), when believable: the end of the window the answer was counted in. */
  reset?: number;
  /** After a 429 that names no window: nothing should go before this time (Plain's clock). */
  holdUntil?: number;
}

/**
 * The small interface a shared store implements (see `createRedisStore` in plain-client/redis, and
 * `createMemoryStore`, whose source is the reference for another engine). All methods return promises; each one is
 * a single atomic step for the store.
 */
export interface PlainStore {
  /**
   * Grants one request of the workspace's budget, or says how long to wait. Granting and counting must be atomic
   * across processes: together they never take more than the window's budget as Plain last reported it, less what was
   * granted since. Before any answer described the window (a new store, or a window that ended), it grants one
   * request at a time to find out, and one more each second while that answer is slow.
   */
  takeBudget(ask: BudgetAsk): Promise<BudgetDecision>;
  /** Learns from Plain's answer to a granted request (or from its absence, when `status` is undefined). */
  reportAnswer(report: BudgetReport): Promise<void>;
  /** The channel of a thread some process looked up, or undefined. */
  getThreadChannel(threadId: string): Promise<string | undefined>;
  /** Remembers a thread's channel (it never changes) for `ttlMs`. */
  setThreadChannel(threadId: string, channel: string, ttlMs: number): Promise<void>;
  /** Forgets a thread (Plain said it does not exist, or cannot be replied to). */
  deleteThreadChannel(threadId: string): Promise<void>;
  /** Whether a webhook event was handled by some process. */
  hasSeen(eventId: string): Promise<boolean>;
  /** Remembers a handled webhook event for `ttlMs`, if not already remembered (set-if-absent); true when it was new. */
  markSeen(eventId: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets a webhook event remembered by `markSeen` (a claim to handle it, given up when handling failed). Optional:
   * without it a claim lasts until its ttl.
   */
  forgetSeen?(eventId: string): Promise<void>;
}

/** Passed to `onStoreError` when a store call failed or took longer than `storeTimeoutMs`. Holds no secret. */
export interface StoreErrorEvent {
  /** The store method that failed. */
  operation: keyof PlainStore;
  /** `'timeout'`: no answer within `storeTimeoutMs`; `'error'`: it threw or rejected. */
  reason: 'timeout' | 'error';
  /** The thrown error's `name` and, when it has a short one, its `code` (never its message). */
  errorName?: string;
  errorCode?: string;
  /** How long the client does without the store before trying it again, in ms. */
  retryInMs: number;
}
