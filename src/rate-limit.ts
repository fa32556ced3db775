import { type ClockBounds, narrowedClock } from './clock-bounds.js';
import { believable, type Headline, headlineOf, rateLimitOf, retryAfterMs } from './rate-limit-headers.js';
import type { RateLimitInfo } from './result.js';
import { waitUnlessAborted } from './wait.js';

/*
 * How the client paces itself against Plain's rate limit.
 *
 * Plain counts a workspace's requests in windows (a minute long) and says on its answers how big the window's budget
 * is (`x-ratelimit-limit`), how much of it is left (`x-ratelimit-remaining`) and when the window ends
 * (`x-ratelimit-reset`, a time on Plain's clock). Other processes may spend the same budget; this client cannot see
 * them, except through `remaining` falling faster than its own requests explain, and through 429s.
 *
 * - Clocks. The answer's `Date` header (whole seconds) says what time Plain thinks it is. Each answer bounds how far
 *   Plain's clock is from ours: Plain wrote `Date` after we sent the request and before we received the answer. The
 *   gate keeps the intersection of those bounds (and starts again when they stop agreeing, or when a 429 shows a window
 *   had not ended when our clock said it had) and moves a reset into our clock with the bound that makes it latest:
 *   never early, and a fraction of a second late once a few answers came.
 * - Spreading. Within a window, requests go at the pace that would spend what is left evenly over what is left of the
 *   window, a few at once at most (a small token bucket). Every process does the same, and `remaining` counts
 *   everybody's requests: the more the others spend, the slower each one goes, so processes settle without talking.
 * - Not knowing. A new client, or one whose window just ended, lets one request go and waits for its answer (one more
 *   each second if the answer is slow) before pacing by what the answer says.
 * - A 429 is news that others are spending the budget: nothing more goes in that window, and this client spends at
 *   half its pace (down to an eighth) until a window ends without a 429.
 * - A reset further away than two of Plain's windows is not believed: the answer's budget is still read, and a 429
 *   without a believable reset holds requests for a default wait.
 */

/** While nothing describes the window, how long the one request out may hold the others before one more goes. */
const PROBE_PATIENCE_MS = 1_000;
/** The slowest pace 429s can bring this client down to, as a share of the even pace. */
const SLOWEST_SHARE = 1 / 8;

export interface GateAnswer {
  /** Undefined when no HTTP answer came (network error, timeout). */
  status?: number;
  headers?: Headers;
  /** When the answer came, on this machine's clock (the gate's `now`). */
  receivedAt: number;
}
/** What an answer says of Plain's clock and budget, read once for either gate. */
export interface Heard {
  read: Headline;
  /** The clock bounds narrowed with the answer's `Date`. */
  clock: ClockBounds | undefined;
  /** The budget to report in results, when the answer names one. */
  info: RateLimitInfo | undefined;
  /** Plain's clock when it answered: its `Date`, else ours moved by the bounds (on the early side). */
  plainThen: number;
  /** The end of the answer's window (`x-ratelimit-reset`), when believable. */
  end: number | undefined;
}

/** Reads `answer` to a request sent at `sentAt` (this machine's clock), with the clock bounds known so far. */
export function heardFrom(
  { headers, receivedAt }: GateAnswer,
  known: { clock: ClockBounds | undefined; sentAt: number },
): Heard {
  const read = headlineOf(headers);
  const clock = narrowedClock(known.clock, { date: read.date, sentAt: known.sentAt, receivedAt });
  const plainThen = read.date ?? receivedAt + (clock?.lo ?? 0);
  const end = read.reset !== undefined && believable(read.reset - plainThen) ? read.reset : undefined;
  return { read, clock, info: rateLimitOf(read, receivedAt), plainThen, end };
}

/** Leave to send one request. Release it exactly once, with what came back; a second release does nothing. */
export interface Permit {
  release(answer: GateAnswer | undefined): void;
}
export type Acquired =
  | { ok: true; permit: Permit }
  | { ok: false; reason: 'aborted' }
  | { ok: false; reason: 'too_long'; waitMs: number };

/** What sending needs of a gate: RateLimitGate, or the gate over a shared store (src/store-gate.ts). */
export interface Gate {
  /** Plain's budget as last reported (for results' `rateLimit`). */
  readonly last: RateLimitInfo | undefined;
  /**
   * Waits (unless aborted) until a request may go. Refuses at once with 'too_long' when the wait would exceed
   * maxWaitMs. Never rejects; leaves no timer or listener behind.
   */
  acquire(options: { signal?: AbortSignal; maxWaitMs: number }): Promise<Acquired>;
}

/** One of Plain's windows, as this client knows it. */
interface Window {
  /** When it ends, on Plain's clock. */
  end: number;
  /** Requests it may still take as far as this client knows: what Plain last said, less what was sent since. */
  remaining: number;
  /** Whether a 429 came for it. */
  refused: boolean;
}

const GO = { waitMs: 0, forBudget: false };

/** Paces requests against Plain's rate limit (the model is explained at the top of this file). */
export class RateLimitGate implements Gate {
  readonly #now: () => number;
  readonly #random: () => number;
  #last: RateLimitInfo | undefined;
  #window: Window | undefined;
  /** Whether, with no window known, one request at a time goes to learn about it (else: the server reports none). */
  #probing = true;
  /** Whether the server's answers (other than 429s) describe the window: the last one did. */
  #reportsWindows = true;
  /** Bounds on Plain's clock minus ours, in ms. */
  #clock: ClockBounds | undefined;
  #limit: number | undefined;
  /** The share of the even pace this client takes: 1, less after a 429. */
  #share = 1;
  /** Requests that may go at once (the token bucket), as of `#creditAt`. */
  #credit = 0;
  #creditAt = 0;
  #inFlight = 0;
  /** Permits granted so far: numbers each request, to count what was sent after it. */
  #granted = 0;
  #lastGrantAt = Number.NEGATIVE_INFINITY;
  /** Nothing goes before this: after a 429 that names no believable window, or one that shows a clock moved. */
  #pausedUntil = Number.NEGATIVE_INFINITY;
  /** Waiting callers, woken when an answer comes. */
  readonly #sleepers = new Set<AbortController>();

  constructor(options: { now?: () => number; random?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Plain's budget as last reported (for results' `rateLimit`). */
  get last(): RateLimitInfo | undefined {
    return this.#last;
  }

  /**
   * Waits (unless aborted) until a request may go. Refuses at once with 'too_long' when the wait would exceed
   * maxWaitMs. Never rejects; leaves no timer or listener behind.
   */
  async acquire(options: { signal?: AbortSignal; maxWaitMs: number }): Promise<Acquired> {
    const { signal, maxWaitMs } = options;
    const started = this.#now();
    for (;;) {
      if (signal?.aborted) return { ok: false, reason: 'aborted' };
      const now = this.#now();
      const { waitMs, forBudget } = this.#waitBefore(now);
      if (waitMs <= 0) return { ok: true, permit: this.#grant(now) };
      if (forBudget && now - started + waitMs > maxWaitMs) return { ok: false, reason: 'too_long', waitMs };
      await pauseForNews(waitMs, { signal, sleepers: this.#sleepers });
    }
  }

  /** How long a request must wait from `now`, and whether for the budget (else for news of it). */
  #waitBefore(now: number): { waitMs: number; forBudget: boolean } {
    if (now < this.#pausedUntil) return { waitMs: Math.ceil(this.#pausedUntil - now), forBudget: true };
    const window = this.#window;
    if (window && now >= this.#onOurClock(window.end)) {
      // A window that ended without a 429 lifts the slow-down an earlier one started.
      if (!window.refused) this.#share = Math.min(1, this.#share * 2);
      this.#window = undefined;
      // The next window is found out with one request, if answers say what it is (a 429 alone may have told of this one).
      this.#probing = this.#reportsWindows;
      return this.#waitBefore(now);
    }
    if (!window) {
      if (!this.#probing || this.#inFlight === 0 || now >= this.#lastGrantAt + PROBE_PATIENCE_MS) return GO;
      return { waitMs: Math.ceil(this.#lastGrantAt + PROBE_PATIENCE_MS - now), forBudget: false };
    }
    const left = this.#onOurClock(window.end) - now;
    if (window.remaining <= 0) return { waitMs: Math.ceil(left), forBudget: true };
    if (window.remaining === Number.POSITIVE_INFINITY) return GO;
    // Requests per ms that spend this client's share of what is left evenly over what is left of the window.
    const pace = (window.remaining * this.#share) / left;
    this.#credit = Math.min(this.#burst(), this.#credit + (now - this.#creditAt) * pace);
    this.#creditAt = now;
    if (this.#credit >= 1) return GO;
    return { waitMs: Math.ceil(Math.min(left, (1 - this.#credit) / pace)), forBudget: true };
  }

  /** How many requests may go at once: a twentieth of the budget, less when slowed down, at least one. */
  #burst(): number {
    return Math.max(1, Math.floor(((this.#limit ?? 0) / 20) * this.#share));
  }

  #onOurClock(time: number): number {
    return time - (this.#clock?.lo ?? 0);
  }

  #grant(now: number): Permit {
    this.#inFlight++;
    this.#lastGrantAt = now;
    const number = ++this.#granted;
    if (this.#window) {
      this.#window.remaining--;
      this.#credit = Math.max(0, this.#credit - 1);
    }
    let released = false;
    return {
      release: (answer) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        try {
          if (answer?.status !== undefined) this.#learn(answer, { number, grantedAt: now });
        } catch {
          // Nothing an answer holds may keep the gate from hearing back.
        }
        for (const sleeper of this.#sleepers) sleeper.abort();
      },
    };
  }

  /** What an HTTP answer to request `number` tells about the clock and the budget. */
  #learn({ status, headers, receivedAt }: GateAnswer, request: { number: number; grantedAt: number }): void {
    const heard = heardFrom({ headers, receivedAt }, { clock: this.#clock, sentAt: request.grantedAt });
    const { read, end } = heard;
    this.#clock = heard.clock;
    if (heard.info) this.#last = heard.info;
    if (read.limit !== undefined) this.#limit = read.limit;

    const refused = status === 429;
    // Plain counted the requests sent before this one (most of them); those sent after it are still to count.
    const sentSince = this.#granted - request.number;
    const reported = refused ? 0 : read.remaining;
    const now = this.#now();
    if (refused && end !== undefined && request.grantedAt >= this.#onOurClock(end)) {
      // Refused in a window that had already ended on our clock when the request went: a clock moved. Start the
      // clock over from this answer, and hold for the wait it implies.
      this.#clock = narrowedClock(undefined, { date: read.date, sentAt: request.grantedAt, receivedAt });
      this.#holdAfter429(headers, receivedAt);
    }
    if (!refused) this.#reportsWindows = end !== undefined;
    let window = this.#window;

    if (end !== undefined && this.#onOurClock(end) > now && (!window || end > window.end)) {
      // A new window: its budget as reported, a few requests at once, then the even pace.
      window = { end, remaining: (reported ?? Number.POSITIVE_INFINITY) - sentSince, refused: false };
      this.#window = window;
      this.#probing = false;
      this.#credit = this.#burst();
      this.#creditAt = now;
    } else if (window && (end === undefined || end === window.end) && reported !== undefined) {
      // The same window (or one the answer cannot name): the lower of the two estimates holds.
      window.remaining = Math.min(window.remaining, reported - sentSince);
    } else if (!window && end === undefined) {
      // Nothing describes the window. After a 429: hold for the wait it implies, then find out with one request.
      // Otherwise the server reports no window to pace by.
      this.#probing = refused;
      if (refused) this.#holdAfter429(headers, receivedAt);
    }
    // (A 429 about a window already over on our clock is old news: it slows the pace below but holds nothing.)

    if (refused && !window?.refused) {
      this.#share = Math.max(SLOWEST_SHARE, this.#share / 2);
      this.#credit = 0;
      if (window) window.refused = true;
    }
  }

  #holdAfter429(headers: Headers | undefined, receivedAt: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, receivedAt + retryAfterMs(headers, receivedAt, this.#random));
  }
}

/**
 * Waits `ms`, or less: until `signal` fires or, when `sleepers` is given, a gate wakes them (an answer came). Leaves no
 * timer or listener behind.
 */
export async function pauseForNews(
  ms: number,
  options: { signal: AbortSignal | undefined; sleepers: Set<AbortController> | undefined },
): Promise<void> {
  const { signal, sleepers } = options;
  const news = new AbortController();
  const wake = () => news.abort();
  signal?.addEventListener('abort', wake);
  sleepers?.add(news);
  try {
    await waitUnlessAborted(ms, news.signal);
  } finally {
    signal?.removeEventListener('abort', wake);
    sleepers?.delete(news);
  }
}
