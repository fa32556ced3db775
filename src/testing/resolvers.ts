// The fake's answers to Plain's queries and mutations: the root fields it keeps state for, and the objects it builds
// from that state. Any field not built here gets a placeholder (see schema.ts).
import { coded, dateTime } from './schema.js';
import {
  type Caller,
  type FakeAttachment,
  type FakeCustomer,
  type FakeLabel,
  type FakeMessage,
  type FakeNote,
  type FakePermission,
  type FakeStatusDetail,
  type FakeThread,
  type FakeWorkspace,
  fileExtensionOf,
  missing,
} from './workspace.js';

/** The `ThreadStatusDetail` member each status detail is shown as. */
const STATUS_DETAIL_TYPES: Record<FakeStatusDetail, string> = {
  CREATED: 'ThreadStatusDetailCreated',
  IN_PROGRESS: 'ThreadStatusDetailInProgress',
  NEW_REPLY: 'ThreadStatusDetailNewReply',
  THREAD_LINK_UPDATED: 'ThreadStatusDetailThreadLinkUpdated',
  THREAD_DISCUSSION_RESOLVED: 'ThreadStatusDetailThreadDiscussionResolved',
  WAITING_FOR_CUSTOMER: 'ThreadStatusDetailWaitingForCustomer',
  WAITING_FOR_DURATION: 'ThreadStatusDetailWaitingForDuration',
  IGNORED: 'ThreadStatusDetailIgnored',
  DONE_MANUALLY_SET: 'ThreadStatusDetailDoneManuallySet',
  DONE_AUTOMATICALLY_SET: 'ThreadStatusDetailDoneAutomaticallySet',
  TIMER_EXPIRED: 'ThreadStatusDetailDoneAutomaticallySet',
};
const AGENT_STATUS_DETAIL_TYPES = {
  IN_PROGRESS: 'AgentStatusDetailInProgress',
  HANDED_OFF: 'AgentStatusDetailHandedOff',
  HANDLED: 'AgentStatusDetailHandled',
};

/** A cursor for an item of a page (opaque to callers). */
const cursorOf = (item: { id: string }) => `cursor:${item.id}`;

/** Relay-style page arguments, as Plain's connections take them. */
interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One page of `items` (in the connection's order) for `first`/`after` or `last`/`before`, as a connection without its nodes' views. */
function pageOf<T extends { id: string }>(items: readonly T[], args: PageArgs) {
  let start = 0;
  let end = items.length;
  if (args.after != null) start = indexOfCursor(items, args.after) + 1;
  if (args.before != null) end = indexOfCursor(items, args.before);
  for (const count of [args.first, args.last]) {
    if (count != null && count < 0) throw coded('BAD_USER_INPUT', 'first and last must not be negative.');
  }
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const page = items.slice(start, Math.max(start, end));
  const first = page[0];
  const last = page.at(-1);
  return {
    page,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: first ? cursorOf(first) : null,
      endCursor: last ? cursorOf(last) : null,
    },
  };
}

function indexOfCursor(items: readonly { id: string }[], cursor: string): number {
  const at = items.findIndex((item) => cursorOf(item) === cursor);
  if (at < 0) throw coded('BAD_USER_INPUT', `The cursor "${cursor}" does not point into this list.`);
  return at;
}

/** The `Entry` member and the `TimelineEntryType` of a message on a thread of each channel. */
function messageEntry(thread: FakeThread, message: FakeMessage, customerEmail: string) {
  const customerId = thread.customerId;
  switch (thread.channel) {
    case 'CHAT':
      return { type: 'CHAT', entry: { __typename: 'ChatEntry', chatId: message.id, text: message.text } };
    case 'SLACK':
      return { type: 'SLACK_MESSAGE', entry: { __typename: 'SlackMessageEntry', text: message.text, customerId } };
    case 'MS_TEAMS':
      return {
        type: 'MS_TEAMS_MESSAGE',
        entry: {
          __typename: 'MSTeamsMessageEntry',
          text: message.text,
          markdownContent: message.markdown ?? null,
          customerId,
          msTeamsMessageId: message.id,
        },
      };
    case 'DISCORD':
      return {
        type: 'DISCORD_MESSAGE',
        entry: {
          __typename: 'DiscordMessageEntry',
          markdownContent: message.text,
          customerId,
          discordMessageId: message.id,
        },
      };
    default: {
      // EMAIL, and API threads, whose customers write by email.
      const customer = { email: customerEmail, name: null };
      const support = { email: 'support@fake-plain.example', name: 'Support' };
      const fromCustomer = message.author.kind === 'customer';
      return {
        type: 'EMAIL',
        entry: {
          __typename: 'EmailEntry',
          emailId: message.id,
          from: fromCustomer ? customer : support,
          to: fromCustomer ? support : customer,
          additionalRecipients: message.cc.map((p) => ({ email: p.email, name: p.name ?? null })),
          hiddenRecipients: message.bcc.map((p) => ({ email: p.email, name: p.name ?? null })),
          subject: thread.title,
          textContent: message.text,
          markdownContent: message.markdown ?? null,
          sentAt: dateTime(message.sentAt),
        },
      };
    }
  }
}

/** A timeline entry with the attachments its message carried. */
const withAttachments = <E extends { type: string; entry: object }>(built: E, attachments: object[]) => ({
  ...built,
  entry: { ...built.entry, attachments },
});

/**
 * Builds the root value of one request: Query and Mutation fields over `workspace`, as `caller`. `conversation`
 * lists a thread's messages both ways (the customer's and the replies), oldest first.
 */
export function rootFor(
  workspace: FakeWorkspace,
  caller: Caller,
  conversation: (threadId: string) => FakeMessage[],
  storage: { url: string; lifetimeMs: number },
): Record<string, unknown> {
  const need = (permission: FakePermission) => {
    if (!caller.permissions.has(permission)) throw coded('FORBIDDEN', missing(permission));
  };

  const customerView = (customer: FakeCustomer | undefined) =>
    customer && {
      __typename: 'Customer',
      id: customer.id,
      externalId: customer.externalId ?? null,
      fullName: customer.fullName,
      shortName: null,
      email: { email: customer.email, isVerified: true, verifiedAt: null },
    };

  const userView = (id: string) => {
    const user = workspace.users.get(id);
    return user && { __typename: 'User', id, fullName: user.fullName, publicName: user.fullName, email: user.email };
  };
  const machineUserView = (id: string) => {
    const user = workspace.allMachineUsers().find((m) => m.id === id);
    return user && { __typename: 'MachineUser', id, fullName: user.fullName, publicName: user.fullName };
  };

  const labelView = (label: FakeLabel) => {
    const type = workspace.labelTypes.get(label.labelTypeId);
    return { id: label.id, labelType: { id: label.labelTypeId, name: type?.name ?? '', isArchived: false } };
  };

  const threadView = (thread: FakeThread | undefined) => {
    if (!thread) return null;
    const statusChangedAt = dateTime(thread.statusChangedAt);
    const { statusDetail, agentStatus, assignee } = thread;
    return {
      __typename: 'Thread',
      id: thread.id,
      ref: thread.ref,
      title: thread.title,
      channel: thread.channel,
      status: thread.status,
      externalId: thread.externalId ?? null,
      statusChangedAt,
      statusDetail: statusDetail && {
        __typename: STATUS_DETAIL_TYPES[statusDetail],
        statusChangedAt,
        ...(thread.snoozedUntil ? { waitingUntil: dateTime(thread.snoozedUntil) } : {}),
      },
      agentStatus,
      agentStatusDetail: agentStatus && { __typename: AGENT_STATUS_DETAIL_TYPES[agentStatus], type: agentStatus },
      assignedTo: assignee && (assignee.kind === 'user' ? userView(assignee.id) : machineUserView(assignee.id)),
      labels: thread.labels.map(labelView),
      customer: () => customerView(workspace.customers.get(thread.customerId)),
      createdAt: dateTime(thread.createdAt),
      timelineEntries: (args: PageArgs & { filters?: Parameters<typeof timelineOf>[1] | null }) => {
        const { page, pageInfo } = pageOf(timelineOf(thread, args.filters ?? {}), args);
        const edges = page.map((e) => ({
          cursor: cursorOf(e),
          node: {
            id: e.id,
            customerId: thread.customerId,
            threadId: thread.id,
            timestamp: dateTime(e.at),
            entry: e.entry,
            actor: e.actor,
          },
        }));
        return { edges, pageInfo };
      },
    };
  };

  const actorView = (author: FakeMessage['author']) => {
    if (author.kind === 'customer') {
      const customer = workspace.customers.get(author.customerId);
      return { __typename: 'CustomerActor', customerId: author.customerId, customer: () => customerView(customer) };
    }
    const id = workspace.machineUserFor(author.apiKey).id;
    return { __typename: 'MachineUserActor', machineUserId: id, machineUser: () => machineUserView(id) };
  };

  const attachmentView = (attachment: FakeAttachment) => {
    return {
      __typename: 'Attachment',
      id: attachment.id,
      fileName: attachment.fileName,
      fileSize: {
        bytes: attachment.sizeBytes,
        kiloBytes: attachment.sizeBytes / 1024,
        megaBytes: attachment.sizeBytes / (1024 * 1024),
      },
      fileExtension: fileExtensionOf(attachment.fileName),
      fileMimeType: attachment.mimeType ?? 'application/octet-stream',
      type: attachment.attachmentType,
      createdAt: dateTime(attachment.createdAt),
      updatedAt: dateTime(attachment.uploadedAt ?? attachment.createdAt),
    };
  };
  /** The attachments a message or note carried, as its timeline entry shows them. */
  const attachmentsOf = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const attachment = workspace.attachments.get(id);
      return attachment ? [attachmentView(attachment)] : [];
    });

  /**
   * The thread's messages and notes, **newest first** as Plain's timeline connection lists them (`first` reads the
   * newest; Plain's own portal example reverses the page it gets from `first: 100` to show it oldest first).
   */
  const timelineOf = (thread: FakeThread, filters: { isMessage?: boolean | null; entryTypes?: string[] | null }) => {
    const customerEmail = workspace.customers.get(thread.customerId)?.email ?? '';
    const messages = conversation(thread.id).map((message) => ({
      id: `tle_${message.id.slice(message.id.indexOf('_') + 1)}`,
      at: message.sentAt,
      isMessage: true,
      actor: () => actorView(message.author),
      ...withAttachments(messageEntry(thread, message, customerEmail), attachmentsOf(message.attachmentIds)),
    }));
    const notes = workspace.notes
      .filter((note) => note.threadId === thread.id)
      .map((note) => ({
        id: `tle_${note.id.slice(note.id.indexOf('_') + 1)}`,
        at: note.createdAt,
        isMessage: false,
        actor: () => actorView({ kind: 'machine_user', apiKey: note.apiKey ?? caller.apiKey }),
        type: 'NOTE',
        entry: {
          __typename: 'NoteEntry',
          noteId: note.id,
          text: note.text,
          markdown: note.markdown,
          attachments: attachmentsOf(note.attachmentIds),
        },
      }));
    return (
      [...messages, ...notes]
        .filter((e) => filters.isMessage == null || e.isMessage === filters.isMessage)
        .filter((e) => !filters.entryTypes || filters.entryTypes.includes(e.type))
        // Within one millisecond, the one created later first: ids count up across messages and notes alike.
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    );
  };

  const noteView = (note: FakeNote) => ({
    id: note.id,
    text: note.text,
    markdown: note.markdown,
    customer: () => customerView(workspace.customers.get(note.customerId)),
    createdAt: dateTime(note.createdAt),
  });

  /** A mutation's payload with the thread (and other objects) shown as Plain shows them. */
  const payload = <T extends { error: unknown; thread?: FakeThread }>(result: T) =>
    result.error ? { error: result.error } : { ...result, thread: threadView(result.thread) };

  type Args<T> = { input: T };
  type ThreadsArgs = PageArgs & {
    filters?: {
      customerIds?: string[] | null;
      statuses?: string[] | null;
      threadIds?: string[] | null;
      refs?: string[] | null;
    } | null;
  };

  return {
    // Queries.
    thread: ({ threadId }: { threadId: string }) => {
      need('thread:read');
      return threadView(workspace.threads.get(threadId));
    },
    threadByRef: ({ ref }: { ref: string }) => {
      need('thread:read');
      return threadView([...workspace.threads.values()].find((t) => t.ref === ref));
    },
    threadByExternalId: ({ customerId, externalId }: { customerId: string; externalId: string }) => {
      need('thread:read');
      const threads = [...workspace.threads.values()];
      return threadView(threads.find((t) => t.customerId === customerId && t.externalId === externalId));
    },
    threads: (args: ThreadsArgs) => {
      need('thread:read');
      const f = args.filters ?? {};
      const matching = [...workspace.threads.values()].filter(
        (t) =>
          (!f.customerIds || f.customerIds.includes(t.customerId)) &&
          (!f.statuses || f.statuses.includes(t.status)) &&
          (!f.threadIds || f.threadIds.includes(t.id)) &&
          (!f.refs || f.refs.includes(t.ref)),
      );
      const { page, pageInfo } = pageOf(matching, args);
      return {
        edges: page.map((t) => ({ cursor: cursorOf(t), node: threadView(t) })),
        pageInfo,
        totalCount: matching.length,
      };
    },
    customer: ({ customerId }: { customerId: string }) => {
      need('customer:read');
      return customerView(workspace.customers.get(customerId)) ?? null;
    },
    customerByEmail: ({ email }: { email: string }) => {
      need('customer:read');
      return customerView(workspace.findCustomer({ emailAddress: email })) ?? null;
    },
    customerByExternalId: ({ externalId }: { externalId: string }) => {
      need('customer:read');
      return customerView(workspace.findCustomer({ externalId })) ?? null;
    },
    myMachineUser: () => machineUserView(workspace.machineUserFor(caller.apiKey).id),
    user: ({ userId }: { userId: string }) => userView(userId) ?? null,

    // Mutations.
    replyToThread: ({ input }: Args<Parameters<FakeWorkspace['reply']>[0]>) => workspace.reply(input, caller),
    markThreadAsDone: ({ input }: Args<Parameters<FakeWorkspace['markAsDone']>[0]>) =>
      payload(workspace.markAsDone(input, caller)),
    markThreadAsTodo: ({ input }: Args<Parameters<FakeWorkspace['markAsTodo']>[0]>) =>
      payload(workspace.markAsTodo(input, caller)),
    snoozeThread: ({ input }: Args<Parameters<FakeWorkspace['snooze']>[0]>) => payload(workspace.snooze(input, caller)),
    assignThread: ({ input }: Args<Parameters<FakeWorkspace['assign']>[0]>) => payload(workspace.assign(input, caller)),
    unassignThread: ({ input }: Args<{ threadId: string }>) => payload(workspace.unassign(input, caller)),
    addLabels: ({ input }: Args<{ threadId: string; labelTypeIds: string[] }>) => {
      const result = workspace.addLabels(input, caller);
      return result.error ? { error: result.error } : { ...payload(result), labels: result.labels.map(labelView) };
    },
    removeLabels: ({ input }: Args<{ labelIds: string[] }>) => payload(workspace.removeLabels(input, caller)),
    updateThreadAgentStatus: ({ input }: Args<Parameters<FakeWorkspace['setAgentStatus']>[0]>) =>
      payload(workspace.setAgentStatus(input, caller)),
    createAttachmentUploadUrl: ({ input }: Args<Parameters<FakeWorkspace['createAttachmentUploadUrl']>[0]>) => {
      const result = workspace.createAttachmentUploadUrl(input, caller, storage);
      if (result.error) return { error: result.error };
      const { attachment, uploadFormUrl } = result;
      return {
        error: null,
        attachmentUploadUrl: {
          attachment: attachmentView(attachment),
          uploadFormUrl,
          uploadFormData: attachment.formData,
          expiresAt: dateTime(attachment.expiresAt),
        },
      };
    },
    createNote: ({ input }: Args<Parameters<FakeWorkspace['createNote']>[0]>) => {
      const result = workspace.createNote(input, caller);
      return result.error ? { error: result.error } : { error: null, note: noteView(result.note) };
    },
  };
}
