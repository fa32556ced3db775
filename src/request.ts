import { type PlainError, type PlainErrorKind, abortedBeforeSending } from './errors.js';
import type { Permit, RateLimitGate } from './rate-limit.js';
import type { RateLimitInfo } from './result.js';
import { sleep } from './sleep.js';
import type { Operation } from './operations.js';
import type { Transport } from './transport.js';

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
 */
export function send<T, V>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy): Promise<Outcome<T>> {
  return sendThen(sender, op, variables, policy, asIs);
}
const asIs = <T>(outcome: T) => outcome;

/** `send`, with `map` applied to the final outcome. */
export async function sendThen<T, V, R>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy, map: (outcome: Outcome<T>) => R): Promise<R> {
  const gate = sender.gate;
  for (let n = 1; ; n++) {
    if (policy.signal?.aborted) return map({ ok: false, error: abortedBeforeSending(op.name, n - 1) });
    let permit: Permit | undefined;
    if (gate) {
      const acquired = await gate.acquire({ signal: policy.signal, maxWaitMs: policy.maxRetryDelayMs });
      if (!acquired.ok && acquired.reason === 'aborted') return map({ ok: false, error: abortedBeforeSending(op.name, n - 1) });
      if (!acquired.ok) {
        const error: PlainError = {
          kind: 'rate_limited',
          attempts: n - 1,
          retryable: true,
          retryAfterMs: acquired.waitMs,
          message: `Plain's rate limit is spent until ${new Date(Date.now() + acquired.waitMs).toISOString()}; nothing was sent.`,
        };
        return map({ ok: false, error, rateLimit: gate.last });
      }
      permit = acquired.permit;
    }
    let step: Step<T>;
    try {
      step = await attempt(sender, op, variables, policy, n, permit);
    } finally {
      permit?.release(undefined); // already released with the answer, unless the attempt threw
    }
    if ('outcome' in step) return map(step.outcome);
    if (!(await sleep(step.delayMs, policy.signal))) return map({ ok: false, error: abortedBeforeSending(op.name, n) });
  }
}

type Step<T> = { outcome: Outcome<T> } | { delayMs: number };

/** Attempt number `n`: the gate hears back from it whatever happens. */
function attempt<T, V>(sender: Sender, op: Operation<T, V>, variables: V, policy: Policy, n: number, permit: Permit | undefined): Promise<Step<T>> {
  const { gate, onRequest, onResponse } = sender;
  if (onRequest) call(onRequest, { operationName: op.name, attempt: n });
  const started = onResponse ? Date.now() : 0;
  return sender.transport.attempt(op, variables, policy.signal, policy.timeoutMs, (result, answer): Step<T> => {
    permit?.release(answer);
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
    if (result.ok) {
      result.attempts = n;
      if (result.rateLimit === undefined) result.rateLimit = gate?.last;
      return { outcome: result };
    }

    const { error, notSent } = result;
    error.attempts = n;
    const safeToRepeat = TRANSIENT.has(error.kind) && (!op.mutation || notSent);
    error.retryable = safeToRepeat;
    const delayMs = error.kind === 'rate_limited' ? (error.retryAfterMs ?? backoffMs(n)) : backoffMs(n);
    if (!safeToRepeat || n > policy.maxRetries || delayMs > policy.maxRetryDelayMs) {
      return { outcome: { ok: false, error, rateLimit: result.rateLimit ?? gate?.last } };
    }
    return { delayMs };
  });
}
