import { type PlainError, type PlainErrorKind, abortedBeforeSending } from './errors.js';
import { type RateLimitGate, UNTIL_AN_ANSWER } from './rate-limit.js';
import type { RateLimitInfo } from './result.js';
import { sleep } from './sleep.js';
import type { Operation } from './operations.js';
import type { Attempt, Transport } from './transport.js';

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
  transport: Transport;
  gate: RateLimitGate | undefined;
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
}

export interface Policy {
  timeoutMs: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  signal?: AbortSignal;
}

export type Outcome<T> =
  | { ok: true; data: T; attempts: number; requestId?: string; rateLimit?: RateLimitInfo }
  | { ok: false; error: PlainError; rateLimit?: RateLimitInfo };

/** Failures worth another try for an idempotent lookup. */
const TRANSIENT: ReadonlySet<PlainErrorKind> = new Set(['network', 'timeout', 'rate_limited', 'server_error']);

/** Exponential backoff with full jitter: a random wait below 250 ms, 500 ms, 1 s... capped at 8 s. */
const backoffMs = (retry: number) => Math.random() * Math.min(8000, 250 * 2 ** (retry - 1));

const call = <E>(hook: ((event: E) => void) | undefined, event: E) => {
  try {
    // An async hook (a logger that awaits) returns a promise: its rejection must not become an unhandled one.
    const returned: unknown = hook?.(event);
    if (returned instanceof Promise) returned.catch(() => {});
  } catch {
    // A throwing hook must not turn a reply into a failure.
  }
};

/**
 * Sends one operation: waits for the rate-limit budget, tries, and retries what is safe to retry.
 * A lookup is retried on network errors, timeouts, 429 and 5xx. A mutation only when it certainly did not run
 * (429, a connection never opened): Plain's replyToThread has no idempotency key (plain-api.md §5).
 *
 * The common case (budget available, one attempt) goes straight to `attempt`, whose result is mapped inside the
 * transport's own promise step: each step more is about 1 % of a loopback reply. Waiting and retrying are `patiently`.
 */
export function send<T, V>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy): Promise<Outcome<T>> {
  return sendThen(sender, op, variables, policy, asIs);
}
const asIs = <T>(outcome: T) => outcome;

/**
 * `send`, with `map` applied to the final outcome in the same promise step: for a caller that would otherwise
 * `await` the outcome only to turn it into something else (a thread lookup).
 */
export function sendThen<T, V, R>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy, map: (outcome: Outcome<T>) => R): Promise<R> {
  // Checked before reserving, so that an aborted call never takes a share of the budget.
  if (policy.signal?.aborted || (sender.gate !== undefined && sender.gate.reserve() !== 0)) return patiently(sender, op, variables, policy, 1, map);
  return attempt(sender, op, variables, policy, 1, map);
}

/** Waits until the budget lets attempt number `n` go (or says why it cannot), then makes it. */
async function patiently<T, V, R>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy, n: number, map: (outcome: Outcome<T>) => R): Promise<R> {
  const gate = sender.gate;
  for (;;) {
    if (policy.signal?.aborted) return map({ ok: false, error: abortedBeforeSending(op.name, n - 1) });
    const wait = gate?.reserve() ?? 0;
    if (wait === 0) return attempt(sender, op, variables, policy, n, map);
    if (wait !== UNTIL_AN_ANSWER && wait > policy.maxRetryDelayMs) {
      const error: PlainError = {
        kind: 'rate_limited',
        attempts: n - 1,
        retryable: true,
        retryAfterMs: wait,
        message: `Plain's rate limit is spent until ${new Date(Date.now() + wait).toISOString()}; nothing was sent.`,
      };
      return map({ ok: false, error, rateLimit: gate!.last });
    }
    if (!(await gate!.changed(wait, policy.signal))) return map({ ok: false, error: abortedBeforeSending(op.name, n - 1) });
  }
}

/** Attempt number `n`, its share of the budget already reserved: the gate hears back from it whatever happens. */
function attempt<T, V, R>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy, n: number, map: (outcome: Outcome<T>) => R): Promise<R> {
  const { gate, onRequest, onResponse } = sender;
  if (onRequest) call(onRequest, { operationName: op.name, attempt: n });
  const started = onResponse ? Date.now() : 0;
  return sender.transport.attempt(op, variables, policy.signal, policy.timeoutMs, (result): R | Promise<R> => {
    if (onResponse) {
      call(onResponse, {
        operationName: op.name,
        attempt: n,
        durationMs: Date.now() - started,
        ...(result.ok
          ? { status: result.status, requestId: result.requestId }
          : { status: result.error.status, requestId: result.error.requestId, errorKind: result.error.kind }),
      });
    }
    gate?.update(result.rateLimit, result.ok || result.error.status !== undefined, !result.ok && result.error.kind === 'rate_limited');
    if (result.ok) {
      // The attempt becomes the outcome: one object less per request.
      result.attempts = n;
      if (result.rateLimit === undefined) result.rateLimit = gate?.last;
      return map(result);
    }

    const { error, notSent } = result;
    error.attempts = n;
    const safeToRepeat = TRANSIENT.has(error.kind) && (!op.mutation || notSent);
    error.retryable = safeToRepeat;
    const delay = error.kind === 'rate_limited' ? (error.retryAfterMs ?? backoffMs(n)) : backoffMs(n);
    if (!safeToRepeat || n > policy.maxRetries || delay > policy.maxRetryDelayMs) {
      return map({ ok: false, error, rateLimit: result.rateLimit ?? gate?.last });
    }
    return sleep(delay, policy.signal).then((slept) =>
      slept ? patiently(sender, op, variables, policy, n + 1, map) : map({ ok: false, error: abortedBeforeSending(op.name, n) }),
    );
  });
}
