import type { AttemptResult, PlainError } from './errors.js';
import { type Gate, RateLimitGate } from './rate-limit.js';
import type { RateLimitInfo } from './result.js';
import type { SharedState } from './store-gate.js';
import type { Exchange } from './transport.js';

/**
 * A pacing client's part of the send path (src/send.ts): before each attempt, a turn at the rate-limit budget; after
 * it, the gate hears how the attempt went. It is loaded with the gate, so a client that does not pace itself (a page
 * that talks to its own backend) never loads it.
 */
export interface Pacing {
  /** Plain's budget as last reported (for results' `rateLimit`). */
  readonly last: RateLimitInfo | undefined;
  /**
   * Waits, unless aborted, until the attempt after `sent` ones may go; refuses, with nothing sent, when the caller
   * aborts or the budget comes back later than `maxWaitMs`. Never rejects.
   */
  turn(attempt: { sent: number; signal?: AbortSignal; maxWaitMs: number }): Promise<Turn>;
}

/**
 * An attempt's turn: granted (tell the gate how it ended, exactly once, whatever happened), or refused with nothing
 * sent: `rate_limited` with the budget last reported, or, without an `error`, because the caller aborted.
 */
export type Turn =
  | { ok: true; ended(exchange: Exchange | undefined, result: AttemptResult<unknown> | undefined): void }
  | { ok: false; error?: PlainError; rateLimit?: RateLimitInfo };

/** Pacing by `gate`: the client's own, or the gate over a shared store (src/store-gate.ts). */
export function pacingBy(gate: Gate): Pacing {
  return {
    get last() {
      return gate.last;
    },
    async turn({ sent, signal, maxWaitMs }) {
      const acquired = await gate.acquire({ signal, maxWaitMs });
      if (!acquired.ok) {
        if (acquired.reason === 'aborted') return { ok: false };
        return { ok: false, error: budgetSpent(sent, acquired.waitMs), rateLimit: gate.last };
      }
      return {
        ok: true,
        ended(exchange, result) {
          // The gate knows a refusal by its status: a RATE_LIMITED answer is reported as a 429 whatever its status was.
          const refused = result?.ok === false && result.error.kind === 'rate_limited';
          acquired.permit.release(
            exchange && {
              status: refused ? 429 : exchange.status,
              headers: exchange.headers,
              receivedAt: exchange.receivedAt,
            },
          );
        },
      };
    },
  };
}

/** Pacing over the client's store if it has one (src/store-gate.ts), else by a gate of its own (src/rate-limit.ts). */
export async function pacingOf(shared: (() => Promise<SharedState>) | undefined): Promise<Pacing> {
  return shared ? (await shared()).pacing : pacingBy(new RateLimitGate());
}

/** `rate_limited` without sending: the budget comes back later than the call may wait. */
function budgetSpent(attempts: number, waitMs: number): PlainError {
  return {
    kind: 'rate_limited',
    attempts,
    retryable: true,
    retryAfterMs: waitMs,
    message: `The rate limit is spent for another ${Math.ceil(waitMs / 1000)} s, longer than maxRetryDelayMs allows; nothing was sent.`,
  };
}
