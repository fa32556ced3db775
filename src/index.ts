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
export type { RequestEvent, ResponseEvent } from './send.js';
export { REPLY_CHANNELS, IMPERSONATION_CHANNELS, EMAIL_OPTION_CHANNELS, type CannotReplyReason } from './channels.js';
export { ReplyToThreadInput, CustomerIdentifier, EmailParticipant, EmailChannelOptions, type KnownThread } from './validation.js';
export type { ThreadChannel, ThreadStatus, MutationErrorType, MutationFieldErrorType } from './generated/graphql.js';
export { VERSION } from './version.js';
export type { MarkThreadAsDoneInput, MarkThreadAsTodoInput, SnoozeThreadInput, ThreadResult } from './operations/thread-status.js';
export type { AssignThreadInput, UnassignThreadInput } from './operations/assignment.js';
export type { AddLabelsInput, AddLabelsResult, Label, RemoveLabelsInput } from './operations/labels.js';
export type { UpdateThreadAgentStatusInput } from './operations/agent-status.js';
export type { CreateNoteInput, CreateNoteResult, Note } from './operations/note.js';
export type { HandOffInput, HandOffResult, HandOffStep } from './operations/hand-off.js';
export type { GetThreadByExternalIdInput, ListThreadsInput, ListThreadsResult, ThreadPage } from './operations/threads.js';
export type { Customer, GetCustomerInput, GetCustomerResult } from './operations/customer.js';
export type { GetMyMachineUserResult, MachineUser } from './operations/machine-user.js';
export type { DocumentNodeLike, RequestDocument, RequestOptions, TypedDocument } from './request.js';
export type { AgentStatus, DoneStatusDetail, SnoozeStatusDetail, TodoStatusDetail } from './generated/thread-state.js';
export type { ThreadsFilter } from './generated/lookups.js';
