import type { PlainWebhookEvent } from './events.js';

const MESSAGE_EVENT = /^thread\.(email|chat|slack_message|ms_teams_message|discord_message)_(?:received|sent)$/;
const PAYLOAD_KEYS: Record<string, string> = {
  slack_message: 'slackMessage',
  ms_teams_message: 'msTeamsMessage',
  discord_message: 'discordMessage',
};

/**
 * Where a message event (`thread.{email,chat,slack_message,ms_teams_message,discord_message}_{received,sent}`) keeps
 * its message in the payload, and the name of the message's text field; undefined for any other type.
 */
export function messageFields(type: string): { key: string; text: string; markdown?: string } | undefined {
  const kind = MESSAGE_EVENT.exec(type)?.[1];
  if (kind === undefined) return undefined;
  if (kind === 'email') return { key: 'email', text: 'textContent', markdown: 'markdownContent' };
  return { key: PAYLOAD_KEYS[kind] ?? kind, text: kind === 'discord_message' ? 'textContent' : 'text' };
}

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

/** The field of each actor type that holds its id. */
const ACTOR_IDS: Record<string, string> = {
  customer: 'customerId',
  user: 'userId',
  machineUser: 'machineUserId',
  system: 'system',
};

function authorOf(actor: unknown): MessageAuthor {
  const kind = isObject(actor) && typeof actor.actorType === 'string' ? actor.actorType : '';
  const key = Object.hasOwn(ACTOR_IDS, kind) ? ACTOR_IDS[kind] : undefined;
  if (!key) return { kind: 'unknown' };
  const id = str((actor as Json)[key]);
  return id === undefined ? { kind: kind as MessageAuthor['kind'] } : { kind: kind as MessageAuthor['kind'], id };
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
  const fields = messageFields(String(event.type));
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
