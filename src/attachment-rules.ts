import type { ThreadChannel } from './generated/graphql.js';

// Plain's rules for attachments (docs/limits.md lists them), shared by uploadAttachment, replies with files and the fake.

/** Plain's `AttachmentType`: what kind of message (or note) an attachment is for. */
export type AttachmentType =
  | 'EMAIL'
  | 'CUSTOM_TIMELINE_ENTRY'
  | 'CHAT'
  | 'SLACK'
  | 'THREAD_DISCUSSION'
  | 'MS_TEAMS'
  | 'DISCORD'
  | 'NOTE';

export const ATTACHMENT_TYPES: readonly AttachmentType[] = [
  'EMAIL',
  'CUSTOM_TIMELINE_ENTRY',
  'CHAT',
  'SLACK',
  'THREAD_DISCUSSION',
  'MS_TEAMS',
  'DISCORD',
  'NOTE',
];

// Plain attaches at most this many files to one message: the reply's input checks its attachmentIds against it.
export { MAX_ATTACHMENTS_PER_MESSAGE } from './validation.js';

/** One megabyte as plain-client reads Plain's "MB": 1,048,576 bytes, the larger reading (docs/limits.md). */
const MB = 1024 * 1024;

/**
 * The most bytes one message's attachments may hold together, by attachment type. Plain lists EMAIL 6 MB, CHAT 100 MB
 * and 50 MB for the others; CUSTOM_TIMELINE_ENTRY is not listed and gets 50 MB too. One file can be no larger.
 */
export const MAX_ATTACHMENT_BYTES: Readonly<Record<AttachmentType, number>> = {
  EMAIL: 6 * MB,
  CHAT: 100 * MB,
  SLACK: 50 * MB,
  MS_TEAMS: 50 * MB,
  DISCORD: 50 * MB,
  THREAD_DISCUSSION: 50 * MB,
  NOTE: 50 * MB,
  CUSTOM_TIMELINE_ENTRY: 50 * MB,
};

/** Extensions Plain refuses, compared in lower case with a file name's last extension. */
const BANNED_EXTENSIONS: ReadonlySet<string> = new Set(
  'bat bin chm com cpl crt exe hlp hta inf ins isp jse lnk mdb msc msi msp mst pcd pif reg scr sct shs vba vbe vbs wsf wsh wsl'.split(
    ' ',
  ),
);

/** A file name's last extension in lower case (`report.tar.GZ` → `gz`), or '' when it has none. */
function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** Whether Plain refuses a file of this name for its extension. */
export const hasBannedExtension = (fileName: string): boolean => BANNED_EXTENSIONS.has(extensionOf(fileName.trim()));

/**
 * The attachment type of a reply on a thread of this channel (Plain documents none; this is plain-client's reading):
 * EMAIL and API threads are answered by email (EMAIL), CHAT, SLACK, MS_TEAMS and DISCORD by their own kind, and
 * any other channel (IMPORT, INTERNAL, one Plain adds later) by CUSTOM_TIMELINE_ENTRY, the type Plain's own examples use.
 */
export function attachmentTypeForChannel(channel: ThreadChannel | string): AttachmentType {
  switch (channel) {
    case 'EMAIL':
    case 'API':
      return 'EMAIL';
    case 'CHAT':
    case 'SLACK':
    case 'MS_TEAMS':
    case 'DISCORD':
      return channel;
    default:
      return 'CUSTOM_TIMELINE_ENTRY';
  }
}
