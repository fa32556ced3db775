// The fake's answers to Plain's queries and mutations: the root fields it keeps state for, and the objects it builds
// from that state. Any field not built here gets a placeholder (see schema.ts).
import { coded, dateTime } from './schema.js';
import {
  type Caller,
  type FakeCustomer,
  type FakeLabel,
  type FakeNote,
  type FakePermission,
  type FakeStatusDetail,
  type FakeThread,
  type FakeWorkspace,
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

/** A cursor for a thread in a `threads` page (opaque to callers). */
const cursorOf = (thread: FakeThread) => `cursor:${thread.id}`;

/** Builds the root value of one request: Query and Mutation fields over `workspace`, as `caller`. */
export function rootFor(workspace: FakeWorkspace, caller: Caller): Record<string, unknown> {
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
    };
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
  type ThreadsArgs = {
    filters?: {
      customerIds?: string[] | null;
      statuses?: string[] | null;
      threadIds?: string[] | null;
      refs?: string[] | null;
    } | null;
    first?: number | null;
    after?: string | null;
    last?: number | null;
    before?: string | null;
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
      let start = 0;
      let end = matching.length;
      for (const [cursor, move] of [
        [args.after, (at: number) => (start = at + 1)],
        [args.before, (at: number) => (end = at)],
      ] as const) {
        if (cursor == null) continue;
        const at = matching.findIndex((t) => cursorOf(t) === cursor);
        if (at < 0) throw coded('BAD_USER_INPUT', `The cursor "${cursor}" does not point into this list.`);
        move(at);
      }
      for (const count of [args.first, args.last]) {
        if (count != null && count < 0) throw coded('BAD_USER_INPUT', 'first and last must not be negative.');
      }
      if (args.first != null) end = Math.min(end, start + args.first);
      if (args.last != null) start = Math.max(start, end - args.last);
      const page = matching.slice(start, Math.max(start, end));
      return {
        edges: page.map((t) => ({ cursor: cursorOf(t), node: threadView(t) })),
        pageInfo: {
          hasNextPage: end < matching.length,
          hasPreviousPage: start > 0,
          startCursor: page[0] ? cursorOf(page[0]) : null,
          endCursor: page.at(-1) ? cursorOf(page.at(-1) as FakeThread) : null,
        },
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
    createNote: ({ input }: Args<Parameters<FakeWorkspace['createNote']>[0]>) => {
      const result = workspace.createNote(input, caller);
      return result.error ? { error: result.error } : { error: null, note: noteView(result.note) };
    },
  };
}
