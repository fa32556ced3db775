import type { RateLimitInfo } from './result.js';

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

/** Milliseconds to wait before retrying: `x-ratelimit-reset`, else `Retry-After` (seconds or an HTTP date). */
export function retryAfterMsOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const resetAt = rateLimitOf(headers)?.resetAt;
  if (resetAt) return Math.max(0, resetAt.getTime() - now);
  const retryAfter = headers?.get('retry-after');
  if (!retryAfter) return undefined;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(retryAfter) ? +retryAfter * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/**
 * Holds requests while Plain's budget is spent, so that a busy client waits for the reset instead of collecting 429s.
 * It counts requests it lets through against the last `remaining` Plain reported, for the same reset time.
 */
export class RateLimitGate {
  private remaining = Infinity;
  private resetAt = 0;
  last: RateLimitInfo | undefined;

  /** How long a request must wait now (0: go), reserving one request of the budget when it may go. */
  reserve(now = Date.now()): number {
    if (now >= this.resetAt) this.remaining = Infinity;
    if (this.remaining > 0) {
      this.remaining--;
      return 0;
    }
    return this.resetAt - now;
  }

  /** Records what an answer said; `exhausted` when it was a 429. */
  update(info: RateLimitInfo | undefined, exhausted = false, now = Date.now()): void {
    if (info) this.last = info;
    const resetAt = info?.resetAt?.getTime();
    if (resetAt === undefined || resetAt <= now) return;
    const remaining = exhausted ? 0 : (info?.remaining ?? Infinity);
    this.remaining = resetAt === this.resetAt ? Math.min(this.remaining, remaining) : remaining;
    this.resetAt = resetAt;
  }
}
