import type * as z from 'zod/mini';
import { invalidInput, type PlainError } from '../errors.js';
import type { MutationErrorPartsFragment, ThreadChannel } from '../generated/graphql.js';
import { errorFromMutationError, isMutationError } from '../mutation-error.js';
import type { Operation } from '../operations.js';
import type { RateLimitInfo, Result } from '../result.js';
import { type Policy, type Sender, send } from '../send.js';
import type { ThreadCache } from '../thread-cache.js';
import { parseInput } from '../validation.js';

/** What an operation needs from the client for one call: how to send, the thread cache, and the call's policy. */
export interface Call {
  sender: Sender;
  threads: ThreadCache;
  policy: Policy;
}

export type Meta = { requestId?: string; rateLimit?: Result<unknown>['rateLimit'] };

/** A failed result, carrying the request id and rate limit of the last answer. */
export const failed = (error: PlainError, meta: Meta = {}): { ok: false; error: PlainError } & Meta => ({
  ok: false,
  error,
  ...(meta.requestId !== undefined ? { requestId: meta.requestId } : {}),
  ...(meta.rateLimit !== undefined ? { rateLimit: meta.rateLimit } : {}),
});

/** `unexpected_response` for an answer without what the operation selects. */
export function answerWithout(
  what: string,
  context: { attempts: number; requestId?: string; mayHaveRun: boolean },
): PlainError {
  const ran = context.mayHaveRun ? ' It ran: check its effect before trying it again.' : '';
  return {
    kind: 'unexpected_response',
    attempts: context.attempts,
    retryable: false,
    ...(context.mayHaveRun ? { mayHaveBeenSent: true as const } : {}),
    ...(context.requestId ? { requestId: context.requestId } : {}),
    message: `Plain's answer held no ${what}.${ran}`,
  };
}

/** A thread summary as the operations select it (`...ThreadSummary`): at least an id and a channel to remember. */
export function rememberThread(threads: ThreadCache, thread: unknown): void {
  if (typeof thread !== 'object' || thread === null) return;
  const { id, channel } = thread as { id?: unknown; channel?: unknown };
  if (typeof id === 'string' && typeof channel === 'string') threads.set(id, channel as ThreadChannel);
}

/** Plain's MutationError as a failed result, in the kinds every mutation shares; a thread Plain does not know leaves the cache. */
export function refusedBy(
  call: Call,
  refusal: MutationErrorPartsFragment,
  context: { field: string; threadId?: string; attempts: number; requestId?: string; rateLimit?: RateLimitInfo },
): { ok: false; error: PlainError } & Meta {
  const { field, threadId, attempts, requestId, rateLimit } = context;
  const error = errorFromMutationError(refusal, {
    refused: field,
    ...(threadId ? { threadId } : {}),
    attempts,
    requestId,
  });
  if (threadId && error.kind === 'thread_not_found') call.threads.delete(threadId);
  return failed(error, { requestId, rateLimit });
}

/**
 * The pipeline of every mutation: validate the input (nothing is sent when it fails) → send `{ input }` → map Plain's
 * MutationError to the error kinds of `replyToThread` → pick the data from the payload. A thread in the payload feeds
 * the thread cache; a `thread_not_found` drops the thread from it.
 */
export async function runMutation<I, T>(
  call: Call,
  mutation: {
    op: Operation<unknown, { input: I }>;
    schema: z.ZodMiniType<I>;
    input: unknown;
    pick: (payload: Record<string, unknown>) => T | undefined;
  },
): Promise<Result<T>> {
  const { op } = mutation;
  const parsed = await parseInput(mutation.schema, mutation.input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues));
  const out = await send(call.sender, op, { input: parsed.data }, call.policy);
  if (!out.ok) return out;

  const { requestId, rateLimit, attempts } = out;
  const field = op.mutationField as string;
  const payload = (out.data as Record<string, unknown>)[field] as Record<string, unknown>;
  const threadId = (parsed.data as { threadId?: string }).threadId;
  if (isMutationError(payload.error)) {
    return refusedBy(call, payload.error, { field, ...(threadId ? { threadId } : {}), attempts, requestId, rateLimit });
  }
  rememberThread(call.threads, payload.thread);
  const data = payload.error === null || payload.error === undefined ? mutation.pick(payload) : undefined;
  if (data === undefined)
    return failed(answerWithout(`${field} result`, { attempts, requestId, mayHaveRun: true }), {
      requestId,
      rateLimit,
    });
  return { ok: true, data, requestId, rateLimit };
}
