import type { CannotReplyReason } from './channels.js';
import type { MutationErrorType, MutationFieldErrorType, ThreadChannel } from './generated/graphql.js';
import type { Operation } from './operations.js';
import { retryAfterMs } from './rate-limit-headers.js';
import { type Exchange, textOf } from './transport.js';

/** What every error carries. `kind` is the discriminant: `switch (error.kind)` covers them all. */
interface ErrorBase<K extends string> {
  kind: K;
  /** Developer-facing English. Never contains the API key or the reply's text. */
  message: string;
  /** Plain's request id (`apigw-requestid`), when the server sent one: quote it to Plain's support. */
  requestId?: string;
  /** How many requests were sent for this call's failing step (0 when refused before sending). */
  attempts: number;
  /** True when trying the same call again cannot send a reply twice and may succeed. */
  retryable: boolean;
  /**
   * Set on a failed `replyToThread` after which the reply may still have reached Plain (a timeout, a lost connection,
   * a 5xx, an unreadable answer): check the thread before sending it again. Absent when nothing was delivered.
   */
  mayHaveBeenSent?: true;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
}

/** One problem with the input, named by its path, e.g. `channelSpecificOptions.email.hiddenRecipients[1].email`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** A per-field problem as Plain reports it in a MutationError. */
export interface FieldError {
  field: string;
  message: string;
  type: MutationFieldErrorType;
}

/** Local validation failed. Nothing was sent. */
export interface InvalidInputError extends ErrorBase<'invalid_input'> {
  issues: InputIssue[];
}
/** Plain does not (or did not) reply on this thread: the channel, impersonation or Cc/Bcc does not fit. */
export interface CannotReplyToThreadError extends ErrorBase<'cannot_reply_to_thread'> {
  channel?: ThreadChannel;
  reason: CannotReplyReason;
  /** `local`: refused before sending. `server`: Plain answered `cannot_reply_to_thread`. */
  source: 'local' | 'server';
}
export interface ThreadNotFoundError extends ErrorBase<'thread_not_found'> {
  threadId?: string;
  ref?: string;
}
/** The API key is missing, malformed, revoked or unknown to Plain. */
export type UnauthenticatedError = ErrorBase<'unauthenticated'>;
/** The key lacks a permission; `permission` names it when Plain's message does (e.g. `customer:impersonate`). */
export interface ForbiddenError extends ErrorBase<'forbidden'> {
  permission?: string;
}
export interface RateLimitedError extends ErrorBase<'rate_limited'> {
  /** How long until Plain accepts requests again, from `x-ratelimit-reset` or `Retry-After`. */
  retryAfterMs?: number;
}
/** Plain's MutationError of type VALIDATION. */
export interface ValidationError extends ErrorBase<'validation'> {
  code: string;
  fields: FieldError[];
}
/** Any other MutationError. */
export interface MutationFailedError extends ErrorBase<'mutation_error'> {
  code: string;
  type: MutationErrorType;
  fields: FieldError[];
}
export interface NetworkError extends ErrorBase<'network'> {
  /** A plain copy of the underlying fetch error: `{ name, message, code?, cause?, errors? }` (the code, e.g. ECONNREFUSED, is often on `cause`). */
  cause?: unknown;
}
export interface TimeoutError extends ErrorBase<'timeout'> {
  timeoutMs: number;
}
export type ServerError = ErrorBase<'server_error'>;
/** A top-level GraphQL error Plain returned (`errors[]`), other than auth and rate limits. */
export interface GraphQLError extends ErrorBase<'graphql_error'> {
  errors: { message: string; code?: string; path?: (string | number)[] }[];
}
/**
 * Why an attachment was refused: `too_large` / `too_small` (the file's size), `file_type_not_allowed` (a banned
 * extension), `expired` (the upload form's two hours ran out), `access_denied` (the storage refused the form),
 * `not_uploaded` (a reply or note carried an id whose file never arrived), `other` (any other storage refusal).
 */
export type AttachmentRejectedReason =
  | 'too_large'
  | 'too_small'
  | 'file_type_not_allowed'
  | 'expired'
  | 'access_denied'
  | 'not_uploaded'
  | 'other';
/** A file was refused: by plain-client before anything was sent, by Plain, or by the storage it uploads to. */
export interface AttachmentRejectedError extends ErrorBase<'attachment_rejected'> {
  reason: AttachmentRejectedReason;
  /** `local`: refused before sending; `plain`: Plain's MutationError; `storage`: the upload's XML error answer. */
  source: 'local' | 'plain' | 'storage';
  /** Plain's code (`attachment_file_size_too_large`, …) or the storage's (`EntityTooLarge`, `AccessDenied`, …). */
  code?: string;
  /** The file's name, when the refusal concerns one file. */
  fileName?: string;
  /** With `too_large` refused locally: the most bytes allowed. */
  limitBytes?: number;
}
/** The caller's AbortSignal fired. */
export type AbortedError = ErrorBase<'aborted'>;
/** The answer was neither a GraphQL result nor a known HTTP failure (wrong `apiUrl`, a proxy's HTML page...). */
export type UnexpectedResponseError = ErrorBase<'unexpected_response'>;

/** Every failure the client reports. Closed: a `switch` on `kind` with a `never` default compiles. */
export type PlainError =
  | InvalidInputError
  | CannotReplyToThreadError
  | ThreadNotFoundError
  | UnauthenticatedError
  | ForbiddenError
  | RateLimitedError
  | ValidationError
  | MutationFailedError
  | NetworkError
  | TimeoutError
  | ServerError
  | GraphQLError
  | AbortedError
  | UnexpectedResponseError
  | AttachmentRejectedError;

export type PlainErrorKind = PlainError['kind'];

/** Failures of a thread lookup: everything but the mutation's own answers. */
export type GetThreadError = Exclude<
  PlainError,
  CannotReplyToThreadError | ValidationError | MutationFailedError | AttachmentRejectedError
>;

/** Ends the message of a failed reply after which the reply may still have reached Plain. */
export const MAY_HAVE_BEEN_SENT = ' The reply may have been sent: check the thread before sending it again.';

/** Ends the message of any other mutation that may have run. */
const MAY_HAVE_RUN = ' It may have run: check before trying it again.';

/** `invalid_input`: local validation failed, nothing was sent. */
export function invalidInput(issues: InputIssue[]): InvalidInputError {
  const listed = issues.slice(0, 10).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > listed.length) listed.push(`and ${issues.length - listed.length} more`);
  return {
    kind: 'invalid_input',
    attempts: 0,
    retryable: false,
    issues,
    message: `Invalid input: ${listed.join('; ')}. Nothing was sent.`,
  };
}

/** `aborted` before the request (or its retry) went out: nothing more was sent, so calling again is safe. */
export function abortedBeforeSending(operationName: string, attempts: number): AbortedError {
  return {
    kind: 'aborted',
    attempts,
    retryable: true,
    message: `${operationName} was aborted by the caller before it was sent.`,
  };
}

/** The permission Plain names in a refusal (`Insufficient permissions, missing "thread:reply".`). */
export function permissionNamedIn(message: string): { permission?: string } {
  const permission = /missing "([^"]{1,100})"/.exec(message)?.[1];
  return permission ? { permission } : {};
}

/** What one attempt came to: the data, or an error and whether the request certainly never reached Plain. */
export type AttemptResult<T> =
  | { ok: true; data: T; status: number; requestId?: string }
  | { ok: false; error: PlainError; notSent: boolean };

interface GraphQLErrorEntry {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}
/** A body that is a GraphQL result: an object with `data` and/or an `errors` list. */
interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors: GraphQLErrorEntry[];
}

/** At most this many of Plain's error entries are read, and each message is cut at MAX_SERVER_MESSAGE characters. */
const MAX_SERVER_ERRORS = 10;
const MAX_SERVER_MESSAGE = 500;

function graphQLResultIn(text: string | undefined): GraphQLResult | undefined {
  if (text === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (errors !== undefined && !Array.isArray(errors)) return undefined;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return undefined;
  if (data === undefined && errors === undefined) return undefined;
  const entries = (errors ?? [])
    .slice(0, MAX_SERVER_ERRORS)
    .map((e: unknown) => (typeof e === 'object' && e !== null ? (e as GraphQLErrorEntry) : {}));
  return { data: data as GraphQLResult['data'], errors: entries };
}

const codeOf = (entry: GraphQLErrorEntry) =>
  typeof entry.extensions?.code === 'string' ? entry.extensions.code : undefined;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns one exchange into the operation's data or a typed error: the one place where errors are built from what
 * happened on the wire. `hasKey` changes only the wording (with no key, requests go to the caller's own backend).
 *
 * A mutation's failure is flagged `mayHaveBeenSent` unless the answer shows it did not run: the connection never
 * opened, or Plain refused the request as a whole (429, 401, 403, a GraphQL error). An answer holding the mutation's
 * own result shows that it ran, whatever else it says.
 */
export function interpretExchange<T>(
  exchange: Exchange,
  op: Operation<T, unknown>,
  context: { hasKey: boolean; timeoutMs: number },
): AttemptResult<T> {
  const { status, requestId } = exchange;
  const mutation = op.mutationField !== undefined;
  const result = exchange.ending === 'answered' ? graphQLResultIn(exchange.text) : undefined;
  const ok2xx = status !== undefined && status >= 200 && status < 300;

  if (result) {
    const ran = mutation && isObject(result.data?.[op.mutationField as string]);
    if (ran || (ok2xx && result.errors.length === 0 && isObject(result.data))) {
      return { ok: true, data: result.data as T, status: status ?? 200, ...(requestId ? { requestId } : {}) };
    }
  }

  const uncertain = mutation ? (op.mayHaveRun ?? MAY_HAVE_RUN) : '';
  const fail = (
    error: Record<string, unknown> & { kind: PlainErrorKind; message: string },
    flags: { mayHaveRun: boolean; notSent?: boolean },
  ): AttemptResult<T> => {
    const flagged = mutation && flags.mayHaveRun;
    const built = {
      ...error,
      message: `${error.message}${flagged ? uncertain : ''}`,
      attempts: 1,
      retryable: false,
      ...(flagged ? { mayHaveBeenSent: true as const } : {}),
      ...(status ? { status } : {}),
      ...(requestId ? { requestId } : {}),
    } as PlainError;
    return { ok: false, error: built, notSent: flags.notSent ?? false };
  };

  switch (exchange.ending) {
    case 'not_sent':
      return fail(
        {
          kind: 'network',
          cause: exchange.cause,
          message: `${op.name} could not reach the server (${exchange.cause?.message ?? 'fetch failed'}).`,
        },
        { mayHaveRun: false, notSent: true },
      );
    case 'lost':
      return fail(
        {
          kind: 'network',
          cause: exchange.cause,
          message:
            status === undefined
              ? `${op.name} failed on the way (${exchange.cause?.message ?? 'fetch failed'}).`
              : `${op.name} lost the connection while reading the answer (HTTP ${status}).`,
        },
        { mayHaveRun: true },
      );
    case 'timeout':
      return fail(
        {
          kind: 'timeout',
          timeoutMs: context.timeoutMs,
          message: `${op.name} got no answer within ${context.timeoutMs} ms.`,
        },
        { mayHaveRun: true },
      );
    case 'aborted':
      return fail({ kind: 'aborted', message: `${op.name} was aborted by the caller.` }, { mayHaveRun: true });
    case 'too_large':
      return fail(
        {
          kind: 'unexpected_response',
          message: `${op.name} got an answer larger than maxResponseBytes; it was not read.`,
        },
        { mayHaveRun: true },
      );
    case 'redirected':
      return fail(
        {
          kind: 'unexpected_response',
          message: `${op.name} was answered with a redirect (HTTP ${status}), which is never followed. Is apiUrl right?`,
        },
        { mayHaveRun: true },
      );
    case 'answered':
      break;
  }

  const errors = result?.errors ?? [];
  const codes = errors.map(codeOf);
  const serverSaid = errors.map((e) => textOf(e.message, MAX_SERVER_MESSAGE)).join('; ');
  const said = serverSaid ? `: ${serverSaid}` : '';
  if (status === 429 || codes.includes('RATE_LIMITED')) {
    const wait = retryAfterMs(exchange.headers, exchange.receivedAt);
    return fail(
      {
        kind: 'rate_limited',
        retryAfterMs: wait,
        message: `The rate limit was reached. Try again in ${Math.ceil(wait / 1000)} s.`,
      },
      { mayHaveRun: false, notSent: true },
    );
  }
  if (codes.includes('FORBIDDEN') || (status === 403 && !codes.includes('UNAUTHENTICATED'))) {
    const who = context.hasKey ? 'The API key lacks a permission' : 'The server refused the request';
    return fail(
      { kind: 'forbidden', ...permissionNamedIn(serverSaid), message: `${who}${said || ` (HTTP ${status})`}` },
      { mayHaveRun: false },
    );
  }
  if (status === 401 || codes.includes('UNAUTHENTICATED')) {
    const who = context.hasKey ? 'Plain rejected the API key' : 'The server refused the request as unauthenticated';
    return fail({ kind: 'unauthenticated', message: `${who} (HTTP ${status})${said}` }, { mayHaveRun: false });
  }
  if ((status ?? 0) >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
    return fail(
      { kind: 'server_error', message: `The server answered with an error (HTTP ${status})${said}.` },
      { mayHaveRun: true },
    );
  }
  if (result && errors.length > 0) {
    const entries = errors.map((e) => {
      const code = codeOf(e);
      const path = Array.isArray(e.path)
        ? e.path.slice(0, 20).filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
        : undefined;
      return { message: textOf(e.message, MAX_SERVER_MESSAGE), ...(code ? { code } : {}), ...(path ? { path } : {}) };
    });
    return fail(
      { kind: 'graphql_error', errors: entries, message: `The server returned GraphQL errors${said}` },
      { mayHaveRun: false },
    );
  }
  return fail(
    { kind: 'unexpected_response', message: `The answer (HTTP ${status}) was not a GraphQL result. Is apiUrl right?` },
    { mayHaveRun: true },
  );
}
