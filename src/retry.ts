import type { PlainError, PlainErrorKind } from './errors.js';

/** Failures that may not happen again on another try. */
const TRANSIENT: ReadonlySet<PlainErrorKind> = new Set(['network', 'timeout', 'rate_limited', 'server_error']);

/**
 * Whether trying the same request again is safe and may succeed. A query, or a mutation that only sets state
 * (`idempotent`), is retried on any transient failure; any other mutation only when it certainly did not run (Plain's
 * mutations have no idempotency key, so a reply sent twice would reach the customer twice).
 */
export function isSafeToRetry(
  error: PlainError,
  request: { mutation: boolean; notSent: boolean; idempotent?: boolean },
): boolean {
  return TRANSIENT.has(error.kind) && (!request.mutation || request.idempotent === true || request.notSent);
}

/** Exponential backoff with full jitter: a random wait below 250 ms before the first retry, 500 ms, 1 s… at most 8 s. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  return random() * Math.min(8000, 250 * 2 ** (retry - 1));
}
