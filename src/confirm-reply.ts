import type { ConfirmSettings } from './confirm-options.js';
import { MAY_HAVE_BEEN_SENT, type PlainError, type ReplyConfirmation } from './errors.js';
import { getCustomer } from './operations/customer.js';
import { getMyMachineUser } from './operations/machine-user.js';
import type { Call } from './operations/pipeline.js';
import { findReply, type ReplyAuthor } from './operations/timeline.js';
import { type ReplyToSend, type ReplyToThreadResult, sendReply } from './reply-to-thread.js';
import type { Result } from './result.js';
import type { Policy, Sender } from './send.js';
import { waitUnlessAborted } from './wait.js';

// Exactly-once replies (README, "Exactly-once replies"). Plain's replyToThread has no idempotency key, so after a
// failure that may have been sent (a timeout, a dropped connection, a 5xx) the only way to know is to look: wait for
// the reply to settle, look it up on the thread's timeline (same author, same text, from just before the first send
// on), then resolve `ok` when it is there, send it again when it certainly is not, or say that the lookup could not
// tell. Loaded only by a reply with `confirm`.

/** What looking the reply up on the timeline came to. */
type Sighting =
  | { status: 'found'; timelineEntryId: string; timestamp: string; requestId?: string }
  | { status: 'not_found' }
  | { status: 'could_not_tell'; error: PlainError };

/**
 * Sends the reply; after each failure flagged `mayHaveBeenSent`, looks it up on the timeline and resolves `ok`
 * (`confirmedBy: 'timeline'`) when it landed, or sends it again when it did not, while the call's retry budget lasts
 * (every send counts against `maxRetries`, as `send`'s own retries do). Never rejects.
 */
export async function confirmedReply(
  sent: ReplyToSend,
  { policy, settings }: { policy: Policy; settings: ConfirmSettings },
): Promise<ReplyToThreadResult> {
  const since = new Date(Date.now() - settings.sinceToleranceMs);
  const allowedAttempts = policy.maxRetries + 1;
  let attempts = 0;
  let lookups = 0;
  let author: ReplyAuthor | null | undefined;
  for (;;) {
    const result = await sendReply(sent, { ...policy, maxRetries: allowedAttempts - attempts - 1 });
    if (result.ok) return result;
    const { error } = result;
    attempts += error.attempts;
    // A failure after which nothing landed: earlier sends, if any, were looked for and not found.
    if (!error.mayHaveBeenSent) return lookups > 0 ? settled(result, { attempts, lookups }) : result;

    author ??= await authorOf(sent, policy);
    const sighting: Sighting =
      author === undefined
        ? { status: 'could_not_tell', error: authorUnknown }
        : await lookFor(sent, { policy, settings, since, author, onLookup: () => lookups++ });
    switch (sighting.status) {
      case 'found': {
        const { threadId } = sent.reply;
        const { timelineEntryId, timestamp, requestId } = sighting;
        const data = { threadId, channel: sent.channel, confirmedBy: 'timeline' as const, timelineEntryId, timestamp };
        return { ok: true, data, ...(requestId ? { requestId } : {}) };
      }
      case 'could_not_tell':
        return couldNotTell(result, { attempts, lookups, lookupError: sighting.error });
      case 'not_found':
        if (attempts >= allowedAttempts) return settled(result, { attempts, lookups });
    }
  }
}

/**
 * Waits for the reply to settle and looks it up; when it is not there, looks once more `secondLookMs` later. Each wait
 * ends early when the call is aborted, and is never longer than the call's `maxRetryDelayMs`.
 */
async function lookFor(
  sent: ReplyToSend,
  look: { policy: Policy; settings: ConfirmSettings; since: Date; author: ReplyAuthor | null; onLookup: () => void },
): Promise<Sighting> {
  const { policy, settings } = look;
  const waits = settings.secondLookMs > 0 ? [settings.settleMs, settings.secondLookMs] : [settings.settleMs];
  for (const ms of waits) {
    if (!(await waitUnlessAborted(Math.min(ms, policy.maxRetryDelayMs), policy.signal))) {
      return { status: 'could_not_tell', error: abortedWhileConfirming };
    }
    look.onLookup();
    const found = await findReply(callOf(sent.sender, policy), {
      threadId: sent.reply.threadId,
      textContent: sent.reply.textContent,
      since: look.since,
      ...(look.author ? { author: look.author } : {}),
    });
    if (!found.ok) return { status: 'could_not_tell', error: found.error };
    if (found.data.status === 'found') return { ...found.data, ...(found.requestId ? { requestId: found.requestId } : {}) };
  }
  return { status: 'not_found' };
}

/** The reply's author on the timeline: the impersonated customer, or the key's machine user (`null`: any author). */
async function authorOf(sent: ReplyToSend, policy: Policy): Promise<ReplyAuthor | null | undefined> {
  const call = callOf(sent.sender, policy);
  const customer = sent.reply.impersonation?.asCustomer.customerIdentifier;
  if (customer) {
    if (customer.customerId) return { kind: 'customer', id: customer.customerId };
    const found = await getCustomer(
      call,
      customer.emailAddress ? { email: customer.emailAddress } : { externalId: customer.externalId },
    );
    return found.ok && found.data ? { kind: 'customer', id: found.data.id } : undefined;
  }
  const machineUser = await machineUserOf(call);
  if (!machineUser.ok) return undefined;
  return machineUser.data ? { kind: 'machineUser', id: machineUser.data.id } : null;
}

/** The key's machine user, asked once per client (a failed answer is asked again next time). */
const machineUsers = new WeakMap<Sender, Promise<Result<{ id: string } | null>>>();
function machineUserOf(call: Call): Promise<Result<{ id: string } | null>> {
  const known = machineUsers.get(call.sender);
  if (known) return known;
  const asked = getMyMachineUser(call).then((result) => {
    if (!result.ok) machineUsers.delete(call.sender);
    return result;
  });
  machineUsers.set(call.sender, asked);
  return asked;
}

/** The lookups need no thread cache: they neither read nor feed it. */
const callOf = (sender: Sender, policy: Policy): Call => ({ sender, policy, threads: undefined as never });

const authorUnknown: PlainError = {
  kind: 'unexpected_response',
  attempts: 0,
  retryable: false,
  message: "The reply's author (the machine user, or the impersonated customer) could not be looked up.",
};

const abortedWhileConfirming: PlainError = {
  kind: 'aborted',
  attempts: 0,
  retryable: false,
  message: 'Aborted while waiting to look the reply up on the timeline.',
};

/** The last send's failure, settled by the timeline: the reply is not there, so trying again cannot send it twice. */
function settled(
  result: Extract<ReplyToThreadResult, { ok: false }>,
  context: { attempts: number; lookups: number },
): ReplyToThreadResult {
  const { mayHaveBeenSent, ...error } = result.error;
  const confirmation: ReplyConfirmation = { status: 'not_found', lookups: context.lookups };
  const message = mayHaveBeenSent
    ? `${error.message.replace(MAY_HAVE_BEEN_SENT, '')} The reply is not on the thread's timeline: it did not land.`
    : `${error.message} Earlier attempts were looked up on the thread's timeline: they had not landed.`;
  const retryable = mayHaveBeenSent ? true : error.retryable;
  return { ...result, error: { ...error, attempts: context.attempts, retryable, message, confirmation } as PlainError };
}

/** The reply may have landed and the timeline could not tell: the failure as it was, flag kept, with the reason. */
function couldNotTell(
  result: Extract<ReplyToThreadResult, { ok: false }>,
  context: { attempts: number; lookups: number; lookupError: PlainError },
): ReplyToThreadResult {
  const { lookupError, attempts } = context;
  const confirmation: ReplyConfirmation = {
    status: 'could_not_tell',
    lookups: context.lookups,
    lookupError: { kind: lookupError.kind, message: lookupError.message },
  };
  if (lookupError.kind === 'aborted') {
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
  const message = `${result.error.message} Looking it up on the thread's timeline failed (${lookupError.kind}).`;
  return { ...result, error: { ...result.error, attempts, message, confirmation } };
}
