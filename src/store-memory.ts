import type { PlainStore } from './store.js';
import { type BudgetState, emptyBudget, reportAnswer, takeBudget } from './store-budget.js';

export interface MemoryStoreOptions {
  /** The most thread channels and the most event ids kept (each); the oldest go first. @default 10000 */
  maxEntries?: number;
  /** For tests. @default Date.now */
  now?: () => number;
}

/**
 * A PlainStore in this process's memory: several clients in one process share one budget and one memory of threads
 * through it. It is also the reference for plugging in another engine: each method is one atomic step (a
 * transaction, a script) over the same state, with the budget's step in src/store-budget.ts.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): PlainStore {
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
  const now = options.now ?? Date.now;
  const budget: BudgetState = emptyBudget();
  const threads = expiringMap<string>(maxEntries, now);
  const seen = expiringMap<true>(maxEntries, now);
  return {
    takeBudget: async ({ plainNow }) => takeBudget(budget, plainNow),
    reportAnswer: async (report) => reportAnswer(budget, report),
    getThreadChannel: async (threadId) => threads.get(threadId),
    setThreadChannel: async (threadId, channel, ttlMs) => threads.set(threadId, channel, ttlMs),
    deleteThreadChannel: async (threadId) => threads.delete(threadId),
    hasSeen: async (eventId) => seen.get(eventId) === true,
    forgetSeen: async (eventId) => seen.delete(eventId),
    markSeen: async (eventId, ttlMs) => {
      if (seen.get(eventId)) return false;
      seen.set(eventId, true, ttlMs);
      return true;
    },
  };
}

/** A map whose entries expire, bounded in size: past `max`, the entry set longest ago goes first. */
function expiringMap<V>(max: number, now: () => number) {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key: string): V | undefined {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt > now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key: string, value: V, ttlMs: number): void {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + Math.max(0, ttlMs) });
      if (entries.size > max) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    delete(key: string): void {
      entries.delete(key);
    },
  };
}
