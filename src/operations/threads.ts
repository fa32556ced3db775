import * as z from 'zod/mini';
import type { GetThreadError } from '../errors.js';
import { invalidInput } from '../errors.js';
import {
  GetThreadByExternalIdDocument,
  GetThreadByRefDocument,
  ListThreadsDocument,
  type ThreadsFilter,
} from '../generated/lookups.js';
import { type GetThreadResult, isThread, operation, type Thread, threadResultFrom } from '../operations.js';
import type { Result } from '../result.js';
import { send } from '../send.js';
import { isNonBlankString, parseInput } from '../validation.js';
import { anObject, anyObject, nonBlank, positiveWhole } from './fields.js';
import { answerWithout, type Call, failed } from './pipeline.js';

/** A thread by the id your product gave it (`externalId`, unique per customer). */
export type GetThreadByExternalIdInput = { customerId: string; externalId: string };
/** A page of threads: Plain's `ThreadsFilter`, the page size and the cursor of the page before. */
export type ListThreadsInput = { filters?: ThreadsFilter | null; first?: number | null; after?: string | null };
/** One page of threads and where the next one starts (`endCursor`, when `hasNextPage`). */
export interface ThreadPage {
  threads: Thread[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
export type ListThreadsResult = Result<ThreadPage>;

/** The lookup by reference (`T-123`), which a page that replies by thread id never needs at start. */
export const GET_THREAD_BY_REF = /* @__PURE__ */ operation(GetThreadByRefDocument, 'GetThreadByRef');
const BY_EXTERNAL_ID = operation<unknown, GetThreadByExternalIdInput>(
  GetThreadByExternalIdDocument,
  'GetThreadByExternalId',
);
const LIST = operation<unknown, ListThreadsInput>(ListThreadsDocument, 'ListThreads');

const ByExternalIdInput = z.object(
  { customerId: nonBlank(), externalId: nonBlank() },
  anObject,
) as z.ZodMiniType<GetThreadByExternalIdInput>;
const ListInput = z.object(
  {
    // ThreadsFilter has dozens of fields that Plain checks itself; only its shape is checked here.
    filters: z.nullish(anyObject<ThreadsFilter>("an object (Plain's ThreadsFilter)")),
    first: z.nullish(positiveWhole('threads')),
    after: z.nullish(nonBlank()),
  },
  {
    error: (issue) =>
      issue.input === undefined ? 'is required (give {} for the first page of all threads)' : 'must be an object',
  },
) as z.ZodMiniType<ListThreadsInput>;

/** Looks a thread up by its reference; no such thread is `thread_not_found` naming the `ref`. Feeds the thread cache. */
export async function getThreadByRef(call: Call, ref: unknown): Promise<GetThreadResult> {
  if (!isNonBlankString(ref))
    return { ok: false, error: invalidInput([{ path: 'ref', message: 'must be a non-empty string' }]) };
  const result = threadResultFrom(await send(call.sender, GET_THREAD_BY_REF, { ref }, call.policy), { ref });
  if (result.ok) call.threads.set(result.data.id, result.data.channel);
  return result;
}

/** Looks a thread up by the customer and your own id for it; no such thread is `thread_not_found`. */
export async function getThreadByExternalId(call: Call, input: unknown): Promise<GetThreadResult> {
  const parsed = await parseInput(ByExternalIdInput, input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues)) as GetThreadResult;
  const out = await send(call.sender, BY_EXTERNAL_ID, parsed.data, call.policy);
  if (!out.ok) return out as GetThreadResult;
  const { requestId, rateLimit, attempts } = out;
  const thread = (out.data as { threadByExternalId?: unknown }).threadByExternalId;
  if (isThread(thread)) {
    call.threads.set(thread.id, thread.channel);
    return { ok: true, data: thread, requestId, rateLimit };
  }
  const base = { attempts, retryable: false, ...(requestId ? { requestId } : {}) };
  const { customerId, externalId } = parsed.data;
  const error: GetThreadError =
    thread === null
      ? {
          ...base,
          kind: 'thread_not_found',
          message: `Customer ${customerId} has no thread with external id ${externalId}.`,
        }
      : { ...base, kind: 'unexpected_response', message: 'The thread lookup was answered without a thread.' };
  return { ok: false, error, requestId, rateLimit };
}

/** One page of threads matching Plain's `ThreadsFilter`. Every thread on it feeds the thread cache. */
export async function listThreads(call: Call, input: unknown): Promise<ListThreadsResult> {
  const parsed = await parseInput(ListInput, input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues));
  const out = await send(call.sender, LIST, parsed.data, call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  const page = pageIn((out.data as { threads?: unknown }).threads);
  if (!page)
    return failed(answerWithout('page of threads', { attempts, requestId, mayHaveRun: false }), {
      requestId,
      rateLimit,
    });
  for (const thread of page.threads) call.threads.set(thread.id, thread.channel);
  return { ok: true, data: page, requestId, rateLimit };
}

function pageIn(connection: unknown): ThreadPage | undefined {
  if (typeof connection !== 'object' || connection === null) return undefined;
  const { edges, pageInfo } = connection as {
    edges?: unknown;
    pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } | null;
  };
  if (!Array.isArray(edges) || typeof pageInfo?.hasNextPage !== 'boolean') return undefined;
  const threads = edges.map((edge: { node?: unknown } | null) => edge?.node);
  if (!threads.every(isThread)) return undefined;
  const endCursor = typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : null;
  return { threads, pageInfo: { hasNextPage: pageInfo.hasNextPage && endCursor !== null, endCursor } };
}

/**
 * Every page, one `listThreads` call after another, from `input.after` (or the start) to the last page. A failed page
 * is yielded and ends the iteration.
 */
export async function* threadPages(
  listPage: (input: ListThreadsInput) => Promise<ListThreadsResult>,
  input: ListThreadsInput,
): AsyncGenerator<ListThreadsResult, void, undefined> {
  let after = input?.after ?? null;
  for (;;) {
    const page = await listPage({ ...input, after });
    yield page;
    if (!page.ok || !page.data.pageInfo.hasNextPage) return;
    after = page.data.pageInfo.endCursor;
  }
}
