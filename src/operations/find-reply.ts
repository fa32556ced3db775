import * as z from 'zod/mini';
import { invalidInput } from '../errors.js';
import { DEFAULT_CLOCK_SKEW_MS, earliestMatchTime, findReplyIn, type ReplyCriteria, timeOf } from '../reply-match.js';
import type { Result } from '../result.js';
import type { Sender } from '../send.js';
import type { TimelineAuthor } from '../timeline-entries.js';
import { parseInput, replyText, typeError } from '../validation.js';
import { anObject, nonBlank, positiveWhole } from './fields.js';
import { getMyMachineUser } from './machine-user.js';
import { type Call, failed, type Meta } from './pipeline.js';
import { getTimeline } from './timeline.js';

/** Who the reply shows as: a machine user (a bot's key), or the customer it was sent as (impersonation). */
export type FindReplyAuthor =
  | { machineUserId: string; customerId?: never }
  | { customerId: string; machineUserId?: never };

/**
 * The reply to look for. `since`: when it was sent (take the time just before sending); entries older than that
 * (less `clockSkewMs`, default 5 s) never count. `author` defaults to the machine user of the client's API key.
 * `maxPages` (default 5, at most 20) bounds the pages of 50 entries read back from the newest.
 */
export interface FindReplyInput {
  threadId: string;
  textContent: string;
  since: Date | string | number;
  author?: FindReplyAuthor | null;
  maxPages?: number | null;
  clockSkewMs?: number | null;
}

/**
 * `found`: the newest entry that is the reply. `not_found`: none among the entries read; `complete` says whether
 * they reached back to `since` (true: the reply is not on the timeline now; false: the page cap stopped the search
 * before `since`, so it may be further back).
 */
export type ReplyLookup =
  | { status: 'found'; timelineEntryId: string; timestamp: string }
  | { status: 'not_found'; complete: boolean };
export type FindReplyResult = Result<ReplyLookup>;

/** Entries per page read. */
const FIND_REPLY_PAGE_SIZE = 50;
/** Pages read by default, and at most. */
const FIND_REPLY_DEFAULT_PAGES = 5;
const MAX_PAGES = 20;
/** The largest clock skew allowed: five minutes. */
const MAX_CLOCK_SKEW_MS = 300_000;

const isTime = (value: unknown) =>
  (value instanceof Date || typeof value === 'string' || typeof value === 'number') &&
  Number.isFinite(timeOf(value as Date | string | number));

const Input = z.object(
  {
    threadId: nonBlank(),
    textContent: replyText,
    since: z.custom<Date | string | number>(isTime, { error: typeError('a Date, an ISO 8601 time or epoch ms') }),
    author: z.nullish(
      z.object({ machineUserId: z.nullish(nonBlank()), customerId: z.nullish(nonBlank()) }, anObject).check(
        z.check(({ value: author, issues }) => {
          if ((author.machineUserId == null) === (author.customerId == null))
            issues.push({
              code: 'custom',
              input: author,
              message: 'give exactly one of machineUserId or customerId',
            });
        }),
      ),
    ),
    maxPages: z.nullish(
      positiveWhole('pages').check(z.refine((n: number) => n <= MAX_PAGES, `must be at most ${MAX_PAGES}`)),
    ),
    clockSkewMs: z.nullish(
      z.custom<number>((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_CLOCK_SKEW_MS, {
        error: typeError(`a whole number of milliseconds from 0 to ${MAX_CLOCK_SKEW_MS}`),
      }),
    ),
  },
  anObject,
) as unknown as z.ZodMiniType<FindReplyInput>;

/** The machine user each client's key acts as, once known: a key's machine user does not change. */
const machineUsers = new WeakMap<Sender, string>();

/** The author to match: the one given, or the key's machine user (looked up once per client). */
async function authorFor(
  call: Call,
  given: FindReplyAuthor | null | undefined,
): Promise<Result<ReplyCriteria['author']>> {
  if (given?.customerId != null) return { ok: true, data: { kind: 'customer', id: given.customerId } };
  if (given?.machineUserId != null) return { ok: true, data: { kind: 'machineUser', id: given.machineUserId } };
  const known = machineUsers.get(call.sender);
  if (known !== undefined) return { ok: true, data: { kind: 'machineUser', id: known } };
  const me = await getMyMachineUser(call);
  if (!me.ok) return me;
  if (me.data === null)
    return failed(
      invalidInput([
        {
          path: 'author',
          message: "is required: this API key is not a machine user's (give { customerId } or { machineUserId })",
        },
      ]),
    );
  machineUsers.set(call.sender, me.data.id);
  return { ok: true, data: { kind: 'machineUser', id: me.data.id } satisfies TimelineAuthor };
}

/**
 * Looks a reply up on the thread's timeline: newest pages first, until an entry older than `since` (less the clock
 * skew), the oldest entry, or the page cap. The matching rules are `isReply`'s (src/reply-match.ts).
 */
export async function findReply(call: Call, input: unknown): Promise<FindReplyResult> {
  const parsed = await parseInput(Input, input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues));
  const { threadId, textContent, since } = parsed.data;
  const author = await authorFor(call, parsed.data.author);
  if (!author.ok) return author;
  const criteria: ReplyCriteria = {
    textContent,
    since,
    author: author.data,
    clockSkewMs: parsed.data.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
  };
  const earliest = earliestMatchTime(criteria);
  const maxPages = parsed.data.maxPages ?? FIND_REPLY_DEFAULT_PAGES;
  let after: string | undefined;
  let meta: Meta = {};
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await getTimeline(call, { threadId, first: FIND_REPLY_PAGE_SIZE, ...(after ? { after } : {}) });
    if (!page.ok) return page;
    const { requestId, rateLimit } = page;
    meta = { requestId, rateLimit };
    const { entries, pageInfo } = page.data;
    const match = findReplyIn(entries, criteria);
    if (match)
      return {
        ok: true,
        data: { status: 'found', timelineEntryId: match.id, timestamp: match.timestamp },
        requestId,
        rateLimit,
      };
    // Newest first: an entry older than the window means every entry since `since` has been read.
    const reachedSince = entries.some((entry) => Date.parse(entry.timestamp) < earliest);
    if (reachedSince || !pageInfo.hasNextPage || pageInfo.endCursor === null || pageInfo.endCursor === after)
      return { ok: true, data: { status: 'not_found', complete: true }, requestId, rateLimit };
    after = pageInfo.endCursor;
  }
  return { ok: true, data: { status: 'not_found', complete: false }, ...meta };
}
