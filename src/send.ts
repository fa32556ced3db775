import {
  type AttemptResult,
  abortedBeforeSending,
  interpretExchange,
  type PlainError,
  type PlainErrorKind,
} from './errors.js';
import { type Operation, requestBody } from './operations.js';
import type { Pacing } from './pacing.js';
import { readRateLimit } from './rate-limit-headers.js';
import type { RateLimitInfo } from './result.js';
import { backoffMs, isSafeToRetry } from './retry.js';
import type { SharedChannels } from './store-gate.js';
import { type Exchange, postGraphQL, type TransportConfig } from './transport.js';
import { waitUnlessAborted } from './wait.js';

/** Passed to `onRequest` before each HTTP attempt. Never holds the API key or the message body. */
export interface RequestEvent {
  operationName: string;
  /** 1 for the first try, 2 for the first retry... */
  attempt: number;
}
/** Passed to `onResponse` after each HTTP attempt. */
export interface ResponseEvent extends RequestEvent {
  /** HTTP status, when an answer came. */
  status?: number;
  durationMs: number;
  requestId?: string;
  /** Set when the attempt failed. */
  errorKind?: PlainErrorKind;
}

/** Everything a request needs from its client, normalised once. */
export interface Sender {
  transport: TransportConfig;
  /** Pacing against the rate limit (src/pacing.ts), loaded when first needed; absent when the client does not pace. */
  pacing?: () => Promise<Pacing>;
  /** The shared store's channel memory, loaded when first needed; absent without a store. */
  channels?: () => Promise<SharedChannels>;
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
}

/** How one call may spend its time and retries. */
export interface Policy {
  timeoutMs: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  signal?: AbortSignal;
}

export type Outcome<T> =
  | { ok: true; data: T; attempts: number; requestId?: string; rateLimit?: RateLimitInfo }
  | { ok: false; error: PlainError; requestId?: string; rateLimit?: RateLimitInfo };

/** A failed outcome, shaped as a failed `Result`: callers can return it as it is. */
const failure = (error: PlainError, rateLimit: RateLimitInfo | undefined): Outcome<never> => ({
  ok: false,
  error,
  ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
  rateLimit,
});

/** Calls a user's hook; neither its exception nor its rejected promise reaches the call. */
export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    const returned: unknown = hook?.(event);
    if (returned instanceof Promise) returned.catch(() => {});
  } catch {
    // A throwing hook must not turn a reply into a failure.
  }
}

/**
 * Sends one operation: waits for the rate-limit budget, makes an attempt, and retries what is safe to retry, until it
 * has an answer or a failure to report. Never rejects.
 */
export async function send<T, V>(
  sender: Sender,
  op: Operation<T, V>,
  variables: V,
  policy: Policy,
): Promise<Outcome<T>> {
  const { transport } = sender;
  const pacing = sender.pacing ? await sender.pacing() : undefined;
  const { signal } = policy;
  const body = requestBody(op, variables);
  let rateLimit: RateLimitInfo | undefined;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return failure(abortedBeforeSending(op.name, attempt - 1), rateLimit);
    const turn = pacing
      ? await pacing.turn({ sent: attempt - 1, signal, maxWaitMs: policy.maxRetryDelayMs })
      : undefined;
    if (turn && !turn.ok) {
      return failure(turn.error ?? abortedBeforeSending(op.name, attempt - 1), turn.rateLimit ?? rateLimit);
    }

    callHook(sender.onRequest, { operationName: op.name, attempt });
    let exchange: Exchange | undefined;
    let result: AttemptResult<T> | undefined;
    try {
      exchange = await postGraphQL(transport, body, { signal, timeoutMs: policy.timeoutMs });
      result = interpretExchange(exchange, op, { hasKey: transport.apiKey !== undefined, timeoutMs: policy.timeoutMs });
    } finally {
      // The gate hears back from every request it let through, whatever happened to it.
      turn?.ended(exchange, result);
    }
    // A pacing client's gate has just read this answer's budget (or keeps the last one known); without one, read it here.
    rateLimit = (pacing ? pacing.last : readRateLimit(exchange.headers, exchange.receivedAt)) ?? rateLimit;

    callHook(sender.onResponse, {
      operationName: op.name,
      attempt,
      durationMs: exchange.durationMs,
      ...(exchange.status !== undefined ? { status: exchange.status } : {}),
      ...(exchange.requestId !== undefined ? { requestId: exchange.requestId } : {}),
      ...(result.ok ? {} : { errorKind: result.error.kind }),
    });
    if (result.ok) return { ok: true, data: result.data, attempts: attempt, requestId: result.requestId, rateLimit };

    const { error } = result;
    error.attempts = attempt;
    const mutation = op.mutationField !== undefined;
    error.retryable = isSafeToRetry(error, { mutation, notSent: result.notSent, idempotent: op.idempotent });
    if (!error.retryable || attempt > policy.maxRetries) return failure(error, rateLimit);
    const delay = error.kind === 'rate_limited' ? (error.retryAfterMs ?? backoffMs(attempt)) : backoffMs(attempt);
    if (delay > policy.maxRetryDelayMs) return failure(error, rateLimit);
    if (!(await waitUnlessAborted(delay, signal))) return failure(abortedBeforeSending(op.name, attempt), rateLimit);
  }
}
