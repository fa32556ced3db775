import { type GetThreadError, invalidInput, MAY_HAVE_BEEN_SENT } from './errors.js';
import { GetThreadDocument, ReplyToThreadDocument, type ThreadSummaryFragment } from './generated/graphql.js';
import type { Result } from './result.js';
import { type Outcome, type Policy, type Sender, send } from './send.js';
import { isNonBlankString } from './validation.js';

/** A GraphQL operation the client sends, with its result and variable types. */
export interface Operation<TData, TVariables> {
  /** The operation's name, sent as `operationName`. */
  name: string;
  /** The document, as codegen wrote it: without insignificant whitespace (scripts/codegen-string-documents.mjs). */
  query: string;
  /**
   * For a mutation, the root field it selects (`replyToThread`). A mutation is retried only when it certainly did not
   * run, and an answer that holds this field's result shows that it ran.
   */
  mutationField?: string;
  /**
   * For a mutation that only sets state (mark as done, assign, label…): doing it twice leaves the same state, so it is
   * retried on transient failures even when it may have run. Absent for mutations that create something (a reply, a note).
   */
  idempotent?: true;
  /** For a mutation: what a failure after which it may have run adds to its message. */
  mayHaveRun?: string;
  /** Phantom: carries the types only. */
  types?: [TData, TVariables];
}

/** An operation from a codegen document; a mutation says which root field it selects, and how it may be repeated. */
export function operation<TData, TVariables>(
  document: string & { __apiType?: (variables: TVariables) => TData },
  name: string,
  mutation?: Pick<Operation<TData, TVariables>, 'mutationField' | 'idempotent' | 'mayHaveRun'>,
): Operation<TData, TVariables> {
  return { name, query: document, ...mutation };
}

/** The JSON body that posts `operation` with `variables`. */
export const requestBody = <T, V>(op: Operation<T, V>, variables: V): string =>
  JSON.stringify({ query: op.query, operationName: op.name, variables: variables ?? {} });

export const GET_THREAD = /* @__PURE__ */ operation(GetThreadDocument, 'GetThread');
export const REPLY_TO_THREAD = /* @__PURE__ */ operation(ReplyToThreadDocument, 'ReplyToThread', {
  mutationField: 'replyToThread',
  mayHaveRun: MAY_HAVE_BEEN_SENT,
});

// The thread lookup: GET_THREAD's answer (and GET_THREAD_BY_REF's, in src/operations/threads.ts) read as a thread. It
// lives with the operations every module shares, as the page's getThread, the thread cache and several operations
// all use it.

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

/** Looks a thread up by id; "no such thread" is `thread_not_found`. */
export async function getThread(sender: Sender, key: { threadId: string }, policy: Policy): Promise<GetThreadResult> {
  const { threadId } = key;
  if (!isNonBlankString(threadId))
    return { ok: false, error: invalidInput([{ path: 'threadId', message: 'must be a non-empty string' }]) };
  return threadResultFrom(await send(sender, GET_THREAD, { threadId }, policy), key);
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
