import { callOptionIssues, normaliseOptions, type PlainClientOptions } from './config.js';
import type { ConfirmSettings } from './confirm-options.js';
import { type InputIssue, type InvalidInputError, invalidInput, type PlainError } from './errors.js';
import type { UpdateThreadAgentStatusInput } from './operations/agent-status.js';
import type { AssignThreadInput, UnassignThreadInput } from './operations/assignment.js';
import type { UploadAttachmentInput, UploadAttachmentResult } from './operations/attachments.js';
import type { GetCustomerInput, GetCustomerResult } from './operations/customer.js';
import type { FindReplyInput, FindReplyResult } from './operations/find-reply.js';
import type { HandOffInput, HandOffResult } from './operations/hand-off.js';
import type { AddLabelsInput, AddLabelsResult, RemoveLabelsInput } from './operations/labels.js';
import type { GetMyMachineUserResult } from './operations/machine-user.js';
import type { CreateNoteInput, CreateNoteResult } from './operations/note.js';
import type { Call } from './operations/pipeline.js';
import type {
  MarkThreadAsDoneInput,
  MarkThreadAsTodoInput,
  SnoozeThreadInput,
  ThreadResult,
} from './operations/thread-status.js';
import type { GetThreadByExternalIdInput, ListThreadsInput, ListThreadsResult } from './operations/threads.js';
import type { GetTimelineInput, GetTimelineResult } from './operations/timeline.js';
import { type GetThreadResult, getThread } from './operations.js';
import { type ReplyOptions, type ReplyToThreadResult, replyToThread } from './reply-to-thread.js';
import type { RequestDocument, RequestOptions, TypedDocument } from './request.js';
import type { Result } from './result.js';
import type { Policy, Sender } from './send.js';
import { ThreadCache } from './thread-cache.js';
import { loadRedaction } from './transport.js';
import type { KnownThread, ReplyToThreadInput } from './validation.js';

/** Per-call options of the lookups. */
export type CallOptions = Omit<ReplyOptions, 'thread' | 'confirm'>;

// What follows a reply, the lookups and the timeline. Each of these methods loads its operation's module when first
// called (see CONTRIBUTING.md), so that a page using only replyToThread and getThread does not load them. They are
// declared here, with their documentation, and defined in the class's static block from FORWARDS, a table of each
// method's module: one body for all of them, as a body each would repeat the method's name and its module's path in
// the code every page loads.
export interface PlainClient {
  /** Looks a thread up by its reference, such as `T-123`. */
  getThreadByRef(ref: string, options?: CallOptions | null): Promise<GetThreadResult>;

  /** Marks a thread as done. A state change: retried on transient failures (5xx, timeouts, lost connections, 429). */
  markThreadAsDone(input: MarkThreadAsDoneInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Marks a thread as todo. A state change: retried on transient failures. */
  markThreadAsTodo(input: MarkThreadAsTodoInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Snoozes a thread for `durationSeconds`, or until the customer replies (`statusDetail: 'WAITING_FOR_CUSTOMER'`). */
  snoozeThread(input: SnoozeThreadInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Assigns a thread to exactly one of a user (`userId`) or a machine user (`machineUserId`). */
  assignThread(input: AssignThreadInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Takes a thread's assignee away. */
  unassignThread(input: UnassignThreadInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Adds labels by **label type** id (`lt_…`); resolves with the labels (their own ids, for `removeLabels`). */
  addLabels(input: AddLabelsInput, options?: CallOptions | null): Promise<AddLabelsResult>;

  /** Removes labels by **label** id (`l_…`), not by label type id. */
  removeLabels(input: RemoveLabelsInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Sets what an automated agent is doing with the thread: `IN_PROGRESS`, `HANDED_OFF` or `HANDLED`. */
  updateThreadAgentStatus(input: UpdateThreadAgentStatusInput, options?: CallOptions | null): Promise<ThreadResult>;

  /** Creates an internal note. It creates something, so like a reply it is retried only when it certainly did not run. */
  createNote(input: CreateNoteInput, options?: CallOptions | null): Promise<CreateNoteResult>;

  /** Hands a thread to humans: note → `HANDED_OFF` → unassign → todo, stopping at the first step that fails. */
  handOff(input: HandOffInput, options?: CallOptions | null): Promise<HandOffResult>;

  /**
   * Uploads a file for a thread's customer (or a customer) and resolves with its `attachmentId`, for a reply's or a
   * note's `attachmentIds`. Refuses locally, with nothing sent, an empty file, one of unknown size, a banned extension,
   * a file over its attachment type's limit and a blank name. See README, "Files".
   */
  uploadAttachment(input: UploadAttachmentInput, options?: CallOptions | null): Promise<UploadAttachmentResult>;

  /** Looks a thread up by the customer and your own id for it (`externalId`). */
  getThreadByExternalId(input: GetThreadByExternalIdInput, options?: CallOptions | null): Promise<GetThreadResult>;

  /** Looks a customer up by exactly one of `customerId`, `email` or `externalId`; `data` is `null` when there is none. */
  getCustomer(input: GetCustomerInput, options?: CallOptions | null): Promise<GetCustomerResult>;

  /** One page of threads (Plain's `ThreadsFilter`, `first`, `after`) and the cursor of the next. */
  listThreads(input: ListThreadsInput, options?: CallOptions | null): Promise<ListThreadsResult>;

  /**
   * One page of a thread's timeline, **newest first**: `first`/`after` go back in time from the newest entry,
   * `last`/`before` come forward from the oldest. `messagesOnly` leaves notes and status changes out.
   */
  getTimeline(input: GetTimelineInput, options?: CallOptions | null): Promise<GetTimelineResult>;

  /**
   * Whether a reply landed on the thread: a message by `author` (this key's machine user by default) at or after
   * `since`, whose text is `textContent` (whitespace aside). Reads the newest pages back to `since`, at most
   * `maxPages` of them. See README "Reading the conversation" for the exact rules.
   */
  findReply(input: FindReplyInput, options?: CallOptions | null): Promise<FindReplyResult>;
}

/** The methods of the interface above: the class defines each of them from its module in FORWARDS. */
type Forwarded = Exclude<
  keyof PlainClient,
  'replyToThread' | 'getThread' | 'getMyMachineUser' | 'threadPages' | 'timelinePages' | 'request'
>;

/** A method's module: it exports a function of the method's name that takes the call, then the method's input. */
type ModuleOf<M extends Forwarded> = () => Promise<{
  [K in M]: (call: Call, input: Parameters<PlainClient[K]>[0]) => ReturnType<PlainClient[K]>;
}>;

const threads = () => import('./operations/threads.js');
// The methods for a backend go through one module that names theirs (src/operations/backend.ts).
const backend = () => import('./operations/backend.js');

/** What a module exports for a method of the interface above: `(call, input)` to the method's result. */
type Forward = (call: Call, input: unknown) => Promise<Result<unknown>>;

/** Each method the class forwards to an operation's module, and the module. */
const FORWARDS: { [M in Forwarded]: ModuleOf<M> } = {
  getThreadByRef: threads,
  markThreadAsDone: backend,
  markThreadAsTodo: backend,
  snoozeThread: backend,
  assignThread: backend,
  unassignThread: backend,
  addLabels: backend,
  removeLabels: backend,
  updateThreadAgentStatus: backend,
  createNote: backend,
  handOff: backend,
  uploadAttachment: () => import('./operations/attachments.js'),
  getThreadByExternalId: threads,
  getCustomer: backend,
  listThreads: threads,
  getTimeline: () => import('./operations/timeline.js'),
  findReply: () => import('./operations/find-reply.js'),
};

/**
 * A client for Plain's GraphQL API. Build one and keep it: it caches thread channels and paces itself against
 * Plain's rate limit. Its methods never reject: they resolve to `{ ok: true, data }` or `{ ok: false, error }`.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are defined from FORWARDS, whose type lists each of them.
export class PlainClient {
  readonly #sender: Sender;
  readonly #threads: ThreadCache;
  readonly #defaults: Policy;
  readonly #apiKey: string | undefined;
  /** The client's `confirmReplies` settings; undefined when replies are not confirmed by default. */
  readonly #confirm: ConfirmSettings | undefined;

  constructor(options: PlainClientOptions) {
    const config = normaliseOptions(options);
    this.#apiKey = config.apiKey;
    this.#confirm = config.confirmReplies;
    this.#defaults = {
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      maxRetryDelayMs: config.maxRetryDelayMs,
    };
    this.#sender = {
      transport: {
        url: config.apiUrl,
        headers: config.headers,
        fetch: options.fetch,
        credentials: options.credentials,
        apiKey: config.apiKey,
        maxResponseBytes: config.maxResponseBytes,
      },
      onRequest: options.onRequest,
      onResponse: options.onResponse,
    };
    const { store } = options;
    // With a store shared by the backend's processes, its budget and channel memory (src/store-gate.ts).
    const shared =
      store && loadOnce(() => import('./store-gate.js').then((module) => module.sharedState(store, config, options)));
    if (options.paceRequests ?? config.apiKey !== undefined) {
      this.#sender.pacing = loadOnce(() => import('./pacing.js').then((module) => module.pacingOf(shared)));
    }
    if (shared) this.#sender.channels = async () => (await shared()).channels;
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
    return this.#run(
      options,
      ({ sender, threads, thread, policy, confirm, confirmOption }) =>
        replyToThread(sender, threads, { input, thread, policy, confirm, confirmOption }),
      { withThread: true },
    );
  }

  /** Looks a thread up by id: its ref, title, channel, status and customer id. */
  getThread(threadId: string, options?: CallOptions | null): Promise<GetThreadResult> {
    return this.#run(options, async (call) => {
      const result = await getThread(call.sender, { threadId }, call.policy);
      if (result.ok) this.#threads.set(result.data.id, result.data.channel);
      else if (result.error.kind === 'thread_not_found') this.#threads.delete(threadId);
      return result;
    });
  }

  // The methods of the interface above: `plain.getTimeline(input, options)` runs `getTimeline(call, input)` of
  // './operations/timeline.js' with the call's policy, as `#run` runs every operation. Defined as the class body
  // defines a method: on the prototype, not enumerable.
  static {
    for (const [name, load] of Object.entries(FORWARDS)) {
      Object.defineProperty(PlainClient.prototype, name, {
        writable: true,
        configurable: true,
        value(this: PlainClient, input: unknown, options?: CallOptions | null) {
          return this.#run(options, async (call) =>
            (((await load()) as Record<string, unknown>)[name] as Forward)(call, input),
          );
        },
      });
    }
  }

  /** Every page of threads from `input.after` on, one request at a time; a failed page is the last one yielded. */
  async *threadPages(
    input: ListThreadsInput = {},
    options?: CallOptions | null,
  ): AsyncGenerator<ListThreadsResult, void, undefined> {
    yield* (await threads()).threadPages((page) => this.listThreads(page, options), input);
  }

  /** The machine user this API key acts as (so a bot can skip its own messages); `data` is `null` for other keys. */
  getMyMachineUser(options?: CallOptions | null): Promise<GetMyMachineUserResult> {
    return this.#run(options, async (call) => (await backend()).getMyMachineUser(call));
  }

  /** Every page of a thread's timeline from the input's cursor on, one request at a time; a failed page ends it. */
  async *timelinePages(
    input: GetTimelineInput,
    options?: CallOptions | null,
  ): AsyncGenerator<GetTimelineResult, void, undefined> {
    yield* (await import('./operations/timeline.js')).timelinePages((page) => this.getTimeline(page, options), input);
  }

  /**
   * Sends any query or mutation of Plain's API: a string, codegen's `TypedDocumentString` or a `DocumentNode`
   * (`data` is typed from a typed document). Queries are retried like lookups, mutations only when they certainly
   * did not run; a MutationError in the payload becomes the same error kinds as `replyToThread`'s.
   */
  request<TData, TVariables>(
    document: TypedDocument<TData, TVariables> & RequestDocument,
    variables?: TVariables,
    options?: RequestOptions | null,
  ): Promise<Result<TData>>;
  request(
    document: RequestDocument,
    variables?: Record<string, unknown> | null,
    options?: RequestOptions | null,
  ): Promise<Result<Record<string, unknown>>>;
  request(document: RequestDocument, variables?: unknown, options?: RequestOptions | null): Promise<Result<unknown>> {
    return this.#run(options, async (call) => (await backend()).request(call, document, variables, options));
  }

  /**
   * Runs a method's body with the call: the client's sender and thread cache and the call's policy (and, for a reply,
   * its `thread` and `confirm`); options the client refuses resolve to `invalid_input`, nothing sent. Never rejects.
   */
  #run<R extends Result<unknown>>(
    options: ReplyOptions | null | undefined,
    body: (call: ReplyCall) => Promise<R>,
    read: { withThread: boolean } = { withThread: false },
  ): Promise<R> {
    return neverRejecting(this.#apiKey, async () => {
      const call = this.#callOptions(options, read);
      return 'error' in call ? (call as R) : body(call);
    });
  }

  /**
   * The call: the client's defaults with the per-call options over them, and for a reply its `thread` option and its
   * `confirm` option as given; `invalid_input` for options the client would refuse. Options are read once, here: a
   * getter that throws is bad input.
   */
  #callOptions(
    options: ReplyOptions | null | undefined,
    read: { withThread: boolean },
  ): ReplyCall | { ok: false; error: InvalidInputError } {
    const defaults = this.#defaults;
    const call: ReplyCall = {
      sender: this.#sender,
      threads: this.#threads,
      policy: defaults,
      confirm: read.withThread ? this.#confirm : undefined,
    };
    if (options === undefined || options === null) return call;
    let issues: InputIssue[] = [{ path: 'options', message: 'must be an object' }];
    if (typeof options === 'object') {
      try {
        // An option left out (undefined) keeps the client's default.
        const { signal, timeoutMs = defaults.timeoutMs, maxRetries = defaults.maxRetries, thread } = options;
        call.policy = { ...defaults, signal, timeoutMs, maxRetries };
        issues = callOptionIssues(call.policy);
        if (read.withThread) {
          if (thread !== undefined) {
            const { id, channel } = thread;
            call.thread = { id, channel };
            if (typeof id !== 'string' || typeof channel !== 'string')
              issues.push({ path: 'options.thread', message: 'must be { id, channel }' });
          }
          // Checked by replyToThread, which loads src/confirm-options.ts only when a call gives one.
          call.confirmOption = options.confirm;
        }
      } catch {
        issues = [{ path: 'options', message: 'could not be read (a property threw)' }];
      }
    }
    return issues.length > 0 ? { ok: false, error: invalidInput(issues) } : call;
  }
}

/** One call's sender, thread cache and policy, and a reply's `thread` and `confirm` options. */
type ReplyCall = Call & { thread?: KnownThread; confirm: ConfirmSettings | undefined; confirmOption?: unknown };

/**
 * Runs a method's body so that the method never rejects: a failure nobody foresaw (a bug, a hostile value no check
 * caught) still resolves to a typed result. The result leaves without the key, even where it echoes the caller's input.
 */
async function neverRejecting<R extends Result<unknown>>(
  apiKey: string | undefined,
  body: () => Promise<R>,
): Promise<R> {
  try {
    const result = await body();
    return apiKey === undefined ? result : (await loadRedaction()).redactResult(result, apiKey);
  } catch {
    const error: PlainError = {
      kind: 'unexpected_response',
      attempts: 0,
      retryable: false,
      message: 'plain-client failed unexpectedly; please report it.',
    };
    return { ok: false, error } as R;
  }
}

/**
 * Loads something on first use, once: the rate-limit gate's module is loaded on the first request, so a client that
 * does not pace itself (a browser's, talking to your backend) never loads it; likewise the store's.
 */
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
