import type { PlainStore, StoreErrorEvent } from '../store.js';
import { StoreCaller } from '../store-call.js';
import { createMemorySeenStore, type SeenClaim, type SeenStore } from './seen.js';

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
 * the store. An instance about to handle an event first claims it in the store for a few minutes (set-if-absent):
 * another instance handed the same event meanwhile answers 409 and Plain delivers it again later; a claim whose
 * handling failed is given up, so that the next delivery is handled.
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
    async claim(id, ttlMs): Promise<SeenClaim> {
      if (local.has(id)) return 'seen';
      const seen = await caller.call('hasSeen', (shared) => shared.hasSeen(id));
      if (seen.ok && seen.value === true) return 'seen';
      // A store that fails leaves the event to this instance, as if no other one held it.
      const claimed = await caller.call('markSeen', (shared) => shared.markSeen(claimKey(id), ttlMs));
      return claimed.ok && claimed.value === false ? 'busy' : 'claimed';
    },
    async release(id) {
      await caller.call('forgetSeen', async (shared) => shared.forgetSeen?.(claimKey(id)));
    },
  };
}

/** The store's name for an instance's claim to handle an event (an event id has no colon). */
const claimKey = (id: string) => `claim:${id}`;
