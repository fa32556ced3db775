import type { PlainStore, StoreErrorEvent } from './store.js';

/** After a store call failed or timed out, how long the client does without the store before trying it again. */
const STORE_RETRY_MS = 1_000;

export interface StoreCallOptions {
  /** Longest wait for one call. */
  timeoutMs: number;
  onStoreError?: (event: StoreErrorEvent) => void;
}

export type StoreAnswer<T> = { ok: true; value: T } | { ok: false };

/**
 * Calls a PlainStore within a bounded wait. A call that fails or takes longer than `timeoutMs` comes back as
 * `{ ok: false }` (the caller does without the store), is reported through `onStoreError`, and the store is left
 * alone for a second: calls in that time come back `{ ok: false }` at once, without reaching it. Then it is tried
 * again; nothing latches. Never rejects.
 */
export class StoreCaller {
  readonly store: PlainStore;
  readonly #options: StoreCallOptions;
  #restingUntil = Number.NEGATIVE_INFINITY;

  constructor(store: PlainStore, options: StoreCallOptions) {
    this.store = store;
    this.#options = options;
  }

  /** Whether the store is being tried (not resting after a failure). */
  get available(): boolean {
    return Date.now() >= this.#restingUntil;
  }

  /**
   * Tells the store something without waiting for it (a report, a thread's channel): nothing waits for the answer, so
   * a slow store costs nothing here and is not a failure; a store that fails is reported and rested like any other.
   */
  tell(operation: keyof PlainStore, run: (store: PlainStore) => Promise<unknown>): void {
    if (!this.available) return;
    try {
      run(this.store).catch((error: unknown) => this.#failed(operation, 'error', error));
    } catch (error) {
      this.#failed(operation, 'error', error);
    }
  }

  async call<T>(operation: keyof PlainStore, run: (store: PlainStore) => Promise<T>): Promise<StoreAnswer<T>> {
    if (!this.available) return { ok: false };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      // Once more round the event loop before giving up: after the loop was busy for longer than the timeout, an
      // answer that came meanwhile is read before the timer's second turn, instead of losing the race to the timer.
      timer = setTimeout(() => {
        timer = setTimeout(() => resolve('timeout'), 0);
      }, this.#options.timeoutMs);
    });
    try {
      const value = await Promise.race([run(this.store), timedOut]);
      if (value !== 'timeout') return { ok: true, value: value as T };
      this.#failed(operation, 'timeout', undefined);
    } catch (error) {
      this.#failed(operation, 'error', error);
    } finally {
      clearTimeout(timer);
    }
    return { ok: false };
  }

  #failed(operation: keyof PlainStore, reason: StoreErrorEvent['reason'], error: unknown): void {
    // Calls that were already under way when the store started failing are not reported again.
    if (!this.available) return;
    this.#restingUntil = Date.now() + STORE_RETRY_MS;
    const hook = this.#options.onStoreError;
    if (!hook) return;
    const event: StoreErrorEvent = { operation, reason, retryInMs: STORE_RETRY_MS };
    try {
      const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
        name?: unknown;
        code?: unknown;
      };
      if (typeof name === 'string') event.errorName = name.slice(0, 64);
      if (typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)) event.errorCode = code;
    } catch {
      // An error whose properties throw says nothing more.
    }
    try {
      const returned: unknown = hook(event);
      if (returned instanceof Promise) returned.catch(() => {});
    } catch {
      // A throwing hook must not turn a reply into a failure.
    }
  }
}
