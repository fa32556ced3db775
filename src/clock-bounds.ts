/** Bounds on Plain's clock minus this machine's, in ms: Plain's clock is at least `lo` and at most `hi` ahead. */
export interface ClockBounds {
  lo: number;
  hi: number;
}

/** `Date` has whole seconds: Plain's clock may be up to this much past what it says. */
const DATE_RESOLUTION_MS = 1_000;

/**
 * The bounds narrowed with an answer's `Date` (ms), written after the request went (`sentAt`) and before the answer
 * came (`receivedAt`), both on this machine's clock. Bounds that no longer agree mean a clock moved: they start again
 * from this answer. Without a `Date`, the bounds as they were.
 */
export function narrowedClock(
  clock: ClockBounds | undefined,
  answer: { date: number | undefined; sentAt: number; receivedAt: number },
): ClockBounds | undefined {
  const { date, sentAt, receivedAt } = answer;
  if (date === undefined) return clock;
  const lo = date - receivedAt;
  const hi = date + DATE_RESOLUTION_MS - sentAt;
  const agree = clock !== undefined && lo <= clock.hi && hi >= clock.lo;
  return agree ? { lo: Math.max(lo, clock.lo), hi: Math.min(hi, clock.hi) } : { lo, hi };
}
