import type { ConfirmReplyOptions, ConfirmSettings } from './confirm-options.js';
import type { InputIssue } from './errors.js';
import type { RequestEvent, ResponseEvent } from './send.js';
import type { PlainStore, StoreErrorEvent } from './store.js';
import { USER_AGENT } from './version.js';

/** Plain's GraphQL endpoint (UK region, the only one Plain documents). */
export const PLAIN_API_URL = 'https://core-api.uk.plain.com/graphql/v1';

export interface PlainClientOptions {
  /** A Plain API key (`plainApiKey_…`), sent as `Authorization: Bearer`. Leave it out when `apiUrl` is your own backend proxy. */
  apiKey?: string;
  /** Where to send requests. @default 'https://core-api.uk.plain.com/graphql/v1' */
  apiUrl?: string;
  /** A fetch implementation. @default globalThis.fetch, looked up on every request */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. your proxy's own auth). */
  headers?: Record<string, string>;
  /** `credentials` for fetch, e.g. `'include'` to send your backend's cookies from a browser. */
  credentials?: RequestInit['credentials'];
  /** Per-attempt timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Retries after a failure that is safe to retry (see README, "Retries"). `0` disables them. @default 2 */
  maxRetries?: number;
  /** Longest wait before a retry, or for the rate-limit budget, in milliseconds; a longer one fails instead. @default 60000 */
  maxRetryDelayMs?: number;
  /** Threads whose channel is cached (least recently used out). `0` turns the thread cache off. @default 1000 */
  threadCacheSize?: number;
  /** The largest answer read, in bytes (after decompression); a larger one is cancelled and reported. @default 4194304 (4 MiB) */
  maxResponseBytes?: number;
  /**
   * Pace requests against Plain's rate limit (`x-ratelimit-*`) instead of sending them into 429s. On by default with an
   * `apiKey`; off without one, when requests go to your own backend, which owns the workspace's budget.
   * @default apiKey !== undefined
   */
  paceRequests?: boolean;
  /** Allow an `apiKey` in a browser. Anyone who can open the page can read the key: proxy through your backend instead. @default false */
  dangerouslyAllowBrowser?: boolean;
  /** Called before each HTTP attempt. Never given the key or the message body. */
  onRequest?: (event: RequestEvent) => void;
  /** Called after each HTTP attempt. */
  onResponse?: (event: ResponseEvent) => void;
  /**
   * Exactly-once replies: after a failure flagged `mayHaveBeenSent`, `replyToThread` looks the reply up on the thread's
   * timeline and resolves `ok` when it landed, or sends it again when it did not (see README, "Exactly-once replies").
   * `true` takes the defaults; per call, `{ confirm }` overrides it. @default false
   */
  confirmReplies?: boolean | ConfirmReplyOptions;
  /**
   * A store shared by the backend's processes (`createRedisStore` from `plain-client/redis`): one rate-limit budget and
   * one memory of thread channels for all of them. When it fails or is slow, the client does without it for a moment.
   * @default none: each client paces itself and remembers threads on its own
   */
  store?: PlainStore;
  /** Longest wait for one call to the `store`, in milliseconds; past it the client goes on without the store. @default 250 */
  storeTimeoutMs?: number;
  /** Called when a call to the `store` failed or timed out (the client went on without it). Never given a secret. */
  onStoreError?: (event: StoreErrorEvent) => void;
}

// A page, or a web worker. Cloudflare Workers also run in a "ServiceWorkerGlobalScope", but on a server: they say so in
// navigator.userAgent, and a key is safe there.
const isBrowserLike = () =>
  (typeof window === 'object' && typeof (window as { document?: unknown }).document === 'object') ||
  (typeof self === 'object' &&
    /WorkerGlobalScope/.test(String((self as { constructor?: { name?: string } }).constructor?.name)) &&
    (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers');

/** A whole number >= min, or Infinity. NaN fails: `attempt > NaN` is never true, so it would mean endless retries. */
export const isWhole = (value: unknown, min: number) =>
  typeof value === 'number' && value >= min && (value === Infinity || Number.isInteger(value));

function whole(name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!isWhole(value, min) || value > max) {
    throw new RangeError(
      `PlainClient: ${name} must be a whole number >= ${min}${max < Infinity ? ` and <= ${max}` : ''}.`,
    );
  }
  return value;
}

/** What `confirm: true` means, and what a ConfirmReplyOptions leaves out. */
export const CONFIRM_DEFAULTS: ConfirmSettings = { settleMs: 1500, secondLookMs: 3000, sinceToleranceMs: 5000 };
/** Each confirm option's largest value: a timer's longest delay; the tolerance is findReply's `clockSkewMs` (5 min). */
export const CONFIRM_MAX: ConfirmSettings = {
  settleMs: 2 ** 31 - 1,
  secondLookMs: 2 ** 31 - 1,
  sinceToleranceMs: 300_000,
};

/** The client's `confirmReplies` as settings, undefined for off; a mistake throws, like every client option. */
function confirmSettings(given: boolean | ConfirmReplyOptions | undefined): ConfirmSettings | undefined {
  if (given === undefined || given === false) return undefined;
  if (given === true) return CONFIRM_DEFAULTS;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(
      'PlainClient: confirmReplies must be true, false or { settleMs?, secondLookMs?, sinceToleranceMs? }.',
    );
  }
  const settings = { ...CONFIRM_DEFAULTS };
  for (const field of Object.keys(settings) as (keyof ConfirmSettings)[]) {
    settings[field] = whole(`confirmReplies.${field}`, given[field], settings[field], 0, CONFIRM_MAX[field]);
  }
  return settings;
}

/**
 * What is wrong with a call's `signal`, `timeoutMs` and `maxRetries` (the client's defaults filled in where the call
 * left them out), by the same rule as the client options.
 */
export function callOptionIssues(options: { timeoutMs: number; maxRetries: number; signal?: unknown }): InputIssue[] {
  const issues: InputIssue[] = [];
  const { signal } = options;
  if (signal !== undefined && typeof (signal as AbortSignal | null)?.addEventListener !== 'function') {
    issues.push({ path: 'options.signal', message: 'must be an AbortSignal' });
  }
  if (!isWhole(options.timeoutMs, 1))
    issues.push({ path: 'options.timeoutMs', message: 'must be a whole number >= 1' });
  if (!isWhole(options.maxRetries, 0))
    issues.push({ path: 'options.maxRetries', message: 'must be a whole number >= 0' });
  return issues;
}

/** An API key fit for an Authorization header: printable ASCII, no spaces or line breaks (which would split headers). */
export const isUsableApiKey = (key: unknown): key is string => typeof key === 'string' && /^[\x21-\x7e]+$/.test(key);

/** Checks the options once and fills in the defaults. Throws only for mistakes in the code that builds the client. */
export function normaliseOptions(options: PlainClientOptions) {
  const { apiKey, apiUrl = PLAIN_API_URL } = options;
  if (apiKey !== undefined && !isUsableApiKey(apiKey)) {
    throw new TypeError('PlainClient: apiKey must be a non-empty string without spaces or line breaks.');
  }
  if (apiKey === undefined && apiUrl === PLAIN_API_URL) {
    throw new TypeError(
      'PlainClient: apiKey is required to call Plain directly (create one under Settings → Machine users), unless apiUrl is your own backend proxy.',
    );
  }
  if (options.store !== undefined && typeof options.store?.takeBudget !== 'function') {
    throw new TypeError('PlainClient: store must be a PlainStore (see plain-client/redis).');
  }
  const inBrowser = isBrowserLike();
  if (apiKey !== undefined && !options.dangerouslyAllowBrowser && inBrowser) {
    throw new Error(
      'PlainClient: refusing to use an apiKey in a browser: anyone who opens the page could read it and act as your workspace. ' +
        'Use your own backend (createPlainProxy from plain-client/proxy), or dangerouslyAllowBrowser: true if the page is not public.',
    );
  }
  // A relative apiUrl (your own backend, '/api/plain') is resolved against the page's address, where there is one.
  let url: string;
  try {
    url = new URL(apiUrl, (globalThis as { location?: { href?: string } }).location?.href).href;
  } catch {
    throw new TypeError("PlainClient: apiUrl must be an absolute URL, or in a browser a path on the page's origin.");
  }
  // Names folded to lower case, so that a caller's `Content-Type` replaces ours instead of joining it ("a, b"). Answers
  // are asked for uncompressed (fetch still inflates one that comes compressed, and the size cap counts inflated bytes).
  const headers: Record<string, string> = { 'content-type': 'application/json', 'accept-encoding': 'identity' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  // To Plain, the client names itself in `user-agent`, as Plain's own SDK does. A caller's user agent keeps its place,
  // with ours after it. Not without a key (the requests go to your own backend) nor in a browser, whose user agent is
  // its own.
  if (apiKey !== undefined) {
    const theirs = headers['user-agent'];
    if (!inBrowser) headers['user-agent'] = theirs ? `${theirs} ${USER_AGENT}` : USER_AGENT;
    headers.authorization = `Bearer ${apiKey}`;
  }
  return {
    apiKey,
    apiUrl: url,
    confirmReplies: confirmSettings(options.confirmReplies),
    headers,
    timeoutMs: whole('timeoutMs', options.timeoutMs, 30_000, 1),
    maxRetries: whole('maxRetries', options.maxRetries, 2, 0),
    maxRetryDelayMs: whole('maxRetryDelayMs', options.maxRetryDelayMs, 60_000, 0),
    threadCacheSize: whole('threadCacheSize', options.threadCacheSize, 1000, 0),
    maxResponseBytes: whole('maxResponseBytes', options.maxResponseBytes, 4 * 1024 * 1024, 1),
    storeTimeoutMs: whole('storeTimeoutMs', options.storeTimeoutMs, 250, 1),
  };
}
