import { type PlainClientOptions, callOptionIssues, normaliseOptions } from './config.js';
import { type InputIssue, type InvalidInputError, type PlainError, invalidInput } from './errors.js';
import { type GetThreadResult, type ThreadKey, getThread } from './get-thread.js';
import { RateLimitGate } from './rate-limit.js';
import { redactResult } from './redact.js';
import { type ReplyOptions, type ReplyToThreadResult, replyToThread } from './reply-to-thread.js';
import type { Result } from './result.js';
import type { Policy, Sender } from './send.js';
import { ThreadCache } from './thread-cache.js';
import type { KnownThread, ReplyToThreadInput } from './validation.js';

/** Per-call options of the lookups. */
export type CallOptions = Omit<ReplyOptions, 'thread'>;

/**
 * A client for Plain's GraphQL API. Build one and keep it: it caches thread channels and paces itself against
 * Plain's rate limit. Its methods never reject: they resolve to `{ ok: true, data }` or `{ ok: false, error }`.
 */
export class PlainClient {
  readonly #sender: Sender;
  readonly #threads: ThreadCache;
  readonly #defaults: Policy;
  readonly #apiKey: string | undefined;

  constructor(options: PlainClientOptions) {
    const config = normaliseOptions(options);
    this.#apiKey = config.apiKey;
    this.#defaults = { timeoutMs: config.timeoutMs, maxRetries: config.maxRetries, maxRetryDelayMs: config.maxRetryDelayMs };
    this.#sender = {
      transport: {
        url: config.apiUrl,
        headers: config.headers,
        fetch: options.fetch,
        credentials: options.credentials,
        apiKey: config.apiKey,
        maxResponseBytes: config.maxResponseBytes,
      },
      gate: options.paceRequests === false ? undefined : new RateLimitGate(),
      onRequest: options.onRequest,
      onResponse: options.onResponse,
    };
    this.#threads = new ThreadCache(this.#sender, config.threadCacheSize);
  }

  /**
   * Replies to a thread, optionally as a customer and, on EMAIL/API threads, with Cc and Bcc.
   * Refuses locally, with nothing sent, what Plain would refuse: bad input, a channel Plain does not reply on,
   * impersonation or Cc/Bcc where the channel does not allow them.
   * @example
   * const result = await plain.replyToThread({ threadId: 'th_01…', textContent: 'Thanks, fixed!' });
   * if (!result.ok) console.error(result.error.kind, result.error.message);
   */
  replyToThread(input: ReplyToThreadInput, options?: ReplyOptions | null): Promise<ReplyToThreadResult> {
    return neverRejecting(this.#apiKey, async () => {
      const call = this.#callOptions(options, { withThread: true });
      if ('kind' in call) return { ok: false, error: call };
      return replyToThread(this.#sender, this.#threads, { input, thread: call.thread, policy: call.policy });
    });
  }

  /** Looks a thread up by id: its ref, title, channel, status and customer id. */
  getThread(threadId: string, options?: CallOptions | null): Promise<GetThreadResult> {
    return this.#lookUp({ threadId }, options);
  }

  /** Looks a thread up by its reference, such as `T-123`. */
  getThreadByRef(ref: string, options?: CallOptions | null): Promise<GetThreadResult> {
    return this.#lookUp({ ref }, options);
  }

  #lookUp(key: ThreadKey, options: CallOptions | null | undefined): Promise<GetThreadResult> {
    return neverRejecting(this.#apiKey, async () => {
      const call = this.#callOptions(options, { withThread: false });
      if ('kind' in call) return { ok: false, error: call };
      const result = await getThread(this.#sender, key, call.policy);
      if (result.ok) this.#threads.set(result.data.id, result.data.channel);
      else if ('threadId' in key && result.error.kind === 'thread_not_found') this.#threads.delete(key.threadId);
      return result;
    });
  }

  /**
   * The call's policy (the client's defaults with the per-call options over them) and its `thread` option, or
   * `invalid_input` for options the client would refuse. Options are read once, here: a getter that throws is bad input.
   */
  #callOptions(
    options: ReplyOptions | null | undefined,
    read: { withThread: boolean },
  ): { policy: Policy; thread: KnownThread | undefined } | InvalidInputError {
    if (options === undefined || options === null) return { policy: this.#defaults, thread: undefined };
    let given: ReplyOptions;
    try {
      if (typeof options !== 'object') return invalidInput([{ path: 'options', message: 'must be an object' }]);
      const { signal, timeoutMs, maxRetries, thread } = options;
      given = { signal, timeoutMs, maxRetries, thread: read.withThread ? thread : undefined };
      if (given.thread !== undefined) {
        const { id, channel } = given.thread;
        given.thread = { id, channel };
      }
    } catch {
      return invalidInput([{ path: 'options', message: 'could not be read (a property threw)' }]);
    }
    const issues: InputIssue[] = callOptionIssues(given);
    const { thread } = given;
    if (thread !== undefined && (typeof thread.id !== 'string' || typeof thread.channel !== 'string')) {
      issues.push({ path: 'options.thread', message: 'must be { id, channel }' });
    }
    if (issues.length > 0) return invalidInput(issues);
    const policy: Policy = { ...this.#defaults };
    if (given.signal !== undefined) policy.signal = given.signal;
    if (given.timeoutMs !== undefined) policy.timeoutMs = given.timeoutMs;
    if (given.maxRetries !== undefined) policy.maxRetries = given.maxRetries;
    return { policy, thread };
  }
}

/**
 * Runs a method's body so that the method never rejects: a failure nobody foresaw (a bug, a hostile value no check
 * caught) still resolves to a typed result. The result leaves without the key, even where it echoes the caller's input.
 */
async function neverRejecting<R extends Result<unknown>>(apiKey: string | undefined, body: () => Promise<R>): Promise<R> {
  try {
    return redactResult(await body(), apiKey);
  } catch {
    const error: PlainError = {
      kind: 'unexpected_response',
      attempts: 0,
      retryable: false,
      message: 'plain-client failed unexpectedly while handling this call; please report it.',
    };
    return { ok: false, error } as R;
  }
}
