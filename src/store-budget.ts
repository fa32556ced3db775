import type { BudgetDecision, BudgetReport } from './store.js';

/*
 * The shared rate-limit budget, as one atomic step over a small state (createMemoryStore runs it in-process; the
 * Redis store runs the same steps as a Lua script, src/redis/budget-script.ts, and the two pass the same tests).
 *
 * - A window is named by its end, Plain's `x-ratelimit-reset`: the same number for every process.
 * - What may still be granted in it (`left`) is set by the answer that first describes it: the `remaining` it
 *   reports, less every request granted and not answered yet (`inFlight`, whatever its window: one sent just before
 *   the window ended may be counted in this one). Each grant in the window then takes one from it, so together the
 *   processes never take more than Plain said was left, whatever order Plain counts their requests in.
 * - A later answer about the same window only lowers it (a request the store did not grant, e.g. another program with
 *   the same key): to its `remaining` less the requests granted after the answered one and not answered yet. Those
 *   granted before it are not taken off again: Plain has usually counted them already, and `left` stays the bound.
 * - Before any answer described the window (a new store, or once the known window ended) one request goes to find
 *   out, and one more each second while its answer is slow; the others wait for the news, then share what it says.
 * - A 429 leaves nothing in its window; one that names no window holds everything until the time the client computed.
 * - A server whose answers describe no window is not paced (for a minute, then asked again).
 */

/** While the request finding out the window is under way, how long before one more may go. */
export const PROBE_PATIENCE_MS = 1_000;
/** After an answer that describes no window, how long requests go unpaced before one finds out again. */
export const UNPACED_MS = 60_000;
/** A grant unanswered for this long is forgotten (its answer was lost with its process, or never reported). */
export const IN_FLIGHT_FORGET_MS = 2 * 60_000;
/** A budget for a window whose answer reported no `remaining` and no limit is known: effectively none. */
const UNKNOWN_BUDGET = 1e9;

export interface BudgetState {
  /** Tickets granted so far. */
  seq: number;
  /** The known window's end (Plain's clock, ms); 0 when none is known. */
  end: number;
  /** What may still be granted in that window. */
  left: number;
  /** The last `x-ratelimit-limit`; 0 while unknown. */
  limit: number;
  /** When the request finding out the window was granted, and its ticket; 0 when none is under way. */
  probeAt: number;
  probeTicket: number;
  /** Nothing is granted before this (after a 429 naming no window). */
  holdUntil: number;
  /** Grants go unpaced until this (the server describes no window). */
  unpacedUntil: number;
  /** Granted tickets not answered yet, with when they were granted. */
  inFlight: Map<number, number>;
}

export const emptyBudget = (): BudgetState => ({
  seq: 0,
  end: 0,
  left: 0,
  limit: 0,
  probeAt: 0,
  probeTicket: 0,
  holdUntil: 0,
  unpacedUntil: 0,
  inFlight: new Map(),
});

/** One grant, or how long to wait. Changes `state`. */
export function takeBudget(state: BudgetState, plainNow: number): BudgetDecision {
  for (const [ticket, grantedAt] of state.inFlight) {
    if (grantedAt < plainNow - IN_FLIGHT_FORGET_MS) state.inFlight.delete(ticket);
  }
  if (plainNow < state.holdUntil) return { granted: false, waitMs: state.holdUntil - plainNow, waitingFor: 'hold' };
  if (state.end > 0 && plainNow >= state.end) {
    state.end = 0;
    state.left = 0;
    state.probeAt = 0;
  }
  if (state.end === 0) {
    if (plainNow < state.unpacedUntil) return grant(state, plainNow);
    if (state.probeAt > 0 && plainNow < state.probeAt + PROBE_PATIENCE_MS) {
      return { granted: false, waitMs: state.probeAt + PROBE_PATIENCE_MS - plainNow, waitingFor: 'news' };
    }
    state.probeAt = plainNow;
    state.probeTicket = state.seq + 1;
    return grant(state, plainNow);
  }
  if (state.left <= 0) return { granted: false, waitMs: state.end - plainNow, waitingFor: 'reset' };
  state.left--;
  return grant(state, plainNow);
}

function grant(state: BudgetState, plainNow: number): BudgetDecision {
  state.seq++;
  state.inFlight.set(state.seq, plainNow);
  return { granted: true, ticket: state.seq };
}

/** Learns from an answer. Changes `state`. */
export function reportAnswer(state: BudgetState, report: BudgetReport): void {
  const { ticket, plainNow, status, limit, remaining, reset } = report;
  if (limit !== undefined) state.limit = limit;
  state.inFlight.delete(ticket);
  if (status === undefined) {
    // No answer came: if it was the request finding out the window, the next one may go at once.
    if (ticket === state.probeTicket) state.probeAt = 0;
    return;
  }
  const refused = status === 429;
  const reported = refused ? 0 : remaining;
  if (reset !== undefined) {
    state.unpacedUntil = 0;
    if (reset > state.end && reset > plainNow) {
      // A newer window.
      state.end = reset;
      state.left = (reported ?? (state.limit > 0 ? state.limit : UNKNOWN_BUDGET)) - state.inFlight.size;
      state.probeAt = 0;
    } else if (reset === state.end && reported !== undefined) {
      let grantedAfter = 0;
      for (const other of state.inFlight.keys()) if (other > ticket) grantedAfter++;
      state.left = Math.min(state.left, reported - grantedAfter);
    }
    // (An answer about a window already over is old news.)
  } else if (refused) {
    state.holdUntil = Math.max(state.holdUntil, report.holdUntil ?? plainNow);
    state.probeAt = 0;
  } else if (state.end === 0) {
    state.unpacedUntil = plainNow + UNPACED_MS;
    state.probeAt = 0;
  }
}
