import { type GetThreadError, invalidInput } from './errors.js';
import type { GetThreadByRefQuery, GetThreadQuery, ThreadSummaryFragment } from './generated/graphql.js';
import { GET_THREAD, GET_THREAD_BY_REF } from './operations.js';
import { type Outcome, type Policy, type Sender, send } from './request.js';
import type { Result } from './result.js';
import { isNonBlankString } from './validation.js';

/** A thread as plain-client reads it: id, ref, title, channel, status and its customer's id. */
export type Thread = ThreadSummaryFragment;
export type GetThreadResult = Result<Thread, GetThreadError>;

/** Every field the lookup selects is non-null in the schema; an answer missing one is not a thread. */
export const looksLikeThread = (t: unknown): t is Thread => {
  if (typeof t !== 'object' || t === null) return false;
  const { id, ref, title, channel, status, customer } = t as Record<string, unknown>;
  const strings = typeof id === 'string' && typeof ref === 'string' && typeof title === 'string' && typeof channel === 'string' && typeof status === 'string';
  return strings && typeof (customer as { id?: unknown } | null)?.id === 'string';
};

type By = { threadId: string } | { ref: string };
/** The field a lookup goes by, and its value. */
const keyOf = (by: By) => ('ref' in by ? { field: 'ref' as const, value: by.ref } : { field: 'threadId' as const, value: by.threadId });

/** Looks a thread up by id or by ref (`T-123`) and maps "null" to `thread_not_found`. */
export async function getThread(sender: Sender, by: By, policy: Policy): Promise<GetThreadResult> {
  const { field, value } = keyOf(by);
  if (!isNonBlankString(value)) {
    return { ok: false, error: invalidInput([{ path: field, message: 'must be a non-empty string' }]) };
  }
  return 'ref' in by ? threadIn(await send(sender, GET_THREAD_BY_REF, { ref: value }, policy), by) : threadIn(await send(sender, GET_THREAD, { threadId: value }, policy), by);
}

type LookupOutcome = Outcome<GetThreadQuery | GetThreadByRefQuery>;
/** A lookup that gave no thread, as a result. */
export type FailedLookup = Extract<GetThreadResult, { ok: false }>;

/** The thread an answer holds (or what stands in its place), looked for where `by` puts it. */
export const threadOf = (out: LookupOutcome, by: By): unknown => {
  if (!out.ok) return undefined;
  const data = out.data as Partial<GetThreadQuery & GetThreadByRefQuery> | null | undefined;
  return 'ref' in by ? data?.threadByRef : data?.thread;
};

/** The lookup's answer as a result: the thread, `thread_not_found` for "null", or `unexpected_response`. */
export function threadIn(out: LookupOutcome, by: By): GetThreadResult {
  const thread = threadOf(out, by);
  if (out.ok && looksLikeThread(thread)) return { ok: true, data: thread, requestId: out.requestId, rateLimit: out.rateLimit };
  return noThreadIn(out, thread, by);
}

/** Why a lookup gave no thread: the request's own failure, `thread_not_found` for "null", or `unexpected_response`. */
export function noThreadIn(out: LookupOutcome, thread: unknown, by: By): FailedLookup {
  if (!out.ok) return { ok: false, error: out.error as GetThreadError, requestId: out.error.requestId, rateLimit: out.rateLimit };
  const { requestId, rateLimit } = out;
  const base = { attempts: out.attempts, retryable: false, requestId };
  if (thread === null) {
    const { field, value } = keyOf(by);
    return { ok: false, error: { ...base, kind: 'thread_not_found', [field]: value, message: `No thread with ${field} ${value} in this workspace.` }, requestId, rateLimit };
  }
  return { ok: false, error: { ...base, kind: 'unexpected_response', message: 'Plain answered the thread lookup without a thread.' }, requestId, rateLimit };
}
