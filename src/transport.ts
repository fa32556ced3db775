import { startAttempt } from './attempt.js';
import { readCappedText, TooLarge, untilStopped } from './read-capped.js';

/** Everything the transport needs, normalised once by the client. */
export interface TransportConfig {
  url: string;
  /** Sent on every request, names in lower case. */
  headers: Record<string, string>;
  /** @default globalThis.fetch, looked up on every request (so a fetch patched later, e.g. by MSW, is used) */
  fetch?: typeof fetch;
  credentials?: RequestInit['credentials'];
  /** The API key, removed from everything an answer brings in. Absent when requests go to the caller's own backend. */
  apiKey?: string;
  /** The largest answer read, in decoded bytes; a larger one is cancelled at the cap. */
  maxResponseBytes: number;
}

/** A fetch error reduced to plain data: nothing of the original (which may hold the request) is kept. */
export interface PlainCause {
  name: string;
  message: string;
  code?: string;
  cause?: PlainCause;
}

/**
 * How one HTTP attempt ended.
 * - `answered`: a whole answer was read (any status).
 * - `not_sent`: the connection never opened (refused, DNS failure): the request certainly did not reach the server.
 * - `lost`: the connection failed after the request may have gone out, or while the answer was read.
 * - `timeout` / `aborted`: the attempt's deadline passed / the caller's signal fired; the request was cancelled.
 * - `too_large`: the answer was longer than `maxResponseBytes`; it was cancelled at the cap.
 * - `redirected`: the server answered with a redirect, which is never followed.
 */
export type Ending = 'answered' | 'not_sent' | 'lost' | 'timeout' | 'aborted' | 'too_large' | 'redirected';

/** One HTTP attempt, described. Whatever came from the network is already free of the API key. */
export interface Exchange {
  ending: Ending;
  status?: number;
  headers?: Headers;
  /** The answer's text (`answered` only). */
  text?: string;
  /** Plain's request id (`apigw-requestid`, else `x-request-id`). */
  requestId?: string;
  /** What fetch or the body stream threw (`not_sent`, `lost`). */
  cause?: PlainCause;
  /** When the attempt ended (ms since the epoch), to read rate-limit times against. */
  receivedAt: number;
  durationMs: number;
}

/** The key's redaction (src/redact.ts), once loaded. */
let redaction: typeof import('./redact.js') | undefined;

/**
 * Loads the key's redaction. A client with a key loads it before it sends anything; a client without one (a page that
 * talks to its own backend) never does. A load that failed is tried again on the next call.
 */
export async function loadRedaction(): Promise<typeof import('./redact.js')> {
  redaction ??= await import('./redact.js');
  return redaction;
}

/** Socket error codes that mean the connection was never opened, so nothing reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Posts one GraphQL request and reads the answer, within `timeoutMs`. One AbortController per attempt combines the
 * deadline and the caller's signal; whatever ends the attempt early cancels the request, so a timed-out request holds
 * no socket, timer or listener. Never rejects.
 */
export async function postGraphQL(
  config: TransportConfig,
  body: string,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<Exchange> {
  const started = Date.now();
  const attempt = startAttempt(options);
  const { signal } = options;
  const { apiKey } = config;

  let response: Response | undefined;
  /** What the answer's head said, once it came. */
  let answer: Pick<Exchange, 'status' | 'headers' | 'requestId'> = {};
  let readWhole = false;
  /** The exchange, ended as `ending` with what the answer's head said and `more` (the text, or a fetch error). */
  const ended = (ending: Ending, more?: Pick<Exchange, 'text' | 'cause'>): Exchange => {
    const receivedAt = Date.now();
    readWhole = ending === 'answered';
    const exchange = { ending, ...answer, ...more, receivedAt, durationMs: receivedAt - started };
    return redaction?.redactExchange(exchange, apiKey) ?? exchange;
  };
  try {
    if (apiKey !== undefined) await untilStopped(loadRedaction(), attempt.stopped);
    const init: RequestInit = {
      method: 'POST',
      headers: config.headers,
      body,
      signal: attempt.signal,
      redirect: 'manual',
    };
    if (config.credentials) init.credentials = config.credentials;
    // Called on globalThis: a browser's fetch passed unbound (`fetch: window.fetch`) throws "Illegal invocation" otherwise.
    const fetcher = config.fetch ?? globalThis.fetch;
    response = await untilStopped(Promise.resolve(fetcher.call(globalThis, config.url, init)), attempt.stopped);
    const { status, headers } = response;
    answer = { status, headers, requestId: requestIdFrom(headers) };
    // With `redirect: 'manual'`, a browser hides the redirect behind an opaque answer of status 0.
    if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
      return ended('redirected');
    }
    const text = await readCappedText(response, config.maxResponseBytes, attempt.stopped);
    return ended('answered', { text });
  } catch (error) {
    if (attempt.timedOut) return ended('timeout');
    if (signal?.aborted) return ended('aborted');
    if (error instanceof TooLarge) return ended('too_large');
    // Without its key's redaction loaded, a client with a key has sent nothing.
    const notSent = !response && (neverConnected(error) || (apiKey !== undefined && !redaction));
    return ended(notSent ? 'not_sent' : 'lost', { cause: plainCause(error) });
  } finally {
    // Unless the whole answer was read, whatever is still running for this attempt (a request, a body) is cancelled.
    attempt.end({ cancel: !readWhole });
  }
}

function requestIdFrom(headers: Headers): string | undefined {
  try {
    return (headers.get('apigw-requestid') ?? headers.get('x-request-id'))?.slice(0, 200);
  } catch {
    return undefined;
  }
}

/** Node's fetch puts the socket error's code on `cause` (or on each of an AggregateError's `errors`). */
export function neverConnected(error: unknown): boolean {
  try {
    const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
    // A code that is not a string is in no set of strings.
    return NOT_SENT_CODES.has((cause?.code ?? cause?.errors?.[0]?.code) as string);
  } catch {
    return false;
  }
}

/** Any value as a short text, for a message. Never throws. */
export function textOf(value: unknown, maxLength = 500): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/**
 * A plain copy of a fetch error: name, message, code, and its causes a few levels deep. Never throws. Its text is
 * as the error said it: a caller with a key removes the key from it (`redactExchange`, `redactResult`).
 */
export function plainCause(error: unknown, depth = 0): PlainCause {
  // Reading a property of anything (a string, undefined, an object whose getter throws) gives a value or undefined.
  const read = (key: string): unknown => {
    try {
      return (error as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  };
  // A rejection that is not an object (a string) is its own message.
  const isObject = typeof error === 'object' && error !== null;
  const copy: PlainCause = {
    name: textOf(isObject ? (read('name') ?? 'Error') : 'Error', 100),
    message: textOf(isObject ? (read('message') ?? '') : error),
  };
  const code = read('code');
  if (typeof code === 'string') copy.code = code.slice(0, 100);
  // An AggregateError's first error stands for them all.
  const errors = read('errors');
  const cause = read('cause') ?? (Array.isArray(errors) ? errors[0] : undefined);
  if (depth < 3 && cause !== undefined) copy.cause = plainCause(cause, depth + 1);
  return copy;
}
