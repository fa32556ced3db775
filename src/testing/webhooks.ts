// The fake's webhooks: events shaped as Plain's schema (version 2026-04-21) describes them, signed as Plain signs
// them, delivered over real HTTP or to an in-process handler.
import type { ThreadChannel } from '../generated/graphql.js';
import { WEBHOOK_SCHEMA_VERSION } from '../generated/webhooks.js';
import { signWebhook } from '../webhooks/signature.js';
import {
  type FakeAssignee,
  type FakeCustomer,
  type FakeLabel,
  type FakeMessage,
  type FakeParticipant,
  type FakeThread,
  type FakeThreadChange,
  type FakeWorkspace,
  fileExtensionOf,
} from './workspace.js';

const SUPPORT_EMAIL = 'support@fake-plain.example';

/** A URL Plain POSTs to, or a fetch-style handler called in-process (e.g. `webhookHandler(...)`). */
export type FakeWebhookTarget = string | ((request: Request) => Promise<Response>);

export interface FakeWebhookSubscription {
  /** The webhook target's id (`whTarget_…`), sent in every delivery. */
  id: string;
  /** Stops deliveries to this target. */
  unsubscribe(): void;
}

/** One delivery attempt the fake made. */
export interface FakeWebhookDelivery {
  eventId: string;
  eventType: string;
  /** The webhook target's id. */
  targetId: string;
  /** The URL, or 'in-process'. */
  target: string;
  attemptId: string;
  /** 1 for the first attempt, then 2, 3, … per redelivery. */
  attemptNumber: number;
  /** The exact body that was signed and sent. */
  body: string;
  headers: Record<string, string>;
  /** The receiver's HTTP status; undefined when the request failed (then `error` says why). */
  status?: number;
  error?: string;
}

export interface FakeCustomerWritesInput {
  /** The thread the customer writes on. Without it, a new thread is created (and `thread.thread_created` sent first). */
  threadId?: string;
  text: string;
  /** Emails only. */
  markdown?: string;
  /** For a new thread. @default 'EMAIL' */
  channel?: ThreadChannel;
  /** For a new thread. */
  title?: string;
  /** For a new thread: its customer. @default a new customer */
  customer?: FakeCustomer | string;
}

interface StoredEvent {
  id: string;
  type: string;
  timestamp: string;
  payload: Record<string, unknown>;
}
interface Target {
  id: string;
  target: FakeWebhookTarget;
  secret: string;
  eventTypes?: readonly string[];
  active: boolean;
}

type AddThread = (init: { channel?: ThreadChannel; title?: string; customer?: FakeCustomer | string }) => FakeThread;

/** The kind of message a thread's channel carries in webhooks, and where the payload keeps it. */
function messageKind(channel: ThreadChannel): { event: string; key: string } {
  switch (channel) {
    case 'CHAT':
      return { event: 'chat', key: 'chat' };
    case 'SLACK':
      return { event: 'slack_message', key: 'slackMessage' };
    case 'MS_TEAMS':
      return { event: 'ms_teams_message', key: 'msTeamsMessage' };
    case 'DISCORD':
      return { event: 'discord_message', key: 'discordMessage' };
    default:
      // EMAIL, and API threads, whose customers write by email.
      return { event: 'email', key: 'email' };
  }
}

/** Builds the fake's webhook side: `fake.webhooks`, `fake.customerWrites` and `fake.conversation`. */
export function createFakeWebhooks(deps: { workspace: () => FakeWorkspace; addThread: AddThread }) {
  const targets: Target[] = [];
  const events = new Map<string, StoredEvent>();
  const deliveries: FakeWebhookDelivery[] = [];
  const inbound: FakeMessage[] = [];
  const pending = new Set<Promise<unknown>>();
  let workspaceId = '';

  const ws = () => deps.workspace();
  const id = (prefix: string) => ws().nextId(prefix);
  const wsId = () => (workspaceId ||= id('w_'));
  const machineUserId = (apiKey: string) => ws().machineUserFor(apiKey).id;

  const system = { actorType: 'system', system: 'fake-plain' };
  const actorOf = (author: FakeMessage['author']) =>
    author.kind === 'customer'
      ? { actorType: 'customer', customerId: author.customerId }
      : { actorType: 'machineUser', machineUserId: machineUserId(author.apiKey) };

  function customerJson(customer: FakeCustomer, at: string) {
    return {
      id: customer.id,
      email: { email: customer.email, isVerified: true, verifiedAt: at },
      externalId: customer.externalId ?? null,
      fullName: customer.fullName,
      shortName: null,
      customerGroupMemberships: [],
      createdAt: at,
      createdBy: system,
      updatedAt: at,
      updatedBy: system,
    };
  }

  /** Why a thread has its status, as the webhook schema spells it. */
  function statusDetailJson(thread: FakeThread) {
    const detail = thread.statusDetail === 'TIMER_EXPIRED' ? 'DONE_AUTOMATICALLY_SET' : thread.statusDetail;
    if (detail === null) return null;
    if (detail === 'CREATED') return { type: detail, createdAt: thread.createdAt.toISOString() };
    if (detail === 'WAITING_FOR_DURATION') {
      const until = thread.snoozedUntil ?? thread.statusChangedAt;
      const durationSeconds = Math.round((until.getTime() - thread.statusChangedAt.getTime()) / 1000);
      return { type: detail, waitingUntil: until.toISOString(), durationSeconds };
    }
    return { type: detail };
  }

  function assigneeJson(assignee: FakeAssignee | null, at: string) {
    if (!assignee) return null;
    const audit = {
      createdAt: at,
      createdBy: system,
      updatedAt: at,
      updatedBy: system,
      deletedAt: null,
      deletedBy: null,
    };
    if (assignee.kind === 'machineUser') {
      const user = ws()
        .allMachineUsers()
        .find((m) => m.id === assignee.id);
      const name = user?.fullName ?? 'Machine user';
      return { id: assignee.id, fullName: name, publicName: name, description: null, ...audit };
    }
    const user = ws().users.get(assignee.id);
    const name = user?.fullName ?? 'User';
    return {
      id: assignee.id,
      email: user?.email ?? `${assignee.id}@staff.example`,
      fullName: name,
      publicName: name,
      status: 'ONLINE',
      statusChangedAt: at,
      ...audit,
    };
  }

  function labelJson(label: FakeLabel, at: string) {
    const audit = { createdAt: at, createdBy: system, updatedAt: at, updatedBy: system };
    const name = ws().labelTypes.get(label.labelTypeId)?.name || 'Label';
    return {
      id: label.id,
      labelType: { id: label.labelTypeId, name, isArchived: false, archivedAt: null, archivedBy: null, ...audit },
      ...audit,
    };
  }

  function threadJson(thread: FakeThread, at: string) {
    const customer = ws().customers.get(thread.customerId) ?? {
      id: thread.customerId,
      email: `${thread.customerId}@customers.example`,
      fullName: thread.customerId,
    };
    const customerActor = { actorType: 'customer', customerId: customer.id };
    return {
      id: thread.id,
      customer: customerJson(customer, at),
      title: thread.title || 'Untitled',
      previewText: null,
      priority: 2,
      externalId: thread.externalId ?? null,
      status: thread.status,
      statusChangedAt: thread.statusChangedAt.toISOString(),
      statusChangedBy: null,
      statusDetail: statusDetailJson(thread),
      assignee: assigneeJson(thread.assignee, at),
      assignedAt: thread.assignedAt?.toISOString() ?? null,
      additionalAssignees: [],
      labels: thread.labels.map((label) => labelJson(label, at)),
      firstInboundMessageInfo: null,
      firstOutboundMessageInfo: null,
      lastInboundMessageInfo: null,
      lastOutboundMessageInfo: null,
      supportEmailAddresses: [SUPPORT_EMAIL],
      createdAt: at,
      createdBy: customerActor,
      updatedAt: at,
      updatedBy: customerActor,
    };
  }

  function attachmentsJson(ids: readonly string[], actor: object, at: string) {
    return ids.map((attachmentId) => {
      const file = ws().attachments.get(attachmentId);
      const fileName = file?.fileName ?? `${attachmentId}.bin`;
      return {
        id: attachmentId,
        fileName,
        fileSizeBytes: file?.sizeBytes ?? 0,
        fileMimeType: file?.mimeType ?? 'application/octet-stream',
        fileExtension: fileExtensionOf(fileName),
        createdAt: at,
        createdBy: actor,
        updatedAt: at,
        updatedBy: actor,
      };
    });
  }

  /** The channel's message object for one message, as the schema describes it. */
  function messageJson(
    thread: FakeThread,
    message: FakeMessage,
    options: { inbound: boolean; isStartOfThread: boolean },
  ) {
    const at = message.sentAt.toISOString();
    const actor = actorOf(message.author);
    const { inbound } = options;
    const common = {
      timelineEntryId: id('tle_'),
      attachments: attachmentsJson(message.attachmentIds, actor, at),
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      updatedBy: actor,
    };
    const customer = ws().customers.get(thread.customerId);
    const participant = (p: FakeParticipant) => ({ email: p.email, name: p.name ?? null, emailActor: null });
    switch (messageKind(thread.channel).key) {
      case 'chat':
        return { ...common, id: id('chat_'), customerReadAt: null, text: message.text === '' ? null : message.text };
      case 'slackMessage':
        return {
          ...common,
          id: id('slackMsg_'),
          text: message.text,
          resolvedText: message.text,
          slackChannelId: 'C0FAKEPLAIN',
          slackChannelName: 'support',
          slackMessageLink: 'https://fake-plain.slack.example/archives/C0FAKEPLAIN/p1',
          slackReactions: [],
        };
      case 'msTeamsMessage':
        return {
          ...common,
          threadId: thread.id,
          msTeamsMessageId: common.timelineEntryId,
          type: inbound ? 'INBOUND' : 'OUTBOUND',
          text: message.text,
          lastEditedOnMsTeamsAt: null,
          deletedOnMsTeamsAt: null,
        };
      case 'discordMessage':
        return {
          ...common,
          id: id('discordMsg_'),
          discordGuildId: '100000000000000001',
          discordChannelId: '100000000000000002',
          discordThreadId: '100000000000000003',
          discordId: common.timelineEntryId,
          discordTimestamp: at,
          textContent: message.text,
          lastEditedOnDiscordAt: null,
          deletedOnDiscordAt: null,
        };
      default: {
        const customerEmail = {
          email: customer?.email ?? `${thread.customerId}@customers.example`,
          name: customer?.fullName ?? null,
          emailActor: { actorType: 'customer', customerId: thread.customerId },
        };
        const support = {
          email: SUPPORT_EMAIL,
          name: 'Support',
          emailActor: { actorType: 'supportEmailAddress', supportEmailAddress: SUPPORT_EMAIL },
        };
        return {
          ...common,
          id: id('email_'),
          from: inbound ? customerEmail : support,
          to: inbound ? support : customerEmail,
          replyTo: null,
          additionalRecipients: message.cc.map(participant),
          hiddenRecipients: message.bcc.map(participant),
          subject: thread.title || null,
          textContent: message.text,
          markdownContent: message.markdown ?? null,
          authenticity: 'PASS',
          sentAt: at,
          receivedAt: inbound ? at : null,
          inReplyToEmailId: null,
          isStartOfThread: options.isStartOfThread,
        };
      }
    }
  }

  async function deliver(target: Target, event: StoredEvent, attemptNumber: number): Promise<FakeWebhookDelivery> {
    const attemptId = id('whAttempt_');
    const attemptAt = new Date().toISOString();
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      workspaceId: wsId(),
      payload: event.payload,
      webhookMetadata: {
        webhookTargetId: target.id,
        webhookTargetVersion: WEBHOOK_SCHEMA_VERSION,
        webhookDeliveryAttemptId: attemptId,
        webhookDeliveryAttemptNumber: attemptNumber,
        webhookDeliveryAttemptTimestamp: attemptAt,
      },
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Plain-Webhooks/1.0 (plain-client fake)',
      'plain-request-signature': await signWebhook({ body, secret: target.secret }),
      'plain-event-type': event.type,
      'plain-event-id': event.id,
      'plain-workspace-id': wsId(),
      'plain-webhook-target-id': target.id,
      'plain-webhook-target-version': WEBHOOK_SCHEMA_VERSION,
      'plain-webhook-delivery-attempt-id': attemptId,
      'plain-webhook-delivery-attempt-number': String(attemptNumber),
      'plain-webhook-delivery-attempt-timestamp': attemptAt,
    };
    const delivery: FakeWebhookDelivery = {
      eventId: event.id,
      eventType: event.type,
      targetId: target.id,
      target: typeof target.target === 'string' ? target.target : 'in-process',
      attemptId,
      attemptNumber,
      body,
      headers,
    };
    deliveries.push(delivery);
    try {
      // A receiver that never answers is recorded as failed after 10 s, so that settled() always settles.
      const init: RequestInit = {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      };
      const response =
        typeof target.target === 'string'
          ? await fetch(target.target, init)
          : await target.target(new Request('http://127.0.0.1/fake-plain-webhook', init));
      delivery.status = response.status;
      await response.arrayBuffer().catch(() => {});
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    return delivery;
  }

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  };

  const subscribed = (type: string) =>
    targets.filter((t) => t.active && (!t.eventTypes || t.eventTypes.includes(type)));

  /** Records an event and delivers it to every target subscribed to its type. */
  function emit(
    type: string,
    payload: Record<string, unknown>,
  ): { eventId: string; delivered: Promise<FakeWebhookDelivery[]> } {
    const event: StoredEvent = {
      id: id('pEv_'),
      type,
      timestamp: new Date().toISOString(),
      payload: { eventType: type, ...payload },
    };
    events.set(event.id, event);
    return { eventId: event.id, delivered: track(Promise.all(subscribed(type).map((t) => deliver(t, event, 1)))) };
  }

  function emitMessage(
    direction: 'received' | 'sent',
    thread: FakeThread,
    message: FakeMessage,
    isStartOfThread = false,
  ) {
    const kind = messageKind(thread.channel);
    const at = message.sentAt.toISOString();
    return emit(`thread.${kind.event}_${direction}`, {
      thread: threadJson(thread, at),
      [kind.key]: messageJson(thread, message, { inbound: direction === 'received', isStartOfThread }),
    });
  }

  const webhooks = {
    /**
     * Sends every later event (or those of `eventTypes`) to `target`, signed with `secret`, with Plain's headers.
     * Deliveries run in the background: `await fake.webhooks.settled()` before asserting on them.
     */
    subscribe(
      target: FakeWebhookTarget,
      options: { secret: string; eventTypes?: readonly string[] },
    ): FakeWebhookSubscription {
      const entry: Target = {
        id: id('whTarget_'),
        target,
        secret: options.secret,
        eventTypes: options.eventTypes,
        active: true,
      };
      targets.push(entry);
      return {
        id: entry.id,
        unsubscribe: () => {
          entry.active = false;
        },
      };
    },
    /** Delivers an event again to the targets that had it: same event id, a new attempt id, number and timestamp, signed again. */
    async redeliver(eventId: string): Promise<FakeWebhookDelivery[]> {
      const event = events.get(eventId);
      if (!event) throw new Error(`fake Plain: no event ${eventId} to redeliver.`);
      const again = targets.filter(
        (t) => t.active && deliveries.some((d) => d.eventId === eventId && d.targetId === t.id),
      );
      return track(
        Promise.all(
          again.map((t) => {
            const attempts = deliveries.filter((d) => d.eventId === eventId && d.targetId === t.id).length;
            return deliver(t, event, attempts + 1);
          }),
        ),
      );
    },
    /** Every delivery attempt so far, oldest first. */
    deliveries: (): FakeWebhookDelivery[] => [...deliveries],
    /** Waits until no delivery is in flight, including those that handlers caused (a bot's reply emits `*_sent`). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    /** The machine user an API key acts as: the author of its replies in `*_sent` events. */
    machineUserId: (apiKey: string): string => machineUserId(apiKey),
    /** The fake's workspace id, as in every event. */
    get workspaceId(): string {
      return wsId();
    },
  };

  /**
   * A customer writes on a thread: the message is recorded and the received event of the thread's channel
   * (`thread.email_received`, `thread.chat_received`, …) is delivered. Resolves once every target answered.
   */
  async function customerWrites(
    input: FakeCustomerWritesInput,
  ): Promise<{ thread: FakeThread; message: FakeMessage; eventId: string; deliveries: FakeWebhookDelivery[] }> {
    const existing = input.threadId === undefined ? undefined : ws().threads.get(input.threadId);
    if (input.threadId !== undefined && !existing) throw new Error(`fake Plain: no thread ${input.threadId}.`);
    const thread =
      existing ?? deps.addThread({ channel: input.channel ?? 'EMAIL', title: input.title, customer: input.customer });
    const customer = ws().customers.get(thread.customerId);
    const message: FakeMessage = {
      id: id('msg_'),
      threadId: thread.id,
      text: input.text,
      markdown: input.markdown ?? null,
      author: { kind: 'customer', customerId: thread.customerId, email: customer?.email ?? '' },
      cc: [],
      bcc: [],
      attachmentIds: [],
      sentAt: new Date(),
    };
    const isStartOfThread =
      !inbound.some((m) => m.threadId === thread.id) && !ws().sent.some((m) => m.threadId === thread.id);
    inbound.push(message);
    const first = existing
      ? []
      : await emit('thread.thread_created', { thread: threadJson(thread, message.sentAt.toISOString()) }).delivered;
    const { eventId, delivered } = emitMessage('received', thread, message, isStartOfThread);
    return { thread, message, eventId, deliveries: [...first, ...(await delivered)] };
  }

  return {
    webhooks,
    customerWrites,
    /** Every message on a thread in both directions (the customer's and the replies Plain accepted), oldest first. */
    conversation: (threadId: string): FakeMessage[] =>
      [...inbound, ...ws().sent]
        .filter((m) => m.threadId === threadId)
        .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime()),
    /** Called with the replies Plain just accepted: emits their `*_sent` events. */
    repliesAccepted(replies: readonly FakeMessage[]): void {
      for (const reply of replies) {
        const thread = ws().threads.get(reply.threadId);
        if (thread) emitMessage('sent', thread, reply);
      }
    },
    /**
     * Called with the state changes just made: emits `thread.thread_status_transitioned`,
     * `thread.thread_assignment_transitioned`, `thread.thread_labels_changed` and `thread.note_created`.
     */
    threadsChanged(changes: readonly FakeThreadChange[]): void {
      for (const change of changes) {
        const at = new Date().toISOString();
        const thread = threadJson(change.thread, at);
        if (change.kind === 'note') {
          const actor = actorOf({ kind: 'machine_user', apiKey: change.apiKey });
          const { note } = change;
          const noteAt = note.createdAt.toISOString();
          emit('thread.note_created', {
            thread,
            note: {
              timelineEntryId: id('tle_'),
              id: note.id,
              text: note.text,
              markdown: note.markdown || null,
              createdAt: noteAt,
              createdBy: actor,
              updatedAt: noteAt,
              updatedBy: actor,
              deletedAt: null,
              deletedBy: null,
            },
          });
          continue;
        }
        const previousThread = threadJson(change.previous, at);
        if (change.kind === 'labels') {
          emit('thread.thread_labels_changed', { changeType: change.changeType, previousThread, thread });
        } else {
          emit(`thread.thread_${change.kind}_transitioned`, { previousThread, thread });
        }
      }
    },
    /** Forgets targets, events, deliveries and inbound messages. */
    reset(): void {
      targets.length = 0;
      events.clear();
      deliveries.length = 0;
      inbound.length = 0;
      workspaceId = '';
    },
  };
}

export type FakeWebhooks = ReturnType<typeof createFakeWebhooks>['webhooks'];
