// A thread's timeline as plain-client types it: what `getTimeline` resolves with, and the one mapping from Plain's
// answer to `GetTimeline` (operations/timeline.graphql) into those types. The proxy reuses the same mapping to answer
// browsers: `customerTimelineAnswer` rebuilds the answer from the customer view of the typed entries, so a field that
// the typed entries do not carry (llmText, Bcc recipients, a note) cannot reach a browser, whatever Plain sent.

/** Who wrote an entry. `customer` includes customers deleted since; `system` is Plain itself or a workflow. */
export interface TimelineAuthor {
  kind: 'customer' | 'user' | 'machineUser' | 'system';
  /** `c_…` for a customer, `u_…` for a user, `machineUser_…` for a machine user, the system's id for `system`. */
  id: string;
}

/** An email address on an email entry, with its display name when Plain has one. */
export interface TimelineParticipant {
  email: string;
  name: string | null;
}

/** A file attached to a message or note. */
export interface TimelineAttachment {
  id: string;
  fileName: string;
  fileSizeBytes: number;
  mimeType: string;
}

/** An email, sent or received. `bcc` is present only in staff reads (never in `toCustomerView`). */
export interface TimelineEmail {
  kind: 'email';
  from: TimelineParticipant;
  to: TimelineParticipant;
  cc: TimelineParticipant[];
  bcc?: TimelineParticipant[];
  subject: string | null;
  text: string | null;
  /** Plain cut `text` short (a long email): it is the beginning of the email's text. */
  truncated: boolean;
  markdown: string | null;
  attachments: TimelineAttachment[];
}
/** A chat message (Plain's chat widget, and replies on CHAT threads). */
export interface TimelineChat {
  kind: 'chat';
  text: string | null;
  attachments: TimelineAttachment[];
}
/** A Slack message, or a reply in a Slack thread. */
export interface TimelineSlack {
  kind: 'slack';
  text: string;
  attachments: TimelineAttachment[];
}
/** A Microsoft Teams message. */
export interface TimelineMsTeams {
  kind: 'msTeams';
  text: string;
  markdown: string | null;
  attachments: TimelineAttachment[];
}
/** A Discord message: Plain keeps its markdown only. */
export interface TimelineDiscord {
  kind: 'discord';
  markdown: string | null;
  attachments: TimelineAttachment[];
}
/** An internal note: staff only. */
export interface TimelineNote {
  kind: 'note';
  text: string;
  markdown: string | null;
  attachments: TimelineAttachment[];
}
/**
 * Any other entry (status changes, assignments, labels, thread discussions, custom entries, …): Plain's type name
 * (`ThreadStatusTransitionedEntry`, …) and nothing else.
 */
export interface TimelineOther {
  kind: 'other';
  typename: string;
}
/** What an entry holds, discriminated on `kind`. */
export type TimelineEntryContent =
  | TimelineEmail
  | TimelineChat
  | TimelineSlack
  | TimelineMsTeams
  | TimelineDiscord
  | TimelineNote
  | TimelineOther;
/** The kinds of entry a customer writes or receives: every kind but `note` and `other`. */
export type TimelineMessage = Exclude<TimelineEntryContent, TimelineNote | TimelineOther>;

/** One entry of a thread's timeline. */
export interface TimelineEntry {
  /** The timeline entry's id. */
  id: string;
  /** When it happened, as Plain gives it (ISO 8601, UTC). */
  timestamp: string;
  author: TimelineAuthor;
  entry: TimelineEntryContent;
}

/**
 * One page of a timeline, **newest first** (Plain's order: `first` reads the newest entries, `after: endCursor`
 * continues with older ones; `last` reads the oldest, `before: startCursor` continues with newer ones).
 */
export interface TimelinePage {
  entries: TimelineEntry[];
  pageInfo: {
    /** Older entries follow (read them with `after: endCursor`). */
    hasNextPage: boolean;
    /** Newer entries precede (read them with `before: startCursor`). */
    hasPreviousPage: boolean;
    /** The cursor of the page's first (newest) entry, or null on an empty page. */
    startCursor: string | null;
    /** The cursor of the page's last (oldest) entry, or null on an empty page. */
    endCursor: string | null;
  };
}

/** The timeline entry types of the messages a customer sees: what the proxy asks Plain for on a customer's behalf. */
export const CUSTOMER_ENTRY_TYPES = [
  'EMAIL',
  'CHAT',
  'SLACK_MESSAGE',
  'SLACK_REPLY',
  'MS_TEAMS_MESSAGE',
  'DISCORD_MESSAGE',
] as const;

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const ACTOR_KINDS: Record<string, [TimelineAuthor['kind'], string]> = {
  CustomerActor: ['customer', 'customerId'],
  DeletedCustomerActor: ['customer', 'customerId'],
  UserActor: ['user', 'userId'],
  MachineUserActor: ['machineUser', 'machineUserId'],
  SystemActor: ['system', 'systemId'],
};

function authorOf(actor: unknown): TimelineAuthor | undefined {
  if (!isObject(actor)) return undefined;
  const known = ACTOR_KINDS[str(actor.__typename) ?? ''];
  const id = known && str(actor[known[1]]);
  return known && id !== undefined ? { kind: known[0], id } : undefined;
}

function participantOf(value: unknown): TimelineParticipant | undefined {
  if (!isObject(value)) return undefined;
  const email = str(value.email);
  return email === undefined ? undefined : { email, name: strOrNull(value.name) };
}

/** A list of participants; undefined when any of them is not one. */
function participantsOf(value: unknown): TimelineParticipant[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.map(participantOf);
  return list.every((p) => p !== undefined) ? (list as TimelineParticipant[]) : undefined;
}

/** The attachments Plain listed; an attachment without its id or name is left out rather than failing the entry. */
function attachmentsOf(value: unknown): TimelineAttachment[] {
  if (!Array.isArray(value)) return [];
  const list: TimelineAttachment[] = [];
  for (const item of value) {
    if (!isObject(item)) continue;
    const id = str(item.id);
    const fileName = str(item.fileName);
    if (id === undefined || fileName === undefined) continue;
    const bytes = isObject(item.fileSize) ? item.fileSize.bytes : undefined;
    list.push({
      id,
      fileName,
      fileSizeBytes: typeof bytes === 'number' ? bytes : 0,
      mimeType: str(item.fileMimeType) ?? 'application/octet-stream',
    });
  }
  return list;
}

/** An entry's content from Plain's `entry` as the document selects it (aliases included). */
function contentOf(entry: unknown): TimelineEntryContent | undefined {
  if (!isObject(entry)) return undefined;
  const typename = str(entry.__typename);
  if (typename === undefined) return undefined;
  const attachments = attachmentsOf(entry.attachments);
  switch (typename) {
    case 'EmailEntry': {
      const from = participantOf(entry.from);
      const to = participantOf(entry.to);
      const cc = participantsOf(entry.additionalRecipients);
      if (!from || !to || !cc) return undefined;
      const bcc = participantsOf(entry.hiddenRecipients);
      return {
        kind: 'email',
        from,
        to,
        cc,
        ...(bcc ? { bcc } : {}),
        subject: strOrNull(entry.subject),
        text: strOrNull(entry.textContent),
        truncated: entry.hasMoreTextContent === true,
        markdown: strOrNull(entry.markdownContent),
        attachments,
      };
    }
    case 'ChatEntry':
      return { kind: 'chat', text: strOrNull(entry.chatText), attachments };
    case 'SlackMessageEntry':
    case 'SlackReplyEntry': {
      const text = str(entry.slackText);
      return text === undefined ? undefined : { kind: 'slack', text, attachments };
    }
    case 'MSTeamsMessageEntry': {
      const text = str(entry.msTeamsText);
      return text === undefined
        ? undefined
        : { kind: 'msTeams', text, markdown: strOrNull(entry.markdownContent), attachments };
    }
    case 'DiscordMessageEntry':
      return { kind: 'discord', markdown: strOrNull(entry.markdownContent), attachments };
    case 'NoteEntry': {
      const text = str(entry.noteText);
      return text === undefined ? undefined : { kind: 'note', text, markdown: strOrNull(entry.markdown), attachments };
    }
    default:
      return { kind: 'other', typename };
  }
}

/** A typed entry from a `TimelineEntry` node as `GetTimeline` selects it, or undefined when it lacks what it needs. */
function timelineEntryOf(node: unknown): TimelineEntry | undefined {
  if (!isObject(node)) return undefined;
  const id = str(node.id);
  const timestamp = isObject(node.timestamp) ? str(node.timestamp.iso8601) : undefined;
  const author = authorOf(node.actor);
  const entry = contentOf(node.entry);
  if (id === undefined || timestamp === undefined || !author || !entry) return undefined;
  return { id, timestamp, author, entry };
}

/**
 * A typed page from a `TimelineEntryConnection` as `GetTimeline` selects it, or undefined when the answer is not one
 * (a node without its id, timestamp or author, an edge without a node, a page without its flags).
 */
export function timelinePageOf(connection: unknown): TimelinePage | undefined {
  if (!isObject(connection) || !Array.isArray(connection.edges) || !isObject(connection.pageInfo)) return undefined;
  const { hasNextPage, hasPreviousPage, startCursor, endCursor } = connection.pageInfo;
  if (typeof hasNextPage !== 'boolean' || typeof hasPreviousPage !== 'boolean') return undefined;
  const entries: TimelineEntry[] = [];
  for (const edge of connection.edges) {
    const entry = timelineEntryOf(isObject(edge) ? edge.node : undefined);
    if (!entry) return undefined;
    entries.push(entry);
  }
  const start = strOrNull(startCursor);
  const end = strOrNull(endCursor);
  return {
    entries,
    // A page that says more follow but gives no cursor to read them from has nothing more to read.
    pageInfo: {
      hasNextPage: hasNextPage && end !== null,
      hasPreviousPage: hasPreviousPage && start !== null,
      startCursor: start,
      endCursor: end,
    },
  };
}

/** Whether an entry is a message a customer writes or receives (every kind but `note` and `other`). */
export const isMessage = (content: TimelineEntryContent): content is TimelineMessage =>
  content.kind !== 'note' && content.kind !== 'other';

/**
 * What a customer may see of an entry: a message without its Bcc recipients; `null` for a note or any other entry
 * (internal: status changes, assignments, thread discussions, …). Authors keep their ids: the page tells the
 * customer's own messages from support's by them.
 */
export function toCustomerView(entry: TimelineEntry): TimelineEntry | null {
  const content = entry.entry;
  if (!isMessage(content)) return null;
  const author = { kind: entry.author.kind, id: entry.author.id };
  if (content.kind !== 'email') return { id: entry.id, timestamp: entry.timestamp, author, entry: content };
  const { bcc: _bcc, ...visible } = content;
  return { id: entry.id, timestamp: entry.timestamp, author, entry: visible };
}

/** The text an entry's message carries, for matching: the plain text, or the markdown where that is all there is. */
export function textsOf(content: TimelineEntryContent): string[] {
  switch (content.kind) {
    case 'email':
    case 'msTeams':
      return [content.text, content.markdown].filter((t): t is string => t !== null);
    case 'chat':
    case 'slack':
      return content.text === null ? [] : [content.text];
    case 'discord':
      return content.markdown === null ? [] : [content.markdown];
    default:
      return [];
  }
}

// The inverse of the mapping above, for the proxy: a typed entry back as the node `GetTimeline` selects, so that a
// browser's PlainClient reads the proxy's answer with the same mapping.

const ACTOR_TYPENAMES: Record<TimelineAuthor['kind'], [string, string]> = {
  customer: ['CustomerActor', 'customerId'],
  user: ['UserActor', 'userId'],
  machineUser: ['MachineUserActor', 'machineUserId'],
  system: ['SystemActor', 'systemId'],
};

const rawAttachments = (list: TimelineAttachment[]) =>
  list.map((a) => ({ id: a.id, fileName: a.fileName, fileSize: { bytes: a.fileSizeBytes }, fileMimeType: a.mimeType }));
const rawParticipant = (p: TimelineParticipant) => ({ name: p.name, email: p.email });

function rawContent(content: TimelineMessage): Raw {
  const attachments = rawAttachments(content.attachments);
  switch (content.kind) {
    case 'email':
      return {
        __typename: 'EmailEntry',
        from: rawParticipant(content.from),
        to: rawParticipant(content.to),
        additionalRecipients: content.cc.map(rawParticipant),
        ...(content.bcc ? { hiddenRecipients: content.bcc.map(rawParticipant) } : {}),
        subject: content.subject,
        textContent: content.text,
        hasMoreTextContent: content.truncated,
        markdownContent: content.markdown,
        attachments,
      };
    case 'chat':
      return { __typename: 'ChatEntry', chatText: content.text, attachments };
    case 'slack':
      return { __typename: 'SlackMessageEntry', slackText: content.text, attachments };
    case 'msTeams':
      return {
        __typename: 'MSTeamsMessageEntry',
        msTeamsText: content.text,
        markdownContent: content.markdown,
        attachments,
      };
    case 'discord':
      return { __typename: 'DiscordMessageEntry', markdownContent: content.markdown, attachments };
  }
}

/**
 * Plain's answer to `GetTimeline` as a customer may see it: the thread's id and a connection rebuilt from the
 * customer view of each entry (`toCustomerView`), with the page info as Plain gave it. Only what the typed entries
 * carry survives: no `llmText`, no Bcc recipients, no notes or internal entries, no ids Plain adds beyond them.
 * An answer that is not a timeline (no thread, a malformed page) gives `null`, which the browser reads as no thread.
 */
export function customerTimelineAnswer(data: unknown): { thread: Raw | null } {
  const thread = isObject(data) && isObject(data.thread) ? data.thread : undefined;
  const id = thread && str(thread.id);
  const page = thread && timelinePageOf(thread.timelineEntries);
  if (id === undefined || !page) return { thread: null };
  const edges = Array.isArray((thread.timelineEntries as Raw).edges)
    ? ((thread.timelineEntries as Raw).edges as unknown[])
    : [];
  const visible: Raw[] = [];
  page.entries.forEach((entry, at) => {
    const view = toCustomerView(entry);
    if (!view || !isMessage(view.entry)) return;
    const [typename, idField] = ACTOR_TYPENAMES[view.author.kind];
    visible.push({
      cursor: isObject(edges[at]) ? str((edges[at] as Raw).cursor) : undefined,
      node: {
        id: view.id,
        timestamp: { iso8601: view.timestamp },
        actor: { __typename: typename, [idField]: view.author.id },
        entry: rawContent(view.entry),
      },
    });
  });
  return { thread: { id, timelineEntries: { edges: visible, pageInfo: { ...page.pageInfo } } } };
}
