import { type GetThreadError, invalidInput } from './errors.js';
import type { ThreadSummaryFragment } from './generated/graphql.js';
import { GET_THREAD, GET_THREAD_BY_REF } from './operations.js';
import type { Result } from './result.js';
import { type Outcome, type Policy, type Sender, send } from './send.js';
import { isNonBlankString } from './validation.js';

/** A thread as plain-client reads it: id, ref, title, channel, status and its customer's id. */
export type Thread = ThreadSummaryFragment;
export type GetThreadResult = Result<Thread, GetThreadError>;
/** A lookup that gave no thread. */
export type FailedLookup = Extract<GetThreadResult, { ok: false }>;

/** How a thread is looked up: by id, or by its reference such as `T-123`. */
export type ThreadKey = { threadId: string } | { ref: string };

/** Ids, refs and enum values are short; a longer one is not from Plain. */
const MAX_ID_LENGTH = 1000;
const isShortString = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_ID_LENGTH;

/** Every field the lookup selects is non-null in the schema: an answer missing one is not a thread. */
export function isThread(value: unknown): value is Thread {
  if (typeof value !== 'object' || value === null) return false;
  const { id, ref, title, channel, status, customer } = value as Record<string, unknown>;
  const fields = [id, ref, channel, status].every(isShortString) && typeof title === 'string';
  return (
    fields && typeof customer === 'object' && customer !== null && isShortString((customer as { id?: unknown }).id)
  );
}

/** Looks a thread up by id or by ref; "no such thread" is `thread_not_found`. */
export async function getThread(sender: Sender, key: ThreadKey, policy: Policy): Promise<GetThreadResult> {
  const [field, value] = 'ref' in key ? (['ref', key.ref] as const) : (['threadId', key.threadId] as const);
  if (!isNonBlankString(value))
    return { ok: false, error: invalidInput([{ path: field, message: 'must be a non-empty string' }]) };
  const out =
    field === 'ref'
      ? await send(sender, GET_THREAD_BY_REF, { ref: value }, policy)
      : await send(sender, GET_THREAD, { threadId: value }, policy);
  return threadResultFrom(out, key);
}

/** The lookup's outcome as a result: the thread, `thread_not_found` for Plain's `null`, or the failure. */
export function threadResultFrom(out: Outcome<unknown>, key: ThreadKey): GetThreadResult {
  // A lookup's failures are never a mutation's refusals.
  if (!out.ok) return out as FailedLookup;
  const { requestId, rateLimit, attempts } = out;
  const data = out.data as Record<string, unknown>;
  const thread = 'ref' in key ? data.threadByRef : data.thread;
  if (isThread(thread)) return { ok: true, data: thread, requestId, rateLimit };
  const base = { attempts, retryable: false, ...(requestId ? { requestId } : {}) };
  if (thread === null) {
    const [field, value] = 'ref' in key ? ['ref', key.ref] : ['threadId', key.threadId];
    const error: GetThreadError = {
      ...base,
      kind: 'thread_not_found',
      [field]: value,
      message: `No thread with ${field} ${value} in this workspace.`,
    };
    return { ok: false, error, requestId, rateLimit };
  }
  return {
    ok: false,
    error: { ...base, kind: 'unexpected_response', message: 'The thread lookup was answered without a thread.' },
    requestId,
    rateLimit,
  };
}
