import { channelRefusal } from './channels.js';
import { type FieldError, MAY_HAVE_BEEN_SENT, type PlainError, abortedBeforeSending, invalidInput, permissionIn } from './errors.js';
import type { MutationErrorPartsFragment, ReplyToThreadMutation, ThreadChannel } from './generated/graphql.js';
import { REPLY_TO_THREAD } from './operations.js';
import { type Policy, type Sender, send } from './request.js';
import type { Result } from './result.js';
import type { ThreadDirectory } from './thread-cache.js';
import { type KnownThread, type ReplyToThreadInput, type ValidReply, parseReply } from './validation.js';

export type ReplyToThreadResult = Result<{ threadId: string; channel: ThreadChannel }>;

/** Per-call options of `replyToThread`. */
export interface ReplyOptions {
  /** Cancels the call at once, including while it waits to retry. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Retries for this call (see the client option). */
  maxRetries?: number;
  /** The thread's id and channel, when you know them: the lookup is skipped and they are used as given. */
  thread?: KnownThread;
}

/** Turns Plain's MutationError into the error kinds callers switch on. */
function fromMutationError(e: MutationErrorPartsFragment, threadId: string, channel: ThreadChannel, attempts: number, requestId?: string): PlainError {
  // Entries that are not field errors are dropped, so that callers can read `field`, `message` and `type` safely.
  const fields: FieldError[] = Array.isArray(e.fields) ? e.fields.filter(isFieldError) : [];
  const base = { attempts, retryable: false, requestId, message: `Plain refused the reply: ${e.message} (${e.code})` };
  if (e.code === 'cannot_reply_to_thread') {
    return { ...base, kind: 'cannot_reply_to_thread', channel, reason: 'server', source: 'server' };
  }
  if (e.type === 'FORBIDDEN' || e.code === 'forbidden') {
    return { ...base, kind: 'forbidden', ...permissionIn(e.message) };
  }
  if (fields.some((f) => f.field === 'threadId' && f.type === 'NOT_FOUND')) return { ...base, kind: 'thread_not_found', threadId };
  if (e.type === 'VALIDATION') return { ...base, kind: 'validation', code: e.code, fields };
  return { ...base, kind: 'mutation_error', code: e.code, type: e.type, fields };
}

/** A MutationError as the schema defines it: `message`, `type` and `code` are non-null strings. */
const isMutationError = (e: unknown): e is MutationErrorPartsFragment =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as MutationErrorPartsFragment).code === 'string' &&
  typeof (e as MutationErrorPartsFragment).message === 'string' &&
  typeof (e as MutationErrorPartsFragment).type === 'string';

const isFieldError = (f: unknown): f is FieldError =>
  typeof f === 'object' && f !== null && ['field', 'message', 'type'].every((k) => typeof (f as Record<string, unknown>)[k] === 'string');

/** Resolves with `aborted()` as soon as `signal` fires, whatever `work` (which never rejects) is still doing. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, aborted: () => T): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve(aborted());
  return new Promise((resolve) => {
    const onAbort = () => resolve(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

/**
 * Keeps the API key out of results built from the caller's own values. Answers are cleaned as they arrive (Transport);
 * a result can still echo the validated thread id (in `data`, and in errors that name the thread) and a `thread`
 * option (its channel, in a refusal). No other input is ever put in a result, so the message text is not searched.
 */
export interface KeyGuard {
  mayHold(value: unknown): boolean;
  seal<R>(result: R): R;
}

/** validate -> know the channel -> check it -> send -> map. */
export function replyToThread(
  sender: Sender,
  threads: ThreadDirectory,
  input: ReplyToThreadInput,
  options: ReplyOptions,
  policy: Policy,
  guard?: KeyGuard,
): Promise<ReplyToThreadResult> {
  const parsed = parseReply(input);
  if (!parsed.ok) return Promise.resolve({ ok: false, error: invalidInput(parsed.issues) });
  const pending = replyValidated(sender, threads, parsed.data, options, policy);
  // The thread id as validation read it, not read again: a getter could answer differently the second time.
  const echoesKey = guard !== undefined && (guard.mayHold(parsed.data.threadId) || guard.mayHold(options.thread));
  return echoesKey ? pending.then((result) => guard.seal(result)) : pending;
}

async function replyValidated(sender: Sender, threads: ThreadDirectory, reply: ValidReply, options: ReplyOptions, policy: Policy): Promise<ReplyToThreadResult> {
  const { threadId } = reply;

  let channel = options.thread?.id === threadId ? options.thread.channel : threads.channelOf(threadId);
  if (channel === undefined) {
    const aborted = () => ({ ok: false as const, error: abortedBeforeSending(REPLY_TO_THREAD.name, 0) });
    // An aborted caller starts no lookup at all (a started one would reach the network before it could be stopped).
    if (policy.signal?.aborted) return aborted();
    const found = await unlessAborted(threads.lookUp(threadId, policy), policy.signal, aborted);
    if (typeof found !== 'string') return found;
    channel = found;
  }

  const refusal = channelRefusal(channel, reply);
  if (refusal) {
    const what = { channel_not_supported: 'Plain does not reply', impersonation_not_supported: 'Plain cannot impersonate a customer', channel_specific_options_not_supported: 'Cc and Bcc (channelSpecificOptions) only apply' }[refusal];
    const message = `${what} on ${channel} threads${refusal === 'channel_specific_options_not_supported' ? '; use them on EMAIL or API threads' : ''}. Nothing was sent.`;
    return { ok: false, error: { kind: 'cannot_reply_to_thread', channel, reason: refusal, source: 'local', attempts: 0, retryable: false, message } };
  }

  const out = await send(sender, REPLY_TO_THREAD, { input: reply }, policy);
  if (!out.ok) return { ok: false, error: out.error, requestId: out.error.requestId, rateLimit: out.rateLimit };
  const { requestId, rateLimit } = out;
  const answer = (out.data as Partial<ReplyToThreadMutation> | null | undefined)?.replyToThread;
  if (answer && answer.error === null) return { ok: true, data: { threadId, channel }, requestId, rateLimit };
  if (answer && isMutationError(answer.error)) {
    const error = fromMutationError(answer.error, threadId, channel, out.attempts, requestId);
    if (error.kind === 'thread_not_found' || error.kind === 'cannot_reply_to_thread') threads.forget(threadId);
    return { ok: false, error, requestId, rateLimit };
  }
  const message = `Plain answered replyToThread with no result.${MAY_HAVE_BEEN_SENT}`;
  return { ok: false, error: { kind: 'unexpected_response', attempts: out.attempts, retryable: false, mayHaveBeenSent: true, requestId, message }, requestId, rateLimit };
}
