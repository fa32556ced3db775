import * as z from 'zod/mini';
import { invalidInput, type PlainError } from '../errors.js';
import { GetTimelineDocument, type ThreadTimelineEntriesFilter } from '../generated/timeline.js';
import { operation } from '../operations.js';
import type { Result } from '../result.js';
import { send } from '../send.js';
import { type TimelinePage, timelinePageOf } from '../timeline-entries.js';
import { parseInput, typeError } from '../validation.js';
import { anObject, nonBlank, positiveWhole } from './fields.js';
import { answerWithout, type Call, failed } from './pipeline.js';

/**
 * A page of a thread's timeline. The timeline is read **newest first**: `first` (with `after`) starts at the newest
 * entry and goes back in time; `last` (with `before`) starts at the oldest and comes forward. Give at most one of
 * `first`/`last`; with neither, the page is the newest `DEFAULT_TIMELINE_PAGE_SIZE` entries (or, after a `before`
 * cursor, the `DEFAULT_TIMELINE_PAGE_SIZE` entries just newer than it). `messagesOnly` leaves notes and other internal
 * entries (status changes, assignments, …) out.
 */
export type GetTimelineInput = { threadId: string; messagesOnly?: boolean | null } & (
  | { first?: number | null; after?: string | null; last?: null; before?: null }
  | { last?: number | null; before?: string | null; first?: null; after?: null }
);
export type GetTimelineResult = Result<TimelinePage>;

/** The page size when the input gives neither `first` nor `last`. */
export const DEFAULT_TIMELINE_PAGE_SIZE = 25;

/** The variables `GetTimeline` is sent with. */
export interface GetTimelineVariables {
  threadId: string;
  filters: ThreadTimelineEntriesFilter | null;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

/** The operation; the proxy serves it to browsers under the same name. */
export const GET_TIMELINE = operation<unknown, GetTimelineVariables>(GetTimelineDocument, 'GetTimeline');

const Input = z
  .object(
    {
      threadId: nonBlank(),
      first: z.nullish(positiveWhole('entries')),
      after: z.nullish(nonBlank()),
      last: z.nullish(positiveWhole('entries')),
      before: z.nullish(nonBlank()),
      // z.custom, like the fields in fields.ts: z.boolean would be the only user of zod's boolean schema, which as
      // part of a module the page shares with it would be loaded by every page.
      messagesOnly: z.nullish(
        z.custom<boolean>((value) => typeof value === 'boolean', { error: typeError('true or false') }),
      ),
    },
    anObject,
  )
  .check(
    z.check(({ value: input, issues }) => {
      const issue = (path: string, message: string) =>
        issues.push({ code: 'custom', input: input[path as keyof typeof input], path: [path], message });
      if (input.first != null && input.last != null) issue('last', 'give first or last, not both');
      else if (input.first != null && input.before != null) issue('before', 'goes with last, not first (use after)');
      else if (input.last != null && input.after != null) issue('after', 'goes with first, not last (use before)');
      else if (input.after != null && input.before != null) issue('before', 'give after or before, not both');
    }),
  ) as unknown as z.ZodMiniType<GetTimelineInput>;

/** The variables for a valid input: one direction, its count (the default when none was given) and its cursor. */
function timelineVariables(input: GetTimelineInput): GetTimelineVariables {
  const filters = input.messagesOnly ? { isMessage: true } : null;
  const vars: GetTimelineVariables = { threadId: input.threadId, filters };
  if (input.last != null || input.before != null) {
    vars.last = input.last ?? DEFAULT_TIMELINE_PAGE_SIZE;
    if (input.before != null) vars.before = input.before;
  } else {
    vars.first = input.first ?? DEFAULT_TIMELINE_PAGE_SIZE;
    if (input.after != null) vars.after = input.after;
  }
  return vars;
}

/** One page of a thread's timeline, newest first; no such thread is `thread_not_found`. */
export async function getTimeline(call: Call, input: unknown): Promise<GetTimelineResult> {
  const parsed = await parseInput(Input, input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues));
  const { threadId } = parsed.data;
  const out = await send(call.sender, GET_TIMELINE, timelineVariables(parsed.data), call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  const thread = (out.data as { thread?: { timelineEntries?: unknown } | null }).thread;
  if (thread === null) {
    call.threads.delete(threadId);
    const error: PlainError = {
      kind: 'thread_not_found',
      threadId,
      attempts,
      retryable: false,
      ...(requestId ? { requestId } : {}),
      message: `No thread ${threadId} in this workspace.`,
    };
    return failed(error, { requestId, rateLimit });
  }
  const page = timelinePageOf(thread?.timelineEntries);
  if (!page)
    return failed(answerWithout('page of timeline entries', { attempts, requestId, mayHaveRun: false }), {
      requestId,
      rateLimit,
    });
  return { ok: true, data: page, requestId, rateLimit };
}

/**
 * Every page from the input's cursor on, one `getTimeline` call after another: with `first`/`after` (or neither)
 * back in time to the oldest entry, with `last`/`before` forward to the newest. A failed page is yielded and ends the
 * iteration; so does an invalid input (its `invalid_input`, nothing sent).
 */
export async function* timelinePages(
  getPage: (input: GetTimelineInput) => Promise<GetTimelineResult>,
  input: GetTimelineInput,
): AsyncGenerator<GetTimelineResult, void, undefined> {
  const parsed = await parseInput(Input, input);
  if (!parsed.ok) {
    yield failed(invalidInput(parsed.issues));
    return;
  }
  const backward = parsed.data.last != null || parsed.data.before != null;
  let next: GetTimelineInput = parsed.data;
  for (;;) {
    const page = await getPage(next);
    yield page;
    if (!page.ok) return;
    const { hasNextPage, hasPreviousPage, startCursor, endCursor } = page.data.pageInfo;
    const cursor = backward ? (hasPreviousPage ? startCursor : null) : hasNextPage ? endCursor : null;
    // A cursor the last request already gave would read the same page again: the end, whatever the answer claims.
    if (cursor === null || cursor === (backward ? next.before : next.after)) return;
    next = (backward ? { ...next, before: cursor } : { ...next, after: cursor }) as GetTimelineInput;
  }
}
