/**
 * Where a webhook handler remembers the ids of events it already handled (Plain delivers at least once, with the same
 * `event.id` on every attempt). Methods may be synchronous or return promises, so a shared store (Redis, a database)
 * fits the same shape.
 */
export interface SeenStore {
  has(id: string): boolean | Promise<boolean>;
  /** Remembers `id` for `ttlMs` milliseconds. */
  add(id: string, ttlMs: number): void | Promise<void>;
  /**
   * Optional, for a store shared by several instances: takes the event for this instance to handle, for `ttlMs` at
   * most, in one atomic step. `'claimed'`: handle it; `'seen'`: it was handled; `'busy'`: another instance is handling
   * it. Without it the handler checks `has` before handling and calls `add` after.
   */
  claim?(id: string, ttlMs: number): SeenClaim | Promise<SeenClaim>;
  /** Gives a claim up (handling failed), so that the next delivery is handled. */
  release?(id: string): void | Promise<void>;
}

/** What `SeenStore.claim` answers. */
export type SeenClaim = 'claimed' | 'seen' | 'busy';

export interface MemorySeenStoreOptions {
  /** The most ids kept; the oldest are forgotten first. @default 10000 */
  maxEntries?: number;
  /** For tests. @default Date.now */
  now?: () => number;
}

/**
 * An in-memory SeenStore bounded in size: ids expire after their ttl, and past `maxEntries` the oldest go first. It
 * lives in one process: several instances behind a load balancer need a shared store.
 */
export function createMemorySeenStore(options: MemorySeenStoreOptions = {}): SeenStore & { readonly size: number } {
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
  const now = options.now ?? Date.now;
  // Insertion order is the order of expiry too, since every entry gets the same kind of ttl from one handler.
  const expiries = new Map<string, number>();
  const prune = (at: number) => {
    for (const [id, expiry] of expiries) {
      if (expiry > at && expiries.size <= maxEntries) break;
      expiries.delete(id);
    }
  };
  return {
    has(id) {
      const expiry = expiries.get(id);
      if (expiry === undefined) return false;
      if (expiry > now()) return true;
      expiries.delete(id);
      return false;
    },
    add(id, ttlMs) {
      const at = now();
      expiries.delete(id);
      expiries.set(id, at + Math.max(0, ttlMs));
      prune(at);
    },
    get size() {
      return expiries.size;
    },
  };
}
