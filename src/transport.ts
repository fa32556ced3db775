import type { PlainError } from './errors.js';
import { MAY_HAVE_BEEN_SENT, permissionIn } from './errors.js';
import { type GateAnswer, readRateLimit, retryAfterMs } from './rate-limit.js';
import { Deadlines } from './deadlines.js';
import { type Operation, bodyOf } from './operations.js';
import { redact } from './redact.js';
import { MAX_DELAY } from './sleep.js';
import type { RateLimitInfo } from './result.js';

export interface TransportConfig {
  url: string;
  /** Sent on every request (names in lower case), with `content-type` unless given. */
  headers: Record<string, string>;
  fetch?: typeof fetch;
  credentials?: RequestCredentials;
  /** Give every timed request an abort signal, not only after a timeout (see `Transport.attempt`). */
  signalEveryRequest?: boolean;
  /**
   * The API key: removed from everything an answer brings in, before anything else (results, hooks) sees it. Absent
   * when requests go to the caller's own backend, which changes the wording of errors.
   */
  secret?: string;
}

/** What one HTTP attempt produced. */
export type Attempt<T> =
  | { ok: true; data: T; status: number; attempts: number; requestId?: string; rateLimit?: RateLimitInfo }
  | {
      ok: false;
      error: PlainError;
      /** True when the request certainly never reached Plain (refused connection, DNS failure). */
      notSent: boolean;
      rateLimit?: RateLimitInfo;
    };

const TIMEOUT = Symbol('timeout');
const NO_ERRORS: readonly GraphQLErrorEntry[] = [];
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Node's fetch puts the socket error's code on `cause` (or on each of an AggregateError's `errors`). */
function connectionNeverOpened(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** Any value as text, for a message: never throws (a Symbol, or an object whose toString is broken, would). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A plain copy of a fetch error: name, message, code and its causes, a few levels deep. The original may hold the
 * request it failed on (a fetch wrapper's own error often does), and so the Authorization header.
 */
function plainCause(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  const copy: { name: string; message: string; code?: string; cause?: unknown; errors?: unknown[] } = {
    name: asText(e.name ?? 'Error'),
    message: asText(e.message ?? ''),
  };
  if (typeof e.code === 'string') copy.code = e.code;
  if (depth < 3 && e.cause !== undefined) copy.cause = plainCause(e.cause, depth + 1);
  if (depth < 3 && Array.isArray(e.errors)) copy.errors = e.errors.slice(0, 5).map((x) => plainCause(x, depth + 1));
  return copy;
}

const requestIdOf = (headers: Headers | undefined) =>
  headers?.get('apigw-requestid') ?? headers?.get('x-request-id') ?? undefined;

type GraphQLErrorEntry = { message?: unknown; path?: unknown; extensions?: { code?: unknown } };

/** How one HTTP exchange ended: never a rejection. */
type Exchange =
  | { stage: 'fetch'; error: unknown }
  | { stage: 'body'; response: Response; error: unknown }
  | { stage: 'answered'; response: Response; text: string };

/** What a body said, when it is a GraphQL result (an object with `data` and/or an `errors` list). */
type GraphQLResult = { data?: unknown; errors?: GraphQLErrorEntry[] };

function graphQLResultIn(text: string): GraphQLResult | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (errors !== undefined && !Array.isArray(errors)) return undefined;
  if (data !== undefined && (typeof data !== 'object' || Array.isArray(data))) return undefined;
  if (data === undefined && errors === undefined) return undefined;
  return body as GraphQLResult;
}

/** A failure with no answer to go by: for a mutation, flagged as one that may have run, and said so. */
function unsure<T, V>(op: Operation<T, V>, what: { kind: 'timeout'; timeoutMs: number } | { kind: 'unexpected_response' }, said: string): Attempt<T> {
  const message = `${op.name} ${said}${op.mutation ? MAY_HAVE_BEEN_SENT : ''}`;
  const error: PlainError = { ...what, attempts: 1, retryable: false, ...(op.mutation ? { mayHaveBeenSent: true as const } : {}), message };
  return { ok: false, error, notSent: false };
}

/**
 * How long after a timeout every attempt hands fetch an abort signal of its own (see `attempt`).
 * Five minutes: a stall rarely lasts less, and for its whole length each stalled request is then closed on time.
 */
export const ABORTABLE_AFTER_TIMEOUT_MS = 5 * 60_000;

/**
 * Sends one GraphQL request with fetch and classifies whatever happens. The one module that talks to the network.
 *
 * It posts `{ query, variables, operationName }` itself rather than through graphql-request: on the warm path of a
 * reply graphql-request alone cost 12 to 21 µs per call on loopback (7 to 12 % of a bare fetch, bench/PERFORMANCE.md),
 * and issue 5 allows the whole SDK 10 %. Nothing here parses a document: the operation's name is known at build time.
 */
export class Transport {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch | undefined;
  readonly #credentials: RequestCredentials | undefined;
  /** Until when (ms since epoch) attempts give fetch an abort signal even if the caller gave none. */
  #abortableUntil = 0;
  readonly #signalEveryRequest: boolean;
  readonly #secret: string | undefined;
  readonly #deadlines = new Deadlines();

  constructor(config: TransportConfig) {
    this.#url = config.url;
    this.#fetch = config.fetch;
    this.#credentials = config.credentials;
    this.#signalEveryRequest = config.signalEveryRequest ?? false;
    this.#secret = config.secret;
    // Three headers in all by default (authorization, content-type, user-agent): Node's fetch validates and copies
    // each header of each request, so there is no `accept` (Plain answers JSON whatever it says).
    this.#headers = { 'content-type': 'application/json', ...config.headers };
  }

  /**
   * One HTTP attempt: resolves with `finish(attempt)` within `timeoutMs`, `finish` being called exactly once.
   *
   * The timeout does not always need an abort signal. Handing one to Node 20's fetch costs 5 to 9 µs per request
   * (registration, a WeakRef and a FinalizationRegistry entry: the "abort signal" row of `npm run bench`),
   * 3 to 5 % of a loopback reply. So while no request has timed out, an attempt without a caller's signal races a
   * timer instead: it resolves as `timeout` on time, and the request it gave up on is left to end by itself
   * (its answer is read and dropped; Node's fetch gives up on a silent server after 5 minutes). Once an attempt
   * times out, every attempt for the next ABORTABLE_AFTER_TIMEOUT_MS gets a signal, so that during a stall each
   * request is closed at its deadline instead of holding a connection. A caller's signal always reaches fetch.
   * Outside Node (`signalEveryRequest`), where a signal costs next to nothing, every timed request has one.
   */
  attempt<T, V, R>(
    op: Operation<T, V>,
    variables: V,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    finish: (attempt: Attempt<T>, answer: GateAnswer) => R | PromiseLike<R>,
  ): Promise<R> {
    const body = bodyOf(op, variables);
    // setTimeout fires at once for delays past 2^31 - 1 ms (Infinity included): no timer is the honest "no timeout".
    const timed = timeoutMs <= MAX_DELAY;
    const abortable =
      signal !== undefined || (timed && (this.#signalEveryRequest || (this.#abortableUntil !== 0 && Date.now() < this.#abortableUntil)));
    const controller = abortable ? new AbortController() : undefined;
    let abort: (() => void) | undefined;
    if (signal) {
      abort = () => controller!.abort(signal.reason);
      // An 'abort' listener never fires for a signal that is already aborted (e.g. by an onRequest hook).
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort);
    }

    return new Promise<R>((resolve, reject) => {
      let settled = false;
      /**
       * Runs once, for whichever comes first: the answer or the timeout. A late answer is dropped. `keyFree` when the
       * attempt is already known to hold no trace of the key.
       */
      const settle = (attempt: Attempt<T>, answer: GateAnswer, keyFree = false) => {
        if (settled) return;
        settled = true;
        if (deadline) this.#deadlines.clear(deadline);
        if (abort) signal?.removeEventListener('abort', abort);
        try {
          // The trust boundary: a server (or a proxy, or a fetch error) that echoes the key gets it back nowhere.
          resolve(finish(keyFree || this.#secret === undefined ? attempt : redact(attempt, this.#secret), answer));
        } catch (error) {
          reject(error);
        }
      };
      const deadline = timed
        ? this.#deadlines.add(timeoutMs, () => {
            this.#abortableUntil = Date.now() + ABORTABLE_AFTER_TIMEOUT_MS;
            controller?.abort(TIMEOUT);
            settle(this.#timedOut(op, timeoutMs), { receivedAt: Date.now() });
          })
        : undefined;
      this.#exchange(body, controller?.signal, (exchange) => {
        if (settled) return; // a late answer after the timeout: not even classified
        let attempt: Attempt<T>;
        try {
          attempt = this.#classify(exchange, op, controller?.signal, timeoutMs);
        } catch {
          // An answer shaped so oddly that reading it threw: still one typed result, and the gate still hears back.
          attempt = this.#unreadable(op);
        }
        const response = exchange.stage === 'fetch' ? undefined : exchange.response;
        settle(attempt, { status: response?.status, headers: response?.headers, receivedAt: Date.now() }, attempt.ok && this.#keyFree(exchange, attempt.requestId));
      });
    });
  }

  /**
   * POSTs the body, reads the answer's text, and hands `done` how far that got; any failure is a value. Never throws.
   * Callbacks rather than an async function: every promise step between the socket and the caller adds about 1 % to a
   * loopback reply (six wrapping layers measured +4 to 7 %), and this chain has the two steps of a hand-written
   * `await fetch(...)` and `await response.json()`.
   */
  #exchange(body: string, signal: AbortSignal | undefined, done: (exchange: Exchange) => void): void {
    const init: RequestInit = { method: 'POST', headers: this.#headers, body };
    if (signal) init.signal = signal;
    if (this.#credentials) init.credentials = this.#credentials;
    let sent: Promise<Response>;
    try {
      // Resolved per call, so a fetch patched after construction (MSW, tests) is the one used. Called on globalThis:
      // a browser's fetch passed unbound (`fetch: window.fetch`) throws "Illegal invocation" otherwise.
      sent = Promise.resolve((this.#fetch ?? globalThis.fetch).call(globalThis, this.#url, init));
    } catch (error) {
      done({ stage: 'fetch', error });
      return;
    }
    sent.then(
      (response) => {
        let reading: Promise<string>;
        try {
          reading = Promise.resolve(response.text());
        } catch (error) {
          done({ stage: 'body', response, error });
          return;
        }
        reading.then(
          (text) => done({ stage: 'answered', response, text }),
          (error: unknown) => done({ stage: 'body', response, error }),
        );
      },
      (error: unknown) => done({ stage: 'fetch', error }),
    );
  }

  /**
   * Whether a successful answer certainly holds no trace of the key, known without walking what was parsed from it:
   * with no backslash in its text, every string JSON.parse makes is a slice of that text. (An escape such as `\u0070`
   * could spell the key out of other characters: such an answer gets the full walk.)
   */
  #keyFree(exchange: Exchange, requestId: string | undefined): boolean {
    const secret = this.#secret;
    if (secret === undefined || exchange.stage !== 'answered') return secret === undefined;
    const { text } = exchange;
    return !text.includes('\\') && !text.includes(secret) && !requestId?.includes(secret);
  }

  #unreadable<T, V>(op: Operation<T, V>): Attempt<T> {
    return unsure(op, { kind: 'unexpected_response' }, 'got an answer that could not be read.');
  }

  #timedOut<T, V>(op: Operation<T, V>, timeoutMs: number): Attempt<T> {
    return unsure(op, { kind: 'timeout', timeoutMs }, `got no answer within ${timeoutMs} ms.`);
  }

  #classify<T, V>(exchange: Exchange, op: Operation<T, V>, signal: AbortSignal | undefined, timeoutMs: number): Attempt<T> {
    const response = exchange.stage === 'fetch' ? undefined : exchange.response;
    const headers = response?.headers;
    const status = response?.status;
    const result = exchange.stage === 'answered' ? graphQLResultIn(exchange.text) : undefined;
    const ok = status !== undefined && status >= 200 && status < 300;
    const errors = result?.errors ?? NO_ERRORS;
    if (ok && result && errors.length === 0) {
      return { ok: true, data: result.data as T, status, attempts: 1, requestId: requestIdOf(headers), rateLimit: readRateLimit(headers, Date.now()) };
    }

    const base = { requestId: requestIdOf(headers), attempts: 1, retryable: false, ...(status ? { status } : {}) };
    const uncertain = op.mutation ? MAY_HAVE_BEEN_SENT : '';
    // For a mutation that reached Plain and got no clear answer: it may have run.
    const maybe = op.mutation ? { mayHaveBeenSent: true as const } : {};
    const rateLimit = readRateLimit(headers, Date.now());
    const fail = (e: PlainError, notSent = false): Attempt<T> => ({ ok: false, error: e, notSent, rateLimit });

    if (signal?.aborted && exchange.stage !== 'answered') {
      if (signal.reason === TIMEOUT) return this.#timedOut(op, timeoutMs);
      return fail({ ...base, ...maybe, kind: 'aborted', message: `${op.name} was aborted by the caller.${uncertain}` });
    }
    if (exchange.stage === 'fetch') {
      const { error } = exchange;
      const notSent = connectionNeverOpened(error);
      const why = asText((error as Error | undefined)?.message ?? 'fetch failed');
      return fail(
        { ...base, ...(notSent ? {} : maybe), kind: 'network', cause: plainCause(error), message: `${op.name} failed to reach Plain (${why}).${notSent ? '' : uncertain}` },
        notSent,
      );
    }
    if (exchange.stage === 'body') {
      const why = asText((exchange.error as Error | undefined)?.message ?? 'terminated');
      return fail({ ...base, ...maybe, kind: 'network', cause: plainCause(exchange.error), message: `${op.name} lost the connection while reading Plain's answer (HTTP ${status}, ${why}).${uncertain}` });
    }

    const codes = errors.map((e) => e?.extensions?.code);
    const serverMessage = errors.map((e) => asText(e?.message)).join('; ');
    const said = serverMessage ? `: ${serverMessage}` : '';
    if (status === 429 || codes.includes('RATE_LIMITED')) {
      const wait = retryAfterMs(headers, Date.now());
      return fail({ ...base, kind: 'rate_limited', retryAfterMs: wait, message: `Plain's rate limit was reached. Try again in ${Math.ceil(wait / 1000)} s.` }, true);
    }
    if (codes.includes('FORBIDDEN') || (status === 403 && !codes.includes('UNAUTHENTICATED'))) {
      return fail({
        ...base,
        kind: 'forbidden',
        ...permissionIn(serverMessage),
        message: `${this.#secret !== undefined ? 'The API key lacks a permission' : 'The server refused the request'}${said || ` (HTTP ${status})`}`,
      });
    }
    if (status === 401 || codes.includes('UNAUTHENTICATED')) {
      const who = this.#secret !== undefined ? 'Plain rejected the API key' : 'The server refused the request as unauthenticated';
      return fail({ ...base, kind: 'unauthenticated', message: `${who} (HTTP ${status})${said}` });
    }
    if ((status ?? 0) >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
      return fail({ ...base, ...maybe, kind: 'server_error', message: `Plain answered with a server error (HTTP ${status})${said}.${uncertain}` });
    }
    if (errors.length > 0) {
      return fail({
        ...base,
        kind: 'graphql_error',
        errors: errors.map((e) => ({
          message: asText(e?.message),
          ...(typeof e?.extensions?.code === 'string' ? { code: e.extensions.code } : {}),
          ...(Array.isArray(e?.path) ? { path: e.path as (string | number)[] } : {}),
        })),
        message: `Plain returned GraphQL errors${said}`,
      });
    }
    return fail({
      ...base,
      ...(ok ? maybe : {}),
      kind: 'unexpected_response',
      message: `Plain's answer (HTTP ${status}) was not a GraphQL result. Is apiUrl right?${ok ? uncertain : ''}`,
    });
  }
}
