import type { ThreadChannel } from './generated/graphql.js';
import { type FailedLookup, looksLikeThread, noThreadIn, threadOf } from './get-thread.js';
import { GET_THREAD } from './operations.js';
import { type Policy, type Sender, sendThen } from './request.js';

/**
 * Remembers each thread's channel (it never changes), least recently used first out, and shares one lookup
 * among concurrent callers asking for the same thread.
 */
export class ThreadDirectory {
  private readonly channels = new Map<string, ThreadChannel>();
  /**
   * Walks `channels` oldest first, and is kept from one eviction to the next. A Map iterator skips entries deleted
   * since it last moved and reaches entries added since it was made, so each eviction skips only the entries deleted
   * since the one before. A fresh `keys()` per eviction would step again over every deleted entry still in the table
   * (hundreds, once the memory is full and turning over): about 0.4 % of a cold reply on loopback, measured.
   */
  private oldest: Iterator<string> | undefined;
  /**
   * Entries deleted (re-read, forgotten) since `oldest` last moved. An iterator that does not move keeps every table
   * the Map has since outgrown alive (V8 links each to the next until its iterators catch up): replies to known
   * threads only, after the memory once overflowed, grew the heap by about 55 MB per million. So the iterator is
   * dropped once that many deletions could have made the Map rebuild its table, and made afresh at the next eviction.
   */
  private deletedSinceEviction = 0;
  private readonly inFlight = new Map<string, Lookup>();

  constructor(
    private readonly sender: Sender,
    private readonly capacity: number,
  ) {}

  /** The remembered channel, refreshed as most recently used. */
  channelOf(threadId: string): ThreadChannel | undefined {
    const channel = this.channels.get(threadId);
    if (channel !== undefined) {
      this.delete(threadId);
      this.channels.set(threadId, channel);
    }
    return channel;
  }

  remember(threadId: string, channel: ThreadChannel): void {
    if (this.capacity <= 0) return;
    const size = this.channels.size;
    // Usually a new thread: one Map operation. One already remembered is moved to the newest end.
    this.channels.set(threadId, channel);
    if (this.channels.size === size) {
      this.delete(threadId);
      this.channels.set(threadId, channel);
    } else if (size >= this.capacity) this.channels.delete(this.nextOldest());
  }

  private delete(threadId: string): void {
    if (this.channels.delete(threadId) && this.oldest && ++this.deletedSinceEviction > this.capacity) this.oldest = undefined;
  }

  /**
   * The least recently used id. Every id the iterator passed was evicted, so the ones still remembered all lie ahead of
   * it and it is never done while the memory is over capacity; a fresh one is made if it ever is.
   */
  private nextOldest(): string {
    this.deletedSinceEviction = 0;
    let next = this.oldest?.next();
    if (!next || next.done) next = (this.oldest = this.channels.keys()).next();
    return next.value as string;
  }

  forget(threadId: string): void {
    this.delete(threadId);
  }

  /**
   * Looks the thread up, joining a lookup already under way for the same id: resolves with its channel (all a reply
   * needs, so no result object is built for it), or with the failed lookup's result. The lookup is shared, so one
   * caller's signal does not end it; it is cancelled when every caller waiting for it has aborted, so that an abandoned
   * lookup is not sent later (e.g. once the rate-limit budget comes back).
   */
  lookUp(threadId: string, policy: Policy): Promise<ThreadChannel | FailedLookup> {
    const { signal } = policy;
    const lookup = this.inFlight.get(threadId) ?? this.start(threadId, policy);
    lookup.callers++;
    // A caller without a signal never leaves, so its lookup always completes.
    if (!signal) return lookup.result;
    const leave = () => {
      if (--lookup.callers > 0) return;
      // Nobody waits for it any more: a later caller starts a fresh lookup instead of joining a cancelled one.
      this.unlist(threadId, lookup);
      lookup.controller?.abort();
    };
    if (signal.aborted) leave();
    else {
      signal.addEventListener('abort', leave, { once: true });
      void lookup.result.then(() => signal.removeEventListener('abort', leave));
    }
    return lookup.result;
  }

  private start(threadId: string, policy: Policy): Lookup {
    // Only a lookup started by a caller with a signal can lose all its callers (one without never leaves), so only
    // such a lookup needs a signal of its own; without one it is cheaper to send (see Transport.attempt).
    const controller = policy.signal ? new AbortController() : undefined;
    const lookup = { controller, callers: 0 } as Lookup;
    let answered = false;
    // The answer is mapped and remembered in the request's own promise step: each step more is about 1 % of a reply.
    lookup.result = sendThen(this.sender, GET_THREAD, { threadId }, controller ? { ...policy, signal: controller.signal } : policy, (out) => {
      answered = true;
      this.unlist(threadId, lookup);
      const by = { threadId };
      const thread = threadOf(out, by);
      if (!looksLikeThread(thread)) return noThreadIn(out, thread, by); // what getThread would give
      this.remember(thread.id, thread.channel);
      return thread.channel;
    });
    // Joinable only once it has a result (an onRequest hook runs before that), and only while it is under way (a
    // fetch that throws at once has settled it already).
    if (!answered) this.inFlight.set(threadId, lookup);
    return lookup;
  }

  /** Stops offering `lookup` to new callers, unless a newer lookup of the thread has taken its place. */
  private unlist(threadId: string, lookup: Lookup): void {
    if (this.inFlight.get(threadId) === lookup) this.inFlight.delete(threadId);
  }
}

interface Lookup {
  result: Promise<ThreadChannel | FailedLookup>;
  /** Present when the lookup can be abandoned: it was started by a caller with a signal. */
  controller: AbortController | undefined;
  /** Callers still waiting for the result. */
  callers: number;
}
