export { PlainClient, type CallOptions } from './client.js';
export { PLAIN_API_URL, type PlainClientOptions } from './config.js';
export type {
  AbortedError,
  CannotReplyToThreadError,
  FieldError,
  ForbiddenError,
  GetThreadError,
  GraphQLError,
  InputIssue,
  InvalidInputError,
  MutationFailedError,
  NetworkError,
  PlainError,
  PlainErrorKind,
  RateLimitedError,
  ServerError,
  ThreadNotFoundError,
  TimeoutError,
  UnauthenticatedError,
  UnexpectedResponseError,
  ValidationError,
} from './errors.js';
export type { Result, RateLimitInfo } from './result.js';
export type { ReplyOptions, ReplyToThreadResult } from './reply-to-thread.js';
export type { GetThreadResult, Thread } from './get-thread.js';
export type { RequestEvent, ResponseEvent } from './request.js';
export { REPLY_CHANNELS, IMPERSONATION_CHANNELS, EMAIL_OPTION_CHANNELS, type CannotReplyReason } from './channels.js';
export { ReplyToThreadInput, CustomerIdentifier, EmailParticipant, EmailChannelOptions, type KnownThread } from './validation.js';
export type { ThreadChannel, ThreadStatus, MutationErrorType, MutationFieldErrorType } from './generated/graphql.js';
export { VERSION } from './version.js';
