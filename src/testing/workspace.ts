import { type AttachmentType, hasBannedExtension, MAX_ATTACHMENT_BYTES } from '../attachment-rules.js';
import { EMAIL_OPTION_CHANNELS, IMPERSONATION_CHANNELS, REPLY_CHANNELS } from '../channels.js';
import type { MutationErrorType, MutationFieldErrorType, ThreadChannel, ThreadStatus } from '../generated/graphql.js';
import { isDeliverableEmail } from '../validation.js';

/** Permissions a fake API key can hold (Plain's names). */
export type FakePermission =
  | 'thread:read'
  | 'thread:reply'
  | 'thread:edit'
  | 'thread:assign'
  | 'thread:unassign'
  | 'customer:read'
  | 'customer:impersonate'
  | 'label:create'
  | 'label:delete'
  | 'note:create'
  | 'attachment:create';
export const ALL_PERMISSIONS: readonly FakePermission[] = [
  'thread:read',
  'thread:reply',
  'thread:edit',
  'thread:assign',
  'thread:unassign',
  'customer:read',
  'customer:impersonate',
  'label:create',
  'label:delete',
  'note:create',
  'attachment:create',
];

/** Plain's `StatusDetailType`: why a thread has its status. */
export type FakeStatusDetail =
  | 'CREATED'
  | 'IN_PROGRESS'
  | 'NEW_REPLY'
  | 'THREAD_LINK_UPDATED'
  | 'THREAD_DISCUSSION_RESOLVED'
  | 'WAITING_FOR_CUSTOMER'
  | 'WAITING_FOR_DURATION'
  | 'IGNORED'
  | 'DONE_MANUALLY_SET'
  | 'DONE_AUTOMATICALLY_SET'
  | 'TIMER_EXPIRED';
/** Plain's `AgentStatus`: what an automated agent says about a thread. */
export type FakeAgentStatus = 'IN_PROGRESS' | 'HANDED_OFF' | 'HANDLED';

export interface FakeCustomer {
  id: string;
  email: string;
  fullName: string;
  externalId?: string;
}
/** A user (a human in the workspace) threads can be assigned to. */
export interface FakeUser {
  id: string;
  fullName: string;
  email: string;
}
/** The machine user an API key acts as (`myMachineUser`). */
export interface FakeMachineUser {
  id: string;
  fullName: string;
}
export interface FakeLabelType {
  id: string;
  name: string;
}
/** A label on a thread: its own id (`l_…`, what removeLabels takes) and its label type's. */
export interface FakeLabel {
  id: string;
  labelTypeId: string;
}
/** Who a thread is assigned to. */
export type FakeAssignee = { kind: 'user'; id: string } | { kind: 'machineUser'; id: string };
export interface FakeThread {
  id: string;
  ref: string;
  title: string;
  channel: ThreadChannel;
  status: ThreadStatus;
  customerId: string;
  externalId?: string;
  statusDetail: FakeStatusDetail | null;
  /** For a thread snoozed for a duration: when it wakes. */
  snoozedUntil?: Date;
  agentStatus: FakeAgentStatus | null;
  assignee: FakeAssignee | null;
  assignedAt?: Date;
  labels: FakeLabel[];
  createdAt: Date;
  statusChangedAt: Date;
}
export interface FakeNote {
  id: string;
  customerId: string;
  threadId: string | null;
  text: string;
  markdown: string | null;
  attachmentIds: string[];
  createdAt: Date;
  /** The API key whose machine user wrote it (the author its timeline entry shows). */
  apiKey?: string;
}
export interface FakeParticipant {
  email: string;
  name?: string | null;
}
/** A reply Plain accepted, as the customer would see it. */
export interface FakeMessage {
  id: string;
  threadId: string;
  text: string;
  markdown?: string | null;
  /** Who the customer sees as the sender. */
  author: { kind: 'machine_user'; apiKey: string } | { kind: 'customer'; customerId: string; email: string };
  cc: FakeParticipant[];
  bcc: FakeParticipant[];
  attachmentIds: string[];
  sentAt: Date;
}

/** A file name's extension as the fake shows it (`fileExtension`): after the last dot, as written; null without one. */
export function fileExtensionOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? null : fileName.slice(dot + 1);
}

/** An attachment `createAttachmentUploadUrl` created: its upload form's key and expiry, and whether it arrived. */
export interface FakeAttachment {
  id: string;
  customerId: string;
  fileName: string;
  /** The exact size the upload form's policy demands. */
  sizeBytes: number;
  attachmentType: AttachmentType;
  /** The storage key its upload form names. */
  key: string;
  /** Every field of its upload form, in order (the file goes after them). */
  formData: { key: string; value: string }[];
  expiresAt: Date;
  createdAt: Date;
  /** When the storage endpoint took the file; absent until then. */
  uploadedAt?: Date;
  /** The uploaded file's type, as the form's file part declared it. */
  mimeType?: string;
}

/** A state change the fake made, which its webhooks report (`thread.thread_status_transitioned`, …). */
export type FakeThreadChange = { thread: FakeThread; apiKey: string } & (
  | { kind: 'status' | 'assignment'; previous: FakeThread }
  | { kind: 'labels'; changeType: 'ADDED' | 'REMOVED'; previous: FakeThread }
  | { kind: 'note'; note: FakeNote }
);

/** A copy of a thread's state as it is now. */
export const snapshotOf = (thread: FakeThread): FakeThread => ({
  ...thread,
  labels: thread.labels.map((l) => ({ ...l })),
});

/** Plain's MutationError, as a mutation's payload carries it in `error`. */
export interface MutationErrorBody {
  message: string;
  type: MutationErrorType;
  code: string;
  fields: { field: string; message: string; type: MutationFieldErrorType }[];
}
/** What a mutation returns: its payload's fields, or Plain's MutationError. */
export type Payload<T> = ({ error: null } & T) | { error: MutationErrorBody };
/** The caller of one request: its API key and what that key may do. */
export interface Caller {
  apiKey: string;
  permissions: ReadonlySet<FakePermission>;
}

const mutationError = (
  type: MutationErrorType,
  code: string,
  message: string,
  fields: MutationErrorBody['fields'] = [],
): { error: MutationErrorBody } => ({ error: { message, type, code, fields } });
const fieldError = (field: string, type: MutationFieldErrorType, message: string) =>
  mutationError('VALIDATION', 'input_validation', `There was a validation error: ${message}`, [
    { field, message, type },
  ]);
export const missing = (permission: FakePermission) => `Insufficient permissions, missing "${permission}".`;
/** Plain's refusal when the key lacks one of `needed` (the first missing is named), or undefined. */
const forbidden = (caller: Caller, needed: readonly FakePermission[]) => {
  const lacking = needed.find((p) => !caller.permissions.has(p));
  return lacking ? mutationError('FORBIDDEN', 'forbidden', missing(lacking)) : undefined;
};
const threadNotFound = () => fieldError('threadId', 'NOT_FOUND', 'Thread not found');
const isBlank = (text: string) => text.trim() === '';

// Inputs as graphql-js hands them to resolvers: already checked against the schema's input types, so required fields
// are present and every value has its declared type. Optional fields may be null or absent.
interface ReplyInput {
  threadId: string;
  textContent: string;
  markdownContent?: string | null;
  attachmentIds?: string[] | null;
  impersonation?: {
    asCustomer?: {
      customerIdentifier?: { emailAddress?: string | null; customerId?: string | null; externalId?: string | null };
    } | null;
  } | null;
  channelSpecificOptions?: {
    email?: { additionalRecipients?: FakeParticipant[] | null; hiddenRecipients?: FakeParticipant[] | null } | null;
  } | null;
}

/** The data of one fake Plain workspace and the rules Plain applies to it (plain-api.md §3 to §5). */
export class FakeWorkspace {
  readonly customers = new Map<string, FakeCustomer>();
  readonly threads = new Map<string, FakeThread>();
  readonly users = new Map<string, FakeUser>();
  readonly labelTypes = new Map<string, FakeLabelType>();
  readonly notes: FakeNote[] = [];
  readonly apiKeys = new Map<string, Set<FakePermission>>();
  /** The machine user each API key acts as. */
  readonly machineUsers = new Map<string, FakeMachineUser>();
  readonly sent: FakeMessage[] = [];
  /** Attachments by id, uploaded or not. */
  readonly attachments = new Map<string, FakeAttachment>();
  /** State changes not yet reported by webhooks, oldest first. */
  readonly changes: FakeThreadChange[] = [];
  /** Whether the workspace's plan includes impersonation. */
  impersonationAllowed: boolean;
  private counter = 0;

  constructor(impersonationAllowed: boolean) {
    this.impersonationAllowed = impersonationAllowed;
  }

  /** Plain's id format: a prefix and 26 characters of ULID (digits are part of its alphabet), counted up. */
  nextId(prefix: string): string {
    return `${prefix}${String(++this.counter).padStart(26, '0')}`;
  }

  /** The machine user `apiKey` acts as, created the first time it is asked for. */
  machineUserFor(apiKey: string): FakeMachineUser {
    let user = this.machineUsers.get(apiKey);
    if (!user) {
      user = { id: this.nextId('machineUser_'), fullName: `Fake bot ${this.machineUsers.size + 1}` };
      this.machineUsers.set(apiKey, user);
    }
    return user;
  }

  /** Every machine user of the workspace (one per API key). */
  allMachineUsers(): FakeMachineUser[] {
    return [...this.apiKeys.keys()].map((key) => this.machineUserFor(key));
  }

  findCustomer(identifier: {
    emailAddress?: unknown;
    customerId?: unknown;
    externalId?: unknown;
  }): FakeCustomer | undefined {
    for (const customer of this.customers.values()) {
      if (
        (identifier.customerId != null && customer.id === identifier.customerId) ||
        (identifier.externalId != null && customer.externalId === identifier.externalId) ||
        (typeof identifier.emailAddress === 'string' &&
          customer.email.toLowerCase() === identifier.emailAddress.toLowerCase())
      ) {
        return customer;
      }
    }
    return undefined;
  }

  /** Plain's `attachment_not_uploaded` when one of `ids` names no attachment whose file arrived; else undefined. */
  private notUploaded(ids: readonly string[] | null | undefined) {
    const missingFile = (ids ?? []).find((id) => this.attachments.get(id)?.uploadedAt === undefined);
    if (missingFile === undefined) return undefined;
    return mutationError(
      'VALIDATION',
      'attachment_not_uploaded',
      `The attachment ${missingFile.slice(0, 100)} has not been uploaded.`,
      [{ field: 'attachmentIds', message: 'Attachment has not been uploaded', type: 'VALIDATION' }],
    );
  }

  /**
   * Adds an attachment whose file has not arrived: its storage key, and an upload form (no fields yet) that expires
   * `lifetimeMs` from now. Without a file name, it is named after its id (`att_1.txt`).
   */
  addAttachment(
    init: { customerId: string; fileName?: string; sizeBytes: number; attachmentType: AttachmentType },
    lifetimeMs: number,
  ): FakeAttachment {
    const id = this.nextId('att_');
    const now = new Date();
    const attachment: FakeAttachment = {
      id,
      customerId: init.customerId,
      fileName: init.fileName ?? `${id}.txt`,
      sizeBytes: init.sizeBytes,
      attachmentType: init.attachmentType,
      key: `fake-workspace/${init.customerId}/${id}`,
      formData: [],
      expiresAt: new Date(now.getTime() + lifetimeMs),
      createdAt: now,
    };
    this.attachments.set(id, attachment);
    return attachment;
  }

  /**
   * Creates an attachment and its upload form: the form posts to `storageUrl`, and its policy
   * demands exactly `fileSizeBytes` bytes before `expiresAt` (`lifetimeMs` from now).
   */
  createAttachmentUploadUrl(
    input: { customerId: string; fileName: string; fileSizeBytes: number; attachmentType: AttachmentType },
    caller: Caller,
    storage: { url: string; lifetimeMs: number },
  ): Payload<{ attachment: FakeAttachment; uploadFormUrl: string }> {
    const refused = forbidden(caller, ['attachment:create']);
    if (refused) return refused;
    if (!this.customers.has(input.customerId)) return fieldError('customerId', 'NOT_FOUND', 'Customer not found');
    if (isBlank(input.fileName)) return fieldError('fileName', 'REQUIRED', 'fileName is required');
    if (input.fileSizeBytes <= 0)
      return fieldError('fileSizeBytes', 'VALIDATION', 'fileSizeBytes must be a positive number');
    if (hasBannedExtension(input.fileName)) {
      return mutationError('VALIDATION', 'attachment_file_type_not_allowed', 'This file type is not allowed.', [
        { field: 'fileName', message: 'File type not allowed', type: 'VALIDATION' },
      ]);
    }
    const limit = MAX_ATTACHMENT_BYTES[input.attachmentType];
    if (input.fileSizeBytes > limit) {
      return mutationError(
        'VALIDATION',
        'attachment_file_size_too_large',
        `The file is larger than ${limit} bytes, the limit for ${input.attachmentType} attachments.`,
        [{ field: 'fileSizeBytes', message: 'File size too large', type: 'VALIDATION' }],
      );
    }
    const attachment = this.addAttachment(
      {
        customerId: input.customerId,
        fileName: input.fileName,
        sizeBytes: input.fileSizeBytes,
        attachmentType: input.attachmentType,
      },
      storage.lifetimeMs,
    );
    const { id, key, createdAt: now, expiresAt } = attachment;
    const credential = `FAKEACCESSKEY/${now.toISOString().slice(0, 10).replaceAll('-', '')}/eu-west-2/s3/aws4_request`;
    const policy = btoa(
      JSON.stringify({
        expiration: expiresAt.toISOString(),
        conditions: [
          { bucket: 'fake-plain-attachments' },
          ['eq', '$key', key],
          ['content-length-range', input.fileSizeBytes, input.fileSizeBytes],
          { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
          { 'x-amz-credential': credential },
        ],
      }),
    );
    attachment.formData = [
      { key: 'bucket', value: 'fake-plain-attachments' },
      { key: 'X-Amz-Algorithm', value: 'AWS4-HMAC-SHA256' },
      { key: 'X-Amz-Credential', value: credential },
      { key: 'X-Amz-Date', value: now.toISOString().replace(/[-:]|\.\d+/g, '') },
      { key: 'key', value: key },
      { key: 'Policy', value: policy },
      { key: 'X-Amz-Signature', value: `fakesignature${id.slice(4)}` },
    ];
    return { error: null, attachment, uploadFormUrl: storage.url };
  }

  reply(i: ReplyInput, caller: Caller): Payload<object> {
    const refused = forbidden(caller, ['thread:reply']);
    if (refused) return refused;
    const thread = this.threads.get(i.threadId);
    if (!thread) return threadNotFound();
    if (isBlank(i.textContent)) return fieldError('textContent', 'REQUIRED', 'textContent is required');
    if (!REPLY_CHANNELS.includes(thread.channel)) {
      return mutationError(
        'VALIDATION',
        'cannot_reply_to_thread',
        `Replying to ${thread.channel} threads is not supported.`,
      );
    }

    let author: FakeMessage['author'] = { kind: 'machine_user', apiKey: caller.apiKey };
    if (i.impersonation != null) {
      if (!this.impersonationAllowed)
        return mutationError('FORBIDDEN', 'forbidden', "Impersonation is not available on this workspace's plan.");
      const noImpersonation = forbidden(caller, ['customer:impersonate']);
      if (noImpersonation) return noImpersonation;
      const identifier = i.impersonation.asCustomer?.customerIdentifier ?? {};
      const given = (['emailAddress', 'customerId', 'externalId'] as const).filter((k) => identifier[k] != null);
      const path = 'impersonation.asCustomer.customerIdentifier';
      if (given.length !== 1) return fieldError(path, 'VALIDATION', 'Exactly one customer identifier must be set');
      if (!IMPERSONATION_CHANNELS.includes(thread.channel)) {
        return mutationError(
          'VALIDATION',
          'cannot_reply_to_thread',
          `Impersonation is not supported on ${thread.channel} threads.`,
        );
      }
      const customer = this.findCustomer(identifier);
      if (!customer) return fieldError(path, 'NOT_FOUND', 'Customer not found');
      author = { kind: 'customer', customerId: customer.id, email: customer.email };
    }

    const email = i.channelSpecificOptions?.email;
    const cc = email?.additionalRecipients ?? [];
    const bcc = email?.hiddenRecipients ?? [];
    if (i.channelSpecificOptions != null && !EMAIL_OPTION_CHANNELS.includes(thread.channel)) {
      return mutationError(
        'VALIDATION',
        'cannot_reply_to_thread',
        `Email options are not supported on ${thread.channel} threads.`,
      );
    }
    if ([...cc, ...bcc].some((r) => !isDeliverableEmail(r.email)))
      return fieldError('channelSpecificOptions', 'VALIDATION', 'Recipient email is not valid');
    const notUploaded = this.notUploaded(i.attachmentIds);
    if (notUploaded) return notUploaded;

    this.sent.push({
      id: this.nextId('msg_'),
      threadId: thread.id,
      text: i.textContent,
      markdown: i.markdownContent,
      author,
      cc,
      bcc,
      attachmentIds: i.attachmentIds ?? [],
      sentAt: new Date(),
    });
    return { error: null };
  }

  /** The thread a state change acts on, after Plain's permission check; or Plain's refusal. */
  private editable(threadId: string, caller: Caller, needed: readonly FakePermission[]) {
    const refused = forbidden(caller, needed);
    if (refused) return refused;
    const thread = this.threads.get(threadId);
    return thread ? { thread } : threadNotFound();
  }

  /**
   * Sets a thread's status (and for a snooze, when it wakes). A change that changes something is recorded for the
   * webhooks; setting the same status twice changes nothing.
   */
  private setStatus(
    thread: FakeThread,
    change: { status: ThreadStatus; detail: FakeStatusDetail | null; until?: Date },
    caller: Caller,
  ): void {
    const previous = snapshotOf(thread);
    thread.status = change.status;
    thread.statusDetail = change.detail;
    if (change.until) thread.snoozedUntil = change.until;
    else delete thread.snoozedUntil;
    const same =
      previous.status === thread.status &&
      previous.statusDetail === thread.statusDetail &&
      previous.snoozedUntil === thread.snoozedUntil;
    if (same) return;
    thread.statusChangedAt = new Date();
    this.changes.push({ kind: 'status', previous, thread: snapshotOf(thread), apiKey: caller.apiKey });
  }

  /** Assigns a thread (or unassigns it, with null); a change is recorded for the webhooks. */
  private setAssignee(thread: FakeThread, assignee: FakeAssignee | null, caller: Caller): void {
    if (thread.assignee?.kind === assignee?.kind && thread.assignee?.id === assignee?.id) return;
    const previous = snapshotOf(thread);
    thread.assignee = assignee;
    if (assignee) thread.assignedAt = new Date();
    else delete thread.assignedAt;
    this.changes.push({ kind: 'assignment', previous, thread: snapshotOf(thread), apiKey: caller.apiKey });
  }

  markAsDone(input: { threadId: string; statusDetail?: FakeStatusDetail | null }, caller: Caller) {
    const found = this.editable(input.threadId, caller, ['thread:edit', 'thread:read']);
    if ('error' in found) return found;
    this.setStatus(found.thread, { status: 'DONE', detail: input.statusDetail ?? 'DONE_MANUALLY_SET' }, caller);
    return { error: null, thread: found.thread };
  }

  markAsTodo(input: { threadId: string; statusDetail?: FakeStatusDetail | null }, caller: Caller) {
    const found = this.editable(input.threadId, caller, ['thread:edit', 'thread:read']);
    if ('error' in found) return found;
    this.setStatus(found.thread, { status: 'TODO', detail: input.statusDetail ?? null }, caller);
    return { error: null, thread: found.thread };
  }

  snooze(
    input: { threadId: string; durationSeconds?: number | null; statusDetail?: FakeStatusDetail | null },
    caller: Caller,
  ) {
    const found = this.editable(input.threadId, caller, ['thread:edit', 'thread:read']);
    if ('error' in found) return found;
    const { durationSeconds, statusDetail } = input;
    if (durationSeconds == null && statusDetail !== 'WAITING_FOR_CUSTOMER') {
      return fieldError(
        'durationSeconds',
        'REQUIRED',
        'durationSeconds is required unless statusDetail is WAITING_FOR_CUSTOMER',
      );
    }
    if (durationSeconds != null && durationSeconds <= 0)
      return fieldError('durationSeconds', 'VALIDATION', 'durationSeconds must be a positive number');
    const until = durationSeconds == null ? undefined : new Date(Date.now() + durationSeconds * 1000);
    this.setStatus(found.thread, { status: 'SNOOZED', detail: statusDetail ?? 'WAITING_FOR_DURATION', until }, caller);
    return { error: null, thread: found.thread };
  }

  assign(input: { threadId: string; userId?: string | null; machineUserId?: string | null }, caller: Caller) {
    const found = this.editable(input.threadId, caller, ['thread:assign', 'thread:read']);
    if ('error' in found) return found;
    const { userId, machineUserId } = input;
    if ((userId == null) === (machineUserId == null))
      return fieldError('userId', 'VALIDATION', 'Exactly one of userId and machineUserId must be set');
    if (userId != null) {
      if (!this.users.has(userId)) return fieldError('userId', 'NOT_FOUND', 'User not found');
      this.setAssignee(found.thread, { kind: 'user', id: userId }, caller);
    } else if (machineUserId != null) {
      if (!this.allMachineUsers().some((m) => m.id === machineUserId))
        return fieldError('machineUserId', 'NOT_FOUND', 'Machine user not found');
      this.setAssignee(found.thread, { kind: 'machineUser', id: machineUserId }, caller);
    }
    return { error: null, thread: found.thread };
  }

  unassign(input: { threadId: string }, caller: Caller) {
    const found = this.editable(input.threadId, caller, ['thread:unassign']);
    if ('error' in found) return found;
    this.setAssignee(found.thread, null, caller);
    return { error: null, thread: found.thread };
  }

  addLabels(input: { threadId: string; labelTypeIds: string[] }, caller: Caller) {
    const found = this.editable(input.threadId, caller, ['label:create']);
    if ('error' in found) return found;
    if (input.labelTypeIds.length === 0)
      return fieldError('labelTypeIds', 'VALIDATION', 'labelTypeIds must hold at least one label type id');
    if (input.labelTypeIds.some((id) => !this.labelTypes.has(id)))
      return fieldError('labelTypeIds', 'NOT_FOUND', 'Label type not found');
    const { thread } = found;
    const previous = snapshotOf(thread);
    // A label type already on the thread keeps its label: labelling twice is harmless.
    const labels = [...new Set(input.labelTypeIds)].map((labelTypeId) => {
      const existing = thread.labels.find((l) => l.labelTypeId === labelTypeId);
      if (existing) return existing;
      const label = { id: this.nextId('l_'), labelTypeId };
      thread.labels.push(label);
      return label;
    });
    if (thread.labels.length > previous.labels.length)
      this.changes.push({
        kind: 'labels',
        changeType: 'ADDED',
        previous,
        thread: snapshotOf(thread),
        apiKey: caller.apiKey,
      });
    return { error: null, thread, labels };
  }

  removeLabels(input: { labelIds: string[] }, caller: Caller) {
    const refused = forbidden(caller, ['label:delete']);
    if (refused) return refused;
    if (input.labelIds.length === 0)
      return fieldError('labelIds', 'VALIDATION', 'labelIds must hold at least one label id');
    const owners = input.labelIds.map((id) =>
      [...this.threads.values()].find((t) => t.labels.some((l) => l.id === id)),
    );
    if (owners.some((t) => t === undefined)) return fieldError('labelIds', 'NOT_FOUND', 'Label not found');
    const threads = new Set(owners);
    const [thread] = threads;
    if (threads.size !== 1 || !thread)
      return fieldError('labelIds', 'VALIDATION', 'All labels must belong to the same thread');
    const previous = snapshotOf(thread);
    thread.labels = thread.labels.filter((l) => !input.labelIds.includes(l.id));
    this.changes.push({
      kind: 'labels',
      changeType: 'REMOVED',
      previous,
      thread: snapshotOf(thread),
      apiKey: caller.apiKey,
    });
    return { error: null, thread };
  }

  setAgentStatus(input: { threadId: string; agentStatus?: FakeAgentStatus | null }, caller: Caller) {
    const found = this.editable(input.threadId, caller, []);
    if ('error' in found) return found;
    found.thread.agentStatus = input.agentStatus ?? null;
    return { error: null, thread: found.thread };
  }

  createNote(
    input: {
      customerId: string;
      threadId?: string | null;
      text: string;
      markdown?: string | null;
      attachmentIds?: string[] | null;
    },
    caller: Caller,
  ) {
    const refused = forbidden(caller, ['note:create']);
    if (refused) return refused;
    if (!this.customers.has(input.customerId)) return fieldError('customerId', 'NOT_FOUND', 'Customer not found');
    if (input.threadId != null) {
      const thread = this.threads.get(input.threadId);
      if (!thread) return threadNotFound();
      if (thread.customerId !== input.customerId)
        return fieldError('threadId', 'VALIDATION', 'The thread belongs to another customer');
    }
    if (isBlank(input.text)) return fieldError('text', 'REQUIRED', 'text is required');
    const notUploaded = this.notUploaded(input.attachmentIds);
    if (notUploaded) return notUploaded;
    const note: FakeNote = {
      id: this.nextId('note_'),
      customerId: input.customerId,
      threadId: input.threadId ?? null,
      text: input.text,
      markdown: input.markdown ?? null,
      attachmentIds: input.attachmentIds ?? [],
      createdAt: new Date(),
      apiKey: caller.apiKey,
    };
    this.notes.push(note);
    const thread = note.threadId === null ? undefined : this.threads.get(note.threadId);
    if (thread) this.changes.push({ kind: 'note', note, thread: snapshotOf(thread), apiKey: caller.apiKey });
    return { error: null, note };
  }
}
