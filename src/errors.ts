import type { CannotReplyReason } from './channels.js';
import type { MutationErrorType, MutationFieldErrorType, ThreadChannel } from './generated/graphql.js';

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
  | UnexpectedResponseError;

export type PlainErrorKind = PlainError['kind'];

/** Failures of a thread lookup: everything but the mutation's own answers. */
export type GetThreadError = Exclude<PlainError, CannotReplyToThreadError | ValidationError | MutationFailedError>;

/** Appended to messages of failures after which a reply may have reached Plain. */
export const MAY_HAVE_BEEN_SENT = ' The reply may have been sent: check the thread before sending it again.';

/** `invalid_input`: local validation failed, nothing was sent. */
export function invalidInput(issues: InputIssue[]): InvalidInputError {
  const message = `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}. Nothing was sent.`;
  return { kind: 'invalid_input', attempts: 0, retryable: false, issues, message };
}

/** `aborted` before the request went out: nothing was sent, so calling again is safe. */
export function abortedBeforeSending(operationName: string, attempts: number): AbortedError {
  return { kind: 'aborted', attempts, retryable: true, message: `${operationName} was aborted by the caller before it was sent.` };
}

/** The permission Plain names in a refusal ("Insufficient permissions, missing \"thread:reply\"."). */
export const permissionIn = (message: string): { permission?: string } => {
  const permission = /missing "([^"]+)"/.exec(message)?.[1];
  return permission ? { permission } : {};
};
