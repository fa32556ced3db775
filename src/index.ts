export type { AttachmentType } from './attachment-rules.js';
export { type CallOptions, PlainClient } from './client.js';
export { PLAIN_API_URL, type PlainClientOptions } from './config.js';
export type { ConfirmReplyOptions } from './confirm-options.js';
export type {
  AbortedError,
  AttachmentRejectedError,
  AttachmentRejectedReason,
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
  ReplyConfirmation,
  ServerError,
  ThreadNotFoundError,
  TimeoutError,
  UnauthenticatedError,
  UnexpectedResponseError,
  ValidationError,
} from './errors.js';
export type { MutationErrorType, MutationFieldErrorType, ThreadChannel, ThreadStatus } from './generated/graphql.js';
export type { ThreadsFilter } from './generated/lookups.js';
export type { AgentStatus, DoneStatusDetail, SnoozeStatusDetail, TodoStatusDetail } from './generated/thread-state.js';
export type { UpdateThreadAgentStatusInput } from './operations/agent-status.js';
export type { AssignThreadInput, UnassignThreadInput } from './operations/assignment.js';
export type {
  AttachmentFile,
  UploadAttachmentInput,
  UploadAttachmentResult,
  UploadedAttachment,
} from './operations/attachments.js';
export type { Customer, GetCustomerInput, GetCustomerResult } from './operations/customer.js';
// Reading the conversation: the timeline's types, the customer view and the reply matcher (README "Reading the conversation").
export type { FindReplyAuthor, FindReplyInput, FindReplyResult, ReplyLookup } from './operations/find-reply.js';
export type { HandOffInput, HandOffResult, HandOffStep } from './operations/hand-off.js';
export type { AddLabelsInput, AddLabelsResult, Label, RemoveLabelsInput } from './operations/labels.js';
export type { GetMyMachineUserResult, MachineUser } from './operations/machine-user.js';
export type { CreateNoteInput, CreateNoteResult, Note } from './operations/note.js';
export type {
  MarkThreadAsDoneInput,
  MarkThreadAsTodoInput,
  SnoozeThreadInput,
  ThreadResult,
} from './operations/thread-status.js';
export type {
  GetThreadByExternalIdInput,
  ListThreadsInput,
  ListThreadsResult,
  ThreadPage,
} from './operations/threads.js';
export type { GetTimelineInput, GetTimelineResult } from './operations/timeline.js';
export type { GetThreadResult, Thread } from './operations.js';
export type { ReplyCriteria } from './reply-match.js';
export type { ReplyOptions, ReplySent, ReplyToThreadResult } from './reply-to-thread.js';
export type { DocumentNodeLike, RequestDocument, RequestOptions, TypedDocument } from './request.js';
export type { RateLimitInfo, Result } from './result.js';
export type { RequestEvent, ResponseEvent } from './send.js';
export type { BudgetAsk, BudgetDecision, BudgetReport, PlainStore, StoreErrorEvent } from './store.js';
export { createMemoryStore, type MemoryStoreOptions } from './store-memory.js';
export type {
  TimelineAttachment,
  TimelineAuthor,
  TimelineChat,
  TimelineDiscord,
  TimelineEmail,
  TimelineEntry,
  TimelineEntryContent,
  TimelineMessage,
  TimelineMsTeams,
  TimelineNote,
  TimelineOther,
  TimelinePage,
  TimelineParticipant,
  TimelineSlack,
} from './timeline-entries.js';
export {
  type CannotReplyReason,
  CustomerIdentifier,
  EMAIL_OPTION_CHANNELS,
  EmailChannelOptions,
  EmailParticipant,
  IMPERSONATION_CHANNELS,
  type KnownThread,
  REPLY_CHANNELS,
  ReplyToThreadInput,
} from './validation.js';
export { VERSION } from './version.js';
