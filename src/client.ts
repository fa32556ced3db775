import { type PlainClientOptions, callOptionIssues, fetchCostsPerSignal, normaliseOptions } from './config.js';
import { type InvalidInputError, invalidInput } from './errors.js';
import { type GetThreadResult, getThread } from './get-thread.js';
import { RateLimitGate } from './rate-limit.js';
import { type KeyGuard, type ReplyOptions, type ReplyToThreadResult, replyToThread } from './reply-to-thread.js';
import type { Policy, Sender } from './request.js';
import { mayHold, redact } from './redact.js';
import type { Result } from './result.js';
import { ThreadDirectory } from './thread-cache.js';
import { Transport } from './transport.js';
import type { ReplyToThreadInput } from './validation.js';

/** Shared by every call made without options (read only). */
const NO_OPTIONS: ReplyOptions = Object.freeze({});

/** Per-call options of the lookups. */
export type CallOptions = Omit<ReplyOptions, 'thread'>;

/**
 * A client for Plain's GraphQL API. Build one and keep it: it remembers thread channels and paces itself
 * against Plain's rate limit. Its methods never reject: they resolve to `{ ok: true, data }` or `{ ok: false, error }`.
 */
export class PlainClient {
  readonly #sender: Sender;
  readonly #threads: ThreadDirectory;
  readonly #defaults: Policy;
  /** Keeps the API key out of results; absent when the client has no key. */
  readonly #guard: KeyGuard | undefined;

  constructor(options: PlainClientOptions) {
    const config = normaliseOptions(options);
    const key = config.apiKey;
    this.#guard = key === undefined ? undefined : { mayHold: (value) => mayHold(value, key), seal: (result) => redact(result, key) };
    this.#defaults = { timeoutMs: config.timeoutMs, maxRetries: config.maxRetries, maxRetryDelayMs: config.maxRetryDelayMs };
    this.#sender = {
      transport: new Transport({
        url: config.apiUrl,
        headers: config.headers,
        fetch: options.fetch,
        credentials: options.credentials,
        signalEveryRequest: !fetchCostsPerSignal(),
        secret: config.apiKey,
      }),
      gate: options.paceRequests === false ? undefined : new RateLimitGate(),
      // Hook events are built from what the transport returns, already without the key.
      onRequest: options.onRequest,
      onResponse: options.onResponse,
    };
    this.#threads = new ThreadDirectory(this.#sender, config.threadCacheSize);
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
    let pending: Promise<ReplyToThreadResult>;
    try {
      const given = options ?? NO_OPTIONS;
      const policy = this.#policy(given);
      if ('kind' in policy) return Promise.resolve({ ok: false, error: policy });
      pending = replyToThread(this.#sender, this.#threads, input, given, policy, this.#guard);
    } catch (error) {
      return Promise.reject(error);
    }
    // Not being an `async` method spares every reply a promise step, about 1 % on loopback: the key is kept out of the
    // result by the transport and by the pipeline's guard.
    return pending;
  }

  /** Looks a thread up by id: its ref, title, channel, status and customer id. */
  async getThread(threadId: string, options?: CallOptions | null): Promise<GetThreadResult> {
    const policy = this.#policy(options ?? NO_OPTIONS);
    if ('kind' in policy) return { ok: false, error: policy };
    return this.#remember(await getThread(this.#sender, { threadId }, policy), threadId);
  }

  /** Looks a thread up by its reference, such as `T-123`. */
  async getThreadByRef(ref: string, options?: CallOptions | null): Promise<GetThreadResult> {
    const policy = this.#policy(options ?? NO_OPTIONS);
    if ('kind' in policy) return { ok: false, error: policy };
    return this.#remember(await getThread(this.#sender, { ref }, policy));
  }

  /** The call's policy, or `invalid_input` (nothing sent) for a per-call option the client options would refuse. */
  #policy(options: CallOptions): Policy | InvalidInputError {
    if (options.timeoutMs === undefined && options.maxRetries === undefined && options.signal === undefined) return this.#defaults;
    const issues = callOptionIssues(options);
    if (issues.length > 0) return invalidInput(issues);
    return { ...this.#defaults, ...definedOnly(options) };
  }

  #remember(result: GetThreadResult, threadId?: string): GetThreadResult {
    if (result.ok) this.#threads.remember(result.data.id, result.data.channel);
    else if (threadId !== undefined && result.error.kind === 'thread_not_found') this.#threads.forget(threadId);
    return this.#seal(result);
  }

  /** Whatever the server echoed (in an error, a request id, a thread's title...), the key leaves in no result. */
  #seal<R extends Result<unknown>>(result: R): R {
    return this.#guard ? this.#guard.seal(result) : result;
  }
}

function definedOnly({ timeoutMs, maxRetries, signal }: CallOptions): Partial<Policy> {
  const out: Partial<Policy> = { signal };
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (maxRetries !== undefined) out.maxRetries = maxRetries;
  return out;
}
