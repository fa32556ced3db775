import type { ThreadChannel } from './generated/graphql.js';
import { type FailedLookup, GET_THREAD, threadResultFrom } from './operations.js';
import { type Policy, type Sender, send } from './send.js';

interface SharedLookup {
  result: Promise<ThreadChannel | FailedLookup>;
  /** Cancels the lookup once every caller waiting for it has gone. */
  controller: AbortController;
  /** Callers still waiting. */
  callers: number;
}

/**
 * The thread cache: each thread's channel (it never changes), at most `threadCacheSize` of them, least recently used
 * out first. A Map keeps insertion order, so the oldest entry is the first key. It also shares one lookup among
 * concurrent callers asking for the same unknown thread.
 */
export class ThreadCache {
  readonly #channels = new Map<string, ThreadChannel>();
  readonly #lookups = new Map<string, SharedLookup>();
  readonly #sender: Sender;
  readonly #size: number;

  constructor(sender: Sender, threadCacheSize: number) {
    this.#sender = sender;
    this.#size = threadCacheSize;
  }

  /** The thread's channel if it is cached, which makes it the most recently used. */
  get(threadId: string): ThreadChannel | undefined {
    const channel = this.#channels.get(threadId);
    if (channel !== undefined) this.#keep(threadId, channel);
    return channel;
  }

  /** Caches the channel, and shares it through the client's store when it is new to this client. */
  set(threadId: string, channel: ThreadChannel): void {
    if (this.#size <= 0) return;
    if (!this.#channels.has(threadId)) void this.#sender.channels?.().then((shared) => shared.set(threadId, channel));
    this.#keep(threadId, channel);
  }

  #keep(threadId: string, channel: ThreadChannel): void {
    this.#channels.delete(threadId);
    this.#channels.set(threadId, channel);
    // Over the size, the map holds at least one thread: the first is the least recently used.
    if (this.#channels.size > this.#size) this.#channels.delete(this.#channels.keys().next().value as string);
  }

  delete(threadId: string): void {
    this.#channels.delete(threadId);
    void this.#sender.channels?.().then((shared) => shared.delete(threadId));
  }

  /**
   * Looks the thread up and caches its channel; joins a lookup of the same thread already under way. Resolves with
   * the channel, or the failed lookup's result. The lookup is shared, so one caller's signal does not end it: it is
   * cancelled when every caller waiting for it has aborted. Never rejects.
   */
  lookUp(threadId: string, policy: Policy): Promise<ThreadChannel | FailedLookup | 'aborted'> {
    let lookup = this.#lookups.get(threadId);
    if (!lookup) {
      const controller = new AbortController();
      lookup = { controller, callers: 0, result: this.#fetchChannel(threadId, policy, controller) };
      this.#lookups.set(threadId, lookup);
    }
    lookup.callers++;
    const { signal } = policy;
    if (!signal) return lookup.result;
    return new Promise((resolve) => {
      const leave = () => {
        resolve('aborted');
        if (--lookup.callers > 0) return;
        if (this.#lookups.get(threadId) === lookup) this.#lookups.delete(threadId);
        lookup.controller.abort();
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave);
      void lookup.result.then((result) => {
        signal.removeEventListener('abort', leave);
        resolve(result);
      });
    });
  }

  async #fetchChannel(
    threadId: string,
    policy: Policy,
    controller: AbortController,
  ): Promise<ThreadChannel | FailedLookup> {
    try {
      // A thread another process (sharing the client's store) looked up needs no lookup here.
      const known = this.#size > 0 ? await (await this.#sender.channels?.())?.get(threadId) : undefined;
      if (known !== undefined) {
        this.#keep(threadId, known);
        return known;
      }
      const out = await send(this.#sender, GET_THREAD, { threadId }, { ...policy, signal: controller.signal });
      const result = threadResultFrom(out, { threadId });
      if (!result.ok) return result;
      this.set(result.data.id, result.data.channel);
      return result.data.channel;
    } finally {
      if (this.#lookups.get(threadId)?.controller === controller) this.#lookups.delete(threadId);
    }
  }
}
