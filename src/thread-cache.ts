import type { ThreadChannel } from './generated/graphql.js';
import { type GetThreadResult, getThread } from './get-thread.js';
import type { Policy, Sender } from './request.js';

/**
 * Remembers each thread's channel (it never changes), least recently used first out, and shares one lookup
 * among concurrent callers asking for the same thread.
 */
export class ThreadDirectory {
  private readonly channels = new Map<string, ThreadChannel>();
  private readonly inFlight = new Map<string, Promise<GetThreadResult>>();

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

  get size(): number {
    return this.channels.size;
  }

  /** Looks the thread up, joining a lookup already under way for the same id. Not tied to any caller's signal. */
  lookUp(threadId: string, policy: Policy): Promise<GetThreadResult> {
    let pending = this.inFlight.get(threadId);
    if (!pending) {
      pending = getThread(this.sender, { threadId }, { ...policy, signal: undefined }).then((result) => {
        this.inFlight.delete(threadId);
        if (result.ok) this.remember(result.data.id, result.data.channel);
        return result;
      });
      this.inFlight.set(threadId, pending);
    }
    return pending;
  }
}
