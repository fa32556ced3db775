// Plain's rate-limit headers read on this machine's clock: what a result reports and how long a 429 makes a call wait.
// The gate that paces requests (src/rate-limit.ts) builds on these.
import type { RateLimitInfo } from './result.js';

/** Plain's windows last a minute: a reset further away than two of them comes from a broken header. */
const LONGEST_BELIEVABLE_RESET_MS = 2 * 60_000;
/** The wait after a 429 that says no believable time: long enough for much of a window to pass, short enough to retry. */
const DEFAULT_WAIT_MS = 5_000;
/** Under every wait after a 429: never retry at once, and not all at the same moment as the other clients. */
const RETRY_FLOOR_MS = 250;
const RETRY_JITTER_MS = 750;

/** The `x-ratelimit-*`, `Date` and `Retry-After` headers of an answer (times in ms on Plain's clock). */
export interface Headline {
  limit?: number;
  remaining?: number;
  reset?: number;
  date?: number;
  retryAfter?: string;
}

/** A header's number; NaN when absent or blank (`Number('')` would be 0). */
const numberIn = (text: string | null) => (text === null || text.trim() === '' ? Number.NaN : Number(text));

export function headlineOf(headers: Headers | undefined): Headline {
  const out: Headline = {};
  try {
    if (!headers) return out;
    const limit = numberIn(headers.get('x-ratelimit-limit'));
    const remaining = numberIn(headers.get('x-ratelimit-remaining'));
    // Plain sends an ISO-8601 time here, not seconds (plain-api.md §2.3).
    const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '');
    const date = Date.parse(headers.get('date') ?? '');
    const retryAfter = headers.get('retry-after');
    if (Number.isFinite(limit) && limit >= 0) out.limit = limit;
    if (Number.isFinite(remaining)) out.remaining = Math.max(0, remaining);
    if (Number.isFinite(reset)) out.reset = reset;
    if (Number.isFinite(date)) out.date = date;
    if (retryAfter !== null) out.retryAfter = retryAfter;
  } catch {
    // Headers that throw when read say nothing more.
  }
  return out;
}

export const believable = (msAhead: number) => msAhead <= LONGEST_BELIEVABLE_RESET_MS;

/**
 * Plain's x-ratelimit-* headers, with `resetAt` translated into this machine's clock using the answer's `Date` header
 * (clock skew either way). Undefined when none present. Never throws.
 */
export function readRateLimit(headers: Headers | undefined, receivedAt: number): RateLimitInfo | undefined {
  return rateLimitOf(headlineOf(headers), receivedAt);
}

/** `readRateLimit` from headers already read. */
export function rateLimitOf(
  { limit, remaining, reset, date }: Headline,
  receivedAt: number,
): RateLimitInfo | undefined {
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const info: RateLimitInfo = {};
  if (limit !== undefined) info.limit = limit;
  if (remaining !== undefined) info.remaining = remaining;
  // As far after the answer as it was after the answer's `Date` (without one, as a time on our clock).
  const resetAt = reset === undefined ? undefined : new Date(date === undefined ? reset : receivedAt + (reset - date));
  if (resetAt && Number.isFinite(resetAt.getTime())) info.resetAt = resetAt;
  return info;
}

/** Ms from the answer until Plain takes requests again, by its reset or else Retry-After, when believable. */
function untilAllowedMs({ reset, date, retryAfter }: Headline, receivedAt: number): number | undefined {
  // Plain's clock when it answered: its `Date`, else ours.
  const plainNow = date ?? receivedAt;
  const byRetryAfter =
    retryAfter === undefined
      ? undefined
      : /^\s*\d+(\.\d+)?\s*$/.test(retryAfter)
        ? Number(retryAfter) * 1000
        : Date.parse(retryAfter) - plainNow; // an HTTP date
  const ahead = [reset === undefined ? undefined : reset - plainNow, byRetryAfter].find(
    (ms) => ms !== undefined && Number.isFinite(ms) && believable(ms),
  );
  return ahead === undefined ? undefined : Math.max(0, ahead);
}

/**
 * How long to wait before retrying after a 429: until the (skew-corrected) reset, or Retry-After, plus a floor and
 * jitter; a reset implausibly far away is ignored (then a default wait).
 */
export function retryAfterMs(
  headers: Headers | undefined,
  receivedAt: number,
  random: () => number = Math.random,
): number {
  const until = untilAllowedMs(headlineOf(headers), receivedAt) ?? DEFAULT_WAIT_MS;
  return until + RETRY_FLOOR_MS + random() * RETRY_JITTER_MS;
}
