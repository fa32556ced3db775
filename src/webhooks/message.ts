import type { PlainWebhookEvent } from './events.js';

/** Where each message event keeps its message, and the message's text field. */
export const MESSAGE_FIELDS: Readonly<Record<string, { key: string; text: string; markdown?: string }>> = {
  'thread.email_received': { key: 'email', text: 'textContent', markdown: 'markdownContent' },
  'thread.email_sent': { key: 'email', text: 'textContent', markdown: 'markdownContent' },
  'thread.chat_received': { key: 'chat', text: 'text' },
  'thread.chat_sent': { key: 'chat', text: 'text' },
  'thread.slack_message_received': { key: 'slackMessage', text: 'text' },
  'thread.slack_message_sent': { key: 'slackMessage', text: 'text' },
  'thread.ms_teams_message_received': { key: 'msTeamsMessage', text: 'text' },
  'thread.ms_teams_message_sent': { key: 'msTeamsMessage', text: 'text' },
  'thread.discord_message_received': { key: 'discordMessage', text: 'textContent' },
  'thread.discord_message_sent': { key: 'discordMessage', text: 'textContent' },
};

/** Who wrote a message. `id` is the customer's, user's or machine user's id, or the system's name. */
export interface MessageAuthor {
  kind: 'customer' | 'user' | 'machineUser' | 'system' | 'unknown';
  id?: string;
}

export interface MessageAttachment {
  id: string;
  fileName: string;
  fileSizeBytes?: number;
  fileMimeType?: string;
}

/** The message a message event carries, the same shape for every channel. */
export interface WebhookMessage {
  threadId: string;
  customerId: string;
  timelineEntryId: string;
  /** The message's text ('' when it has none, e.g. attachments only). */
  text: string;
  /** Emails only, when Plain has it. */
  markdown?: string;
  attachments: MessageAttachment[];
  author: MessageAuthor;
  /** Emails only: whether this email started the thread (a `thread.thread_created` event accompanies it). */
  isStartOfThread?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function authorOf(actor: unknown): MessageAuthor {
  if (!isObject(actor)) return { kind: 'unknown' };
  const id = (key: string) => (str(actor[key]) === undefined ? {} : { id: actor[key] as string });
  switch (actor.actorType) {
    case 'customer':
      return { kind: 'customer', ...id('customerId') };
    case 'user':
      return { kind: 'user', ...id('userId') };
    case 'machineUser':
      return { kind: 'machineUser', ...id('machineUserId') };
    case 'system':
      return { kind: 'system', ...id('system') };
    default:
      return { kind: 'unknown' };
  }
}

function attachmentsOf(list: unknown): MessageAttachment[] {
  if (!Array.isArray(list)) return [];
  const out: MessageAttachment[] = [];
  for (const item of list) {
    if (!isObject(item) || str(item.id) === undefined) continue;
    const attachment: MessageAttachment = { id: item.id as string, fileName: str(item.fileName) ?? '' };
    if (typeof item.fileSizeBytes === 'number') attachment.fileSizeBytes = item.fileSizeBytes;
    if (str(item.fileMimeType) !== undefined) attachment.fileMimeType = item.fileMimeType as string;
    out.push(attachment);
  }
  return out;
}

/**
 * The message of an email, chat, Slack, Microsoft Teams or Discord event (received or sent), in one shape; undefined
 * for every other event, and for a message event of another version that lacks these fields.
 */
export function messageOf(event: PlainWebhookEvent): WebhookMessage | undefined {
  const fields = MESSAGE_FIELDS[event.type as string];
  const payload = event.payload;
  if (!fields || !isObject(payload)) return undefined;
  const thread = payload.thread;
  const message = payload[fields.key];
  if (!isObject(thread) || !isObject(message) || !isObject(thread.customer)) return undefined;
  const threadId = str(thread.id);
  const customerId = str(thread.customer.id);
  const timelineEntryId = str(message.timelineEntryId);
  if (threadId === undefined || customerId === undefined || timelineEntryId === undefined) return undefined;
  const result: WebhookMessage = {
    threadId,
    customerId,
    timelineEntryId,
    text: str(message[fields.text]) ?? '',
    attachments: attachmentsOf(message.attachments),
    author: authorOf(message.createdBy),
  };
  const markdown = fields.markdown === undefined ? undefined : str(message[fields.markdown]);
  if (markdown !== undefined) result.markdown = markdown;
  if (typeof message.isStartOfThread === 'boolean') result.isStartOfThread = message.isStartOfThread;
  return result;
}

/**
 * Whether the event is a message a customer wrote: the trigger for an automated reply. False for your own replies
 * (machine user), your team's (user), system messages and non-message events. A reply sent by impersonating the
 * customer shows as written by the customer, so a bot that impersonates must recognise its own text some other way.
 */
export function isFromCustomer(event: PlainWebhookEvent): boolean {
  return messageOf(event)?.author.kind === 'customer';
}
