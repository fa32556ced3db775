import type { PlainStore, StoreErrorEvent } from '../store.js';
import { StoreCaller } from '../store-call.js';
import { createMemorySeenStore, type SeenStore } from './seen.js';

export interface SharedSeenStoreOptions {
  /** Longest wait for one call to the store, in milliseconds. @default 250 */
  storeTimeoutMs?: number;
  /** Called when a call to the store failed or timed out (the handler went on with this instance's memory). */
  onStoreError?: (event: StoreErrorEvent) => void;
}

/**
 * The `seen` option of `webhookHandler` over a PlainStore shared by several instances (`createRedisStore` from
 * plain-client/redis): an event handled by one instance is skipped by the others. Each instance also remembers what it
 * handled itself, so while the store is down or slow (each call waits at most `storeTimeoutMs`, then the handler goes
 * on as if the store had not seen the event) it still skips its own redeliveries, and nothing answers 500 because of
 * the store. Two instances handed the same event at the same moment may both handle it: Plain redelivers after a
 * failure or a timeout, not in parallel.
 */
export function sharedSeenStore(store: PlainStore, options: SharedSeenStoreOptions = {}): SeenStore {
  const caller = new StoreCaller(store, {
    timeoutMs: options.storeTimeoutMs ?? 250,
    onStoreError: options.onStoreError,
  });
  const local = createMemorySeenStore();
  return {
    async has(id) {
      if (local.has(id)) return true;
      const seen = await caller.call('hasSeen', (shared) => shared.hasSeen(id));
      return seen.ok && seen.value === true;
    },
    async add(id, ttlMs) {
      local.add(id, ttlMs);
      await caller.call('markSeen', (shared) => shared.markSeen(id, ttlMs));
    },
  };
}
