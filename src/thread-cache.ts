import type { GetThreadQuery, ThreadChannel } from './generated/graphql.js';
import { threadIn } from './get-thread.js';
import { GET_THREAD } from './operations.js';
import { type Outcome, type Policy, type Sender, send } from './request.js';

/**
 * Remembers each thread's channel (it never changes), least recently used first out, and shares one lookup
 * among concurrent callers asking for the same thread.
 */
export class ThreadDirectory {
  private readonly channels = new Map<string, ThreadChannel>();
  private readonly inFlight = new Map<string, Lookup>();

  constructor(
    private readonly sender: Sender,
    private readonly capacity: number,
  ) {}

  /** The remembered channel, refreshed as most recently used. */
  channelOf(threadId: string): ThreadChannel | undefined {
    const channel = this.channels.get(threadId);
    if (channel !== undefined) {
      this.channels.delete(threadId);
      this.channels.set(threadId, channel);
    }
    return channel;
  }

  remember(threadId: string, channel: ThreadChannel): void {
    if (this.capacity <= 0) return;
    this.channels.delete(threadId);
    this.channels.set(threadId, channel);
    if (this.channels.size > this.capacity) this.channels.delete(this.channels.keys().next().value!);
  }

  forget(threadId: string): void {
    this.channels.delete(threadId);
  }

  /**
   * Looks the thread up, joining a lookup already under way for the same id, and resolves with the answer as it came
   * (map it with `threadIn`); the channel is remembered before any caller sees it. The lookup is shared, so one
   * caller's signal does not end it; it is cancelled when every caller waiting for it has aborted, so that an
   * abandoned lookup is not sent later (e.g. once the rate-limit budget comes back).
   */
  lookUp(threadId: string, policy: Policy): Promise<LookupOutcome> {
    const { signal } = policy;
    const lookup = this.inFlight.get(threadId) ?? this.start(threadId, policy);
    lookup.callers++;
    // A caller without a signal never leaves, so its lookup always completes.
    if (!signal) return lookup.result;
    const leave = () => {
      if (--lookup.callers > 0) return;
      // Nobody waits for it any more: a later caller starts a fresh lookup instead of joining a cancelled one.
      if (this.inFlight.get(threadId) === lookup) this.inFlight.delete(threadId);
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
    const result = send(this.sender, GET_THREAD, { threadId }, controller ? { ...policy, signal: controller.signal } : policy);
    const lookup: Lookup = { controller, callers: 0, result };
    // Registered before any caller awaits `result`, so it runs first. Callers wait on `send` itself, not on a step
    // after it: each promise step is about 1 % of a loopback reply.
    void result.then((out) => {
      if (this.inFlight.get(threadId) === lookup) this.inFlight.delete(threadId);
      const found = threadIn(out, { threadId });
      if (found.ok) this.remember(found.data.id, found.data.channel);
    });
    this.inFlight.set(threadId, lookup);
    return lookup;
  }
}

/** What a lookup's request came back with. */
export type LookupOutcome = Outcome<GetThreadQuery>;

interface Lookup {
  result: Promise<LookupOutcome>;
  /** Present when the lookup can be abandoned: it was started by a caller with a signal. */
  controller: AbortController | undefined;
  /** Callers still waiting for the result. */
  callers: number;
}
