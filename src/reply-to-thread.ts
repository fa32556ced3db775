import type * as z from 'zod/mini';
import { CONFIRM_DEFAULTS, CONFIRM_MAX } from './config.js';
import type { ConfirmReplyOptions, ConfirmSettings } from './confirm-options.js';
import { abortedBeforeSending, invalidInput, MAY_HAVE_BEEN_SENT, type PlainError } from './errors.js';
import type { ThreadChannel } from './generated/graphql.js';
import { errorFromMutationError, isMutationError } from './mutation-error.js';
import type { ReplyFilesReport } from './operations/reply-with-files.js';
import { REPLY_TO_THREAD } from './operations.js';
import type { Result } from './result.js';
import { type Policy, type Sender, send } from './send.js';
import type { ThreadCache } from './thread-cache.js';
import {
  type CannotReplyReason,
  channelRefusal,
  EMAIL_OPTION_CHANNELS,
  IMPERSONATION_CHANNELS,
  type KnownThread,
  parseInput,
  REPLY_CHANNELS,
  ReplyToThreadInput,
} from './validation.js';

/**
 * What a reply resolves with. `confirmedBy` tells how the SDK knows the reply landed: absent, Plain's answer said so;
 * `'timeline'`, the answer was lost (a timeout, a dropped connection, a 5xx) and the reply was found on the thread's
 * timeline afterwards (only with `confirm`, see README, "Exactly-once replies").
 */
export type ReplySent =
  | { threadId: string; channel: ThreadChannel; confirmedBy?: undefined }
  | {
      threadId: string;
      channel: ThreadChannel;
      confirmedBy: 'timeline';
      /** The timeline entry of the reply that was found. */
      timelineEntryId: string;
      /** When Plain recorded it (ISO 8601). */
      timestamp: string;
    };

/** With `attachments`, the result also says which files were uploaded and, on failure, which step failed. */
export type ReplyToThreadResult = Result<ReplySent> & ReplyFilesReport;

/** Per-call options of `replyToThread`. */
export interface ReplyOptions {
  /** Cancels the call at once, including while it waits to retry. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, in milliseconds. */
  timeoutMs?: number;
  /** Retries for this call (see the client option). */
  maxRetries?: number;
  /** The thread's id and channel, when you know them: the lookup is skipped and they are used as given. */
  thread?: KnownThread;
  /**
   * Exactly-once: after a failure flagged `mayHaveBeenSent`, look the reply up on the thread's timeline and resolve `ok`
   * if it landed, or send it again if it did not. `true` takes the client's settings (or the defaults); `false` turns
   * the client's `confirmReplies` off for this call. See README, "Exactly-once replies".
   */
  confirm?: boolean | ConfirmReplyOptions;
}

/** Whether a reply's input carries `attachments` (a list, even empty); an input that cannot be read does not. */
function carriesFiles(input: unknown): boolean {
  try {
    return typeof input === 'object' && input !== null && (input as { attachments?: unknown }).attachments != null;
  } catch {
    return false;
  }
}

/** Replies to a thread: validate → know the channel → check it → send → map Plain's answer. Never rejects. */
export async function replyToThread(
  sender: Sender,
  threads: ThreadCache,
  request: {
    input: unknown;
    thread: KnownThread | undefined;
    policy: Policy;
    /** The client's `confirmReplies` settings (undefined: off). */
    confirm?: ConfirmSettings | undefined;
    /** The call's own `confirm` option as given, over the client's: src/confirm-options.ts reads it. */
    confirmOption?: unknown;
  },
): Promise<ReplyToThreadResult> {
  // A call's own `confirm` is checked, like its other options, before anything else; its module is loaded only then.
  if (request.confirmOption !== undefined) {
    const { readConfirmOption } = await import('./confirm-options.js');
    const read = readConfirmOption(request.confirmOption, {
      base: request.confirm ?? CONFIRM_DEFAULTS,
      max: CONFIRM_MAX,
    });
    if ('issues' in read) return { ok: false, error: invalidInput(read.issues) };
    request = { ...request, confirm: read.settings, confirmOption: undefined };
  }
  // 0. Files to upload first: src/operations/reply-with-files.ts checks them all with the reply's input, uploads them,
  // then comes back to replyChecked with their ids in attachmentIds. Loaded only for a reply that carries files.
  if (carriesFiles(request.input))
    return (await import('./operations/reply-with-files.js')).replyWithFiles(sender, threads, request, replyChecked);
  // 1. Validate: nothing is sent for input Plain would refuse.
  const parsed = await parseInput(ReplyToThreadInput, request.input);
  if (!parsed.ok) return { ok: false, error: invalidInput(parsed.issues) };
  return replyChecked(sender, threads, { ...request, reply: parsed.data });
}

/** A validated reply, and how to send it: the caller's `thread`, the call's policy and its confirm settings. */
export interface CheckedReply {
  reply: z.output<typeof ReplyToThreadInput>;
  thread: KnownThread | undefined;
  policy: Policy;
  confirm?: ConfirmSettings | undefined;
}

/** Replies with input already validated: know the channel → check it → send → map Plain's answer. Never rejects. */
async function replyChecked(sender: Sender, threads: ThreadCache, request: CheckedReply): Promise<ReplyToThreadResult> {
  const { policy, reply } = request;
  const { threadId } = reply;

  // 2. Know the channel: given by the caller, cached, or looked up.
  let channel = request.thread?.id === threadId ? request.thread.channel : threads.get(threadId);
  if (channel === undefined) {
    if (policy.signal?.aborted) return { ok: false, error: abortedBeforeSending(REPLY_TO_THREAD.name, 0) };
    const found = await threads.lookUp(threadId, policy);
    if (found === 'aborted') return { ok: false, error: abortedBeforeSending(REPLY_TO_THREAD.name, 0) };
    if (typeof found !== 'string') return found;
    channel = found;
  }

  // 3. Check the channel against Plain's rules.
  const refusal = channelRefusal(channel, reply);
  if (refusal) return { ok: false, error: refusedLocally(channel, refusal) };

  // 4. Send, and map Plain's answer. With `confirm`, an ambiguous failure is checked against the thread's timeline.
  const sent = { sender, threads, reply, channel };
  if (!request.confirm) return sendReply(sent, policy);
  const { confirmedReply } = await import('./confirm-reply.js');
  return confirmedReply(sent, { policy, settings: request.confirm, sendReply });
}

/** What one send of a reply needs: the client's sender and cache, the validated reply, and the thread's channel. */
export interface ReplyToSend {
  sender: Sender;
  threads: ThreadCache;
  reply: z.output<typeof ReplyToThreadInput>;
  channel: ThreadChannel;
}

/** Sends the reply (with `send`'s retries of what certainly did not run) and maps Plain's answer. Never rejects. */
async function sendReply(
  { sender, threads, reply, channel }: ReplyToSend,
  policy: Policy,
): Promise<ReplyToThreadResult> {
  const { threadId } = reply;
  const out = await send(sender, REPLY_TO_THREAD, { input: reply }, policy);
  if (!out.ok) return out;

  // Map Plain's answer: `error: null` is success; a MutationError becomes a kind callers switch on.
  const { requestId, rateLimit, attempts } = out;
  const answer = (out.data as { replyToThread?: { error?: unknown } }).replyToThread;
  if (answer?.error === null) return { ok: true, data: { threadId, channel }, requestId, rateLimit };
  if (isMutationError(answer?.error)) {
    const error = errorFromMutationError(answer.error, {
      refused: 'the reply',
      threadId,
      channel,
      attempts,
      requestId,
    });
    if (error.kind === 'thread_not_found' || error.kind === 'cannot_reply_to_thread') threads.delete(threadId);
    return { ok: false, error, requestId, rateLimit };
  }
  const message = `Plain answered replyToThread without saying whether it succeeded.${MAY_HAVE_BEEN_SENT}`;
  const error: PlainError = {
    kind: 'unexpected_response',
    attempts,
    retryable: false,
    mayHaveBeenSent: true,
    message,
    ...(requestId ? { requestId } : {}),
  };
  return { ok: false, error, requestId, rateLimit };
}

/** What each local refusal concerns, and the channels that allow it. */
const REFUSALS: Record<Exclude<CannotReplyReason, 'server'>, [string, readonly ThreadChannel[]]> = {
  channel_not_supported: ['replies', REPLY_CHANNELS],
  impersonation_not_supported: ['replies as a customer', IMPERSONATION_CHANNELS],
  channel_specific_options_not_supported: ['Cc and Bcc (channelSpecificOptions)', EMAIL_OPTION_CHANNELS],
};

function refusedLocally(channel: ThreadChannel, reason: Exclude<CannotReplyReason, 'server'>): PlainError {
  const [what, allowed] = REFUSALS[reason];
  const message = `Plain takes ${what} only on ${allowed.join(', ')} threads, not ${channel}. Nothing was sent.`;
  return { kind: 'cannot_reply_to_thread', channel, reason, source: 'local', attempts: 0, retryable: false, message };
}
