import type { RateLimitInfo } from './result.js';
import { MAX_DELAY } from './sleep.js';

function readHeaders(headers: Headers): RateLimitInfo | undefined {
  const limit = headers.get('x-ratelimit-limit');
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return undefined;
  const info: RateLimitInfo = {};
  if (limit !== null && Number.isFinite(+limit)) info.limit = +limit;
  if (remaining !== null && Number.isFinite(+remaining)) info.remaining = +remaining;
  // Plain sends an ISO-8601 time here, not seconds (plain-api.md §2.3).
  const resetMs = reset === null ? NaN : Date.parse(reset);
  if (Number.isFinite(resetMs)) info.resetAt = new Date(resetMs);
  return info;
}

/** Plain's `x-ratelimit-*` headers, when present and readable. */
export const rateLimitOf = (headers: Headers | undefined) => (headers ? readHeaders(headers) : undefined);

/**
 * Milliseconds to wait before retrying: `x-ratelimit-reset` (from `rateLimit`, the same headers already read), else
 * `Retry-After` (seconds or an HTTP date).
 */
export function retryAfterMsOf(headers: Headers | undefined, rateLimit: RateLimitInfo | undefined, now = Date.now()): number | undefined {
  const resetAt = rateLimit?.resetAt;
  if (resetAt) return Math.max(0, resetAt.getTime() - now);
  const retryAfter = headers?.get('retry-after');
  if (!retryAfter) return undefined;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(retryAfter) ? +retryAfter * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** `reserve()` answer: hold until another request's answer tells us more about the budget. */
export const UNTIL_AN_ANSWER = Infinity;

/**
 * Holds requests while Plain's budget is spent, so that a busy client waits for the reset instead of collecting 429s.
 *
 * Every request that `reserve()` lets through must be reported back with `update()`, whatever happened to it.
 * The budget is counted conservatively: a request still on its way may be counted by Plain in the window an answer
 * describes, so it is subtracted from what that answer says is left. Spending a little less than allowed costs a
 * short wait; spending more costs a 429.
 */
export class RateLimitGate {
  /** Requests that may still go before `resetAt`. Infinity: no limit known. */
  private remaining = Infinity;
  /** When the current window ends, in ms since the epoch; 0 when not known. */
  private resetAt = 0;
  /** Plain's `x-ratelimit-limit`: the budget of a fresh window. */
  private limit: number | undefined;
  /** Let through and not yet reported back. */
  private inFlight = 0;
  /**
   * False until a first HTTP answer came. Until then nothing is known, so one request goes and the rest wait for its
   * answer: otherwise a burst of concurrent calls on a new client would all go out before the first
   * `x-ratelimit-remaining` arrived.
   */
  private informed = false;
  private readonly waiting = new Set<() => void>();
  last: RateLimitInfo | undefined;

  /** How long a request must wait now: 0 means go (one request of the budget is reserved), UNTIL_AN_ANSWER or ms. */
  reserve(now = Date.now()): number {
    if (this.resetAt !== 0 && now >= this.resetAt) {
      // A new window: Plain grants `limit` again, minus what is still on its way (it may land in this window).
      this.remaining = this.limit === undefined ? Infinity : Math.max(0, this.limit - this.inFlight);
      this.resetAt = 0;
    }
    let go: boolean;
    if (!this.informed) go = this.inFlight === 0;
    else if (this.remaining > 0) {
      this.remaining--;
      go = true;
    } else if (this.resetAt !== 0) return this.resetAt - now;
    // Spent, and the reset time is not known yet: an answer on its way will say it; with none, send one to find out.
    else go = this.inFlight === 0;
    if (!go) return UNTIL_AN_ANSWER;
    this.inFlight++;
    return 0;
  }

  /**
   * Reports one request let through by `reserve()`: what its answer said (`answered` when an HTTP answer came at
   * all), and `exhausted` when it was a 429.
   */
  update(info: RateLimitInfo | undefined, answered: boolean, exhausted: boolean, now = Date.now()): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (info) this.last = info;
    if (answered) this.informed = true;
    if (info?.limit !== undefined) this.limit = info.limit;
    const resetAt = info?.resetAt?.getTime();
    const reported = exhausted ? 0 : info?.remaining;
    // An answer about a window that already ended (or older than the one we know) says nothing about this one.
    if (resetAt !== undefined && reported !== undefined && resetAt > now && resetAt >= this.resetAt) {
      const left = Math.max(0, reported - this.inFlight);
      this.remaining = resetAt === this.resetAt ? Math.min(this.remaining, left) : left;
      this.resetAt = resetAt;
    }
    if (this.waiting.size > 0) for (const wake of [...this.waiting]) wake();
  }

  /**
   * Waits `ms` (UNTIL_AN_ANSWER: no time limit), or less: until any request reports back, or `signal` fires.
   * Resolves false when the signal fired. Leaves no timer or listener behind.
   */
  changed(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (goOn: boolean) => {
        if (timer !== undefined) clearTimeout(timer);
        this.waiting.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(goOn);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = ms === UNTIL_AN_ANSWER ? undefined : setTimeout(wake, Math.min(Math.max(0, ms), MAX_DELAY));
      this.waiting.add(wake);
      signal?.addEventListener('abort', onAbort);
    });
  }
}
