import type { MutationErrorType, MutationFieldErrorType, ThreadChannel } from './generated/graphql.js';
import type { Operation } from './operations.js';
import { retryAfterMs } from './rate-limit-headers.js';
import { type Exchange, textOf } from './transport.js';
import type { CannotReplyReason } from './validation.js';

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
  /** Set on a failed `replyToThread` with `confirm`: what looking the reply up on the thread's timeline found. */
  confirmation?: ReplyConfirmation;
}

/**
 * What the timeline said about a reply after an ambiguous failure (`replyToThread` with `confirm`); `lookups` counts
 * the looks made.
 * - `not_found`: the reply is not on the timeline (the last look came after the last send): it did not land, and the
 *   error is `retryable`. The retry budget was spent sending it again.
 * - `could_not_tell`: the reply may have landed, and the error keeps `mayHaveBeenSent: true`. `reason`: the lookup
 *   failed (`lookup_failed`, with its error), the call was aborted while confirming (`aborted`), or more entries were
 *   written on the thread since the first send than a lookup reads (`search_incomplete`).
 */
export type ReplyConfirmation =
  | { status: 'not_found'; lookups: number }
  | {
      status: 'could_not_tell';
      lookups: number;
      reason: 'lookup_failed';
      lookupError: { kind: PlainErrorKind; message: string };
    }
  | { status: 'could_not_tell'; lookups: number; reason: 'aborted' | 'search_incomplete' };

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The answer as a GraphQL result, or undefined. At most 10 of its error entries are read (messages: textOf's 500). */
function graphQLResultIn(text: string | undefined): GraphQLResult | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const { data, errors } = body;
  if (errors === undefined ? data === undefined : !Array.isArray(errors)) return undefined;
  if (data != null && !isObject(data)) return undefined;
  const entries = ((errors ?? []) as unknown[]).slice(0, 10).map((e) => (isObject(e) ? e : {}));
  return { data, errors: entries };
}

const codeOf = (entry: GraphQLErrorEntry) =>
  typeof entry.extensions?.code === 'string' ? entry.extensions.code : undefined;

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
  const { status, requestId, cause } = exchange;
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
  /**
   * The failed attempt. `outcome` says whether the request may have run: `not_sent` (it never left), `refused` (the
   * server refused it as a whole) or, by default, `may_have_run`.
   */
  const fail = (
    error: Record<string, unknown> & { kind: PlainErrorKind; message: string },
    outcome: 'may_have_run' | 'refused' | 'not_sent' = 'may_have_run',
  ): AttemptResult<T> => {
    const flagged = mutation && outcome === 'may_have_run';
    const built = {
      ...error,
      message: flagged ? error.message + uncertain : error.message,
      attempts: 1,
      retryable: false,
      ...(flagged ? { mayHaveBeenSent: true as const } : {}),
      ...(status ? { status } : {}),
      ...(requestId ? { requestId } : {}),
    } as PlainError;
    return { ok: false, error: built, notSent: outcome === 'not_sent' };
  };

  const name = op.name;
  const why = cause?.message ?? 'fetch failed';
  switch (exchange.ending) {
    case 'not_sent':
      return fail({ kind: 'network', cause, message: `${name} could not reach the server (${why}).` }, 'not_sent');
    case 'lost': {
      const when = status === undefined ? why : `HTTP ${status}, while reading the answer`;
      return fail({ kind: 'network', cause, message: `${name} lost the connection (${when}).` });
    }
    case 'timeout': {
      const { timeoutMs } = context;
      return fail({ kind: 'timeout', timeoutMs, message: `${name} got no answer within ${timeoutMs} ms.` });
    }
    case 'aborted':
      return fail({ kind: 'aborted', message: `${name} was aborted by the caller.` });
    case 'too_large':
      return fail({ kind: 'unexpected_response', message: `${name}'s answer exceeded maxResponseBytes; not read.` });
    case 'redirected':
      return fail({
        kind: 'unexpected_response',
        message: `${name} got a redirect (HTTP ${status}), which is not followed. Is apiUrl right?`,
      });
  }

  const errors = result?.errors ?? [];
  const codes = errors.map(codeOf);
  const serverSaid = errors.map((e) => textOf(e.message)).join('; ');
  const said = serverSaid ? `: ${serverSaid}` : '';
  if (status === 429 || codes.includes('RATE_LIMITED')) {
    const wait = retryAfterMs(exchange.headers, exchange.receivedAt);
    const message = `The rate limit was reached. Try again in ${Math.ceil(wait / 1000)} s.`;
    return fail({ kind: 'rate_limited', retryAfterMs: wait, message }, 'not_sent');
  }
  if (codes.includes('FORBIDDEN') || (status === 403 && !codes.includes('UNAUTHENTICATED'))) {
    const who = context.hasKey ? 'The API key lacks a permission' : 'The server refused the request';
    const message = `${who}${said || ` (HTTP ${status})`}`;
    return fail({ kind: 'forbidden', ...permissionNamedIn(serverSaid), message }, 'refused');
  }
  if (status === 401 || codes.includes('UNAUTHENTICATED')) {
    const who = context.hasKey ? 'Plain rejected the API key' : 'The server refused the request as unauthenticated';
    return fail({ kind: 'unauthenticated', message: `${who} (HTTP ${status})${said}` }, 'refused');
  }
  if ((status ?? 0) >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
    return fail({ kind: 'server_error', message: `The server answered with an error (HTTP ${status})${said}.` });
  }
  if (errors.length > 0) {
    const entries = errors.map((e) => {
      const code = codeOf(e);
      const path = Array.isArray(e.path)
        ? e.path.slice(0, 20).filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
        : undefined;
      return { message: textOf(e.message), ...(code ? { code } : {}), ...(path ? { path } : {}) };
    });
    return fail(
      { kind: 'graphql_error', errors: entries, message: `The server returned GraphQL errors${said}` },
      'refused',
    );
  }
  return fail({
    kind: 'unexpected_response',
    message: `The answer (HTTP ${status}) was not a GraphQL result. Is apiUrl right?`,
  });
}
