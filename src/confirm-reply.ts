import type { ConfirmSettings } from './confirm-options.js';
import { MAY_HAVE_BEEN_SENT, type PlainError, type ReplyConfirmation } from './errors.js';
import { getCustomer } from './operations/customer.js';
import { type FindReplyAuthor, type FindReplyResult, findReply } from './operations/find-reply.js';
import type { Call } from './operations/pipeline.js';
import type { ReplyToSend, ReplyToThreadResult } from './reply-to-thread.js';
import type { Policy } from './send.js';
import { waitUnlessAborted } from './wait.js';

// Exactly-once replies (README, "Exactly-once replies"). Plain's replyToThread has no idempotency key, so after a
// failure that may have been sent (a timeout, a dropped connection, a 5xx) the only way to know is to look: wait for
// the reply to settle, look it up with findReply (same author, same text, from just before the first send on), then
// resolve `ok` when it is there, send it again when it certainly is not, or say that the lookup could not tell.
// Loaded only by a reply with `confirm`.

/** What looking the reply up on the timeline came to. */
type Sighting =
  | { status: 'found'; timelineEntryId: string; timestamp: string; requestId?: string }
  | { status: 'not_found' }
  | { status: 'could_not_tell'; why: CouldNotTell };

/** Why the timeline could not tell: a `could_not_tell` confirmation without its status and count. */
type CouldNotTell =
  Extract<ReplyConfirmation, { status: 'could_not_tell' }> extends infer C
    ? C extends unknown
      ? Omit<C, 'status' | 'lookups'>
      : never
    : never;

type Failed = Extract<ReplyToThreadResult, { ok: false }>;

/**
 * Sends the reply with `sendReply`; after each failure flagged `mayHaveBeenSent`, looks it up on the timeline and
 * resolves `ok` (`confirmedBy: 'timeline'`) when it landed, or sends it again when it did not, while the call's retry
 * budget lasts (every request sent counts against `maxRetries`, as `send`'s own retries do). Never rejects.
 * `sendReply` is passed in rather than imported, so that this module, loaded later, shares no code with the reply's.
 */
export async function confirmedReply(
  sent: ReplyToSend,
  confirm: {
    policy: Policy;
    settings: ConfirmSettings;
    sendReply: (sent: ReplyToSend, policy: Policy) => Promise<ReplyToThreadResult>;
  },
): Promise<ReplyToThreadResult> {
  const { policy, settings, sendReply } = confirm;
  // Just before the first send: findReply counts entries from here, less the tolerance for clock skew.
  const since = new Date();
  const allowedAttempts = policy.maxRetries + 1;
  let attempts = 0;
  let lookups = 0;
  // The impersonated customer, once known; the machine user is findReply's default.
  const author: { known?: FindReplyAuthor } = {};
  for (;;) {
    const result = await sendReply(sent, { ...policy, maxRetries: allowedAttempts - attempts - 1 });
    if (result.ok) return result;
    attempts += result.error.attempts;
    // A failure after which nothing landed; earlier sends, if any, were looked for and had not landed.
    if (!result.error.mayHaveBeenSent) return lookups > 0 ? notFound(result, { attempts, lookups }) : result;

    const sighting = await lookFor(sent, {
      policy,
      settings,
      since,
      author,
      onLookup: () => lookups++,
    });
    switch (sighting.status) {
      case 'found': {
        const { timelineEntryId, timestamp, requestId } = sighting;
        const data = {
          threadId: sent.reply.threadId,
          channel: sent.channel,
          confirmedBy: 'timeline' as const,
          timelineEntryId,
          timestamp,
        };
        return { ok: true, data, ...(requestId ? { requestId } : {}) };
      }
      case 'could_not_tell':
        return couldNotTell(result, { attempts, confirmation: { status: 'could_not_tell', lookups, ...sighting.why } });
      case 'not_found':
        if (attempts >= allowedAttempts) return notFound(result, { attempts, lookups });
    }
  }
}

/**
 * Waits for the reply to settle and looks it up; when it is not there, looks once more `secondLookMs` later. Each wait
 * ends early when the call is aborted, and is never longer than the call's `maxRetryDelayMs`.
 */
async function lookFor(
  sent: ReplyToSend,
  look: {
    policy: Policy;
    settings: ConfirmSettings;
    since: Date;
    author: { known?: FindReplyAuthor };
    onLookup: () => void;
  },
): Promise<Sighting> {
  const { policy, settings } = look;
  const waits = settings.secondLookMs > 0 ? [settings.settleMs, settings.secondLookMs] : [settings.settleMs];
  for (const ms of waits) {
    if (!(await waitUnlessAborted(Math.min(ms, policy.maxRetryDelayMs), policy.signal))) {
      return { status: 'could_not_tell', why: { reason: 'aborted' } };
    }
    look.onLookup();
    const found = await findReplyByAuthor(sent, look);
    if (!found.ok) {
      if (found.error.kind === 'aborted') return { status: 'could_not_tell', why: { reason: 'aborted' } };
      const lookupError = { kind: found.error.kind, message: found.error.message };
      return { status: 'could_not_tell', why: { reason: 'lookup_failed', lookupError } };
    }
    const { data, requestId } = found;
    if (data.status === 'found') return { ...data, ...(requestId ? { requestId } : {}) };
    // The entries read did not reach back to `since`: the reply may be further back.
    if (!data.complete) return { status: 'could_not_tell', why: { reason: 'search_incomplete' } };
  }
  return { status: 'not_found' };
}

/**
 * findReply for this reply: by the customer it was sent as (their id looked up once when the reply named them by email
 * or external id), else by the key's machine user, findReply's default.
 */
async function findReplyByAuthor(
  sent: ReplyToSend,
  look: { policy: Policy; settings: ConfirmSettings; since: Date; author: { known?: FindReplyAuthor } },
): Promise<FindReplyResult> {
  const call: Call = { sender: sent.sender, threads: sent.threads, policy: look.policy };
  const customer = sent.reply.impersonation?.asCustomer.customerIdentifier;
  if (customer?.customerId) look.author.known = { customerId: customer.customerId };
  else if (customer && !look.author.known) {
    const found = await getCustomer(
      call,
      customer.emailAddress ? { email: customer.emailAddress } : { externalId: customer.externalId },
    );
    if (!found.ok) return found;
    if (found.data === null) return { ok: false, error: customerUnknown };
    look.author.known = { customerId: found.data.id };
  }
  const author = look.author.known;
  return findReply(call, {
    threadId: sent.reply.threadId,
    textContent: sent.reply.textContent,
    since: look.since,
    clockSkewMs: look.settings.sinceToleranceMs,
    ...(author ? { author } : {}),
  });
}

const customerUnknown: PlainError = {
  kind: 'unexpected_response',
  attempts: 0,
  retryable: false,
  message: 'The customer the reply was sent as could not be found, so neither could the reply.',
};

/** The last send's failure, settled by the timeline: the reply is not there, so trying again cannot send it twice. */
function notFound(result: Failed, context: { attempts: number; lookups: number }): ReplyToThreadResult {
  const { mayHaveBeenSent, ...error } = result.error;
  const confirmation: ReplyConfirmation = { status: 'not_found', lookups: context.lookups };
  const message = mayHaveBeenSent
    ? `${error.message.replace(MAY_HAVE_BEEN_SENT, '')} The reply is not on the thread's timeline: it did not land.`
    : `${error.message} Earlier attempts were looked up on the thread's timeline: they had not landed.`;
  const retryable = mayHaveBeenSent ? true : error.retryable;
  return { ...result, error: { ...error, attempts: context.attempts, retryable, message, confirmation } as PlainError };
}

/** The reply may have landed and the timeline could not tell: the failure as it was, flag kept, with the reason. */
function couldNotTell(result: Failed, context: { attempts: number; confirmation: ReplyConfirmation }): Failed {
  const { attempts, confirmation } = context;
  if (confirmation.status === 'could_not_tell' && confirmation.reason === 'aborted') {
    const { requestId, status } = result.error;
    const error: PlainError = {
      kind: 'aborted',
      attempts,
      retryable: false,
      mayHaveBeenSent: true,
      message: `replyToThread was aborted while confirming whether the reply landed.${MAY_HAVE_BEEN_SENT}`,
      confirmation,
      ...(requestId ? { requestId } : {}),
      ...(status ? { status } : {}),
    };
    return { ...result, error };
  }
  const why =
    confirmation.status === 'could_not_tell' && confirmation.reason === 'lookup_failed'
      ? `looking it up failed (${confirmation.lookupError.kind})`
      : 'more was written on it since the reply than a lookup reads';
  const message = `${result.error.message} The thread's timeline could not tell: ${why}.`;
  return { ...result, error: { ...result.error, attempts, message, confirmation } };
}
