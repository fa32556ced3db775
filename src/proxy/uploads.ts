import { type AttachmentType, hasBannedExtension, MAX_ATTACHMENT_BYTES } from '../attachment-rules.js';
// Plain's customer lookups by the other two identifiers, which the proxy sends itself: getCustomer's own.
import { BY_EMAIL, BY_EXTERNAL_ID } from '../operations/customer.js';
import type { Operation } from '../operations.js';
import { type CustomerIdentifier, isNonBlankString } from '../validation.js';

// The proxy recognises PlainClient's own operation for `uploadAttachment`'s first step, and forwards it.
export { CREATE_ATTACHMENT_UPLOAD_URL } from '../operations/attachments.js';

/**
 * The attachment types a customer's reply may carry: the reply channels' own and the custom timeline entry's. Notes
 * and thread discussions are internal to your team, so a browser never uploads for them.
 */
export const REPLY_ATTACHMENT_TYPES = [
  'EMAIL',
  'CHAT',
  'SLACK',
  'MS_TEAMS',
  'DISCORD',
  'CUSTOM_TIMELINE_ENTRY',
] as const satisfies readonly AttachmentType[];
export type ReplyAttachmentType = (typeof REPLY_ATTACHMENT_TYPES)[number];

/** The upload a browser asked for, checked. The customer is not part of it: the proxy decides who the file is for. */
export interface UploadRequest {
  fileName: string;
  fileSizeBytes: number;
  attachmentType: ReplyAttachmentType;
}

/** Longest file name accepted (Plain documents none). */
const MAX_FILE_NAME_LENGTH = 1_000;

/** Checks the browser's `CreateAttachmentUploadUrl` input; a string naming the problem when it is unusable. */
export function uploadRequestOf(input: unknown): UploadRequest | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'CreateAttachmentUploadUrl needs variables.input, an object.';
  const { fileName, fileSizeBytes, attachmentType, customerId } = input as Record<string, unknown>;
  if (!isNonBlankString(fileName) || fileName.length > MAX_FILE_NAME_LENGTH)
    return `input.fileName must be a non-blank string of at most ${MAX_FILE_NAME_LENGTH} characters.`;
  if (typeof fileSizeBytes !== 'number' || !Number.isSafeInteger(fileSizeBytes) || fileSizeBytes < 1)
    return 'input.fileSizeBytes must be a whole number of bytes, at least 1.';
  if (typeof attachmentType !== 'string')
    return `input.attachmentType must be one of ${REPLY_ATTACHMENT_TYPES.join(', ')}.`;
  // Whatever customer the browser names is replaced by the grant's; it only has to be of the schema's type.
  if (customerId !== undefined && customerId !== null && typeof customerId !== 'string')
    return 'input.customerId must be a string (the proxy replaces it with the customer authorize names).';
  return { fileName, fileSizeBytes, attachmentType: attachmentType as ReplyAttachmentType };
}

/** Why an upload is refused before anything is sent, or undefined when it may go ahead. */
export function uploadRefusal(
  upload: UploadRequest,
  maxUploadBytes: number | undefined,
):
  | { status: 'forbidden'; message: string }
  | { status: 'too_large' | 'banned_extension'; message: string }
  | undefined {
  if (!(REPLY_ATTACHMENT_TYPES as readonly string[]).includes(upload.attachmentType)) {
    return {
      status: 'forbidden',
      message: `Refused by the proxy: uploads from here are for replies only (attachmentType ${REPLY_ATTACHMENT_TYPES.join(', ')}), not ${JSON.stringify(upload.attachmentType.slice(0, 50))}.`,
    };
  }
  if (hasBannedExtension(upload.fileName)) {
    return {
      status: 'banned_extension',
      message: `Refused by the proxy: Plain does not accept files named like ${JSON.stringify(upload.fileName.slice(-50))} (a banned extension).`,
    };
  }
  // One file can be no larger than its type's limit for a whole message.
  const limit = Math.min(maxUploadBytes ?? Number.POSITIVE_INFINITY, MAX_ATTACHMENT_BYTES[upload.attachmentType]);
  if (upload.fileSizeBytes > limit) {
    return {
      status: 'too_large',
      message: `Refused by the proxy: the file is ${upload.fileSizeBytes} bytes; uploads of type ${upload.attachmentType} from here may be at most ${limit} bytes.`,
    };
  }
  return undefined;
}

/** The lookup that finds the customer's id, or the id itself when the identifier is one. */
export function customerLookupOf(
  who: CustomerIdentifier,
): { customerId: string } | { lookup: Operation<unknown, unknown>; variables: Record<string, string>; field: string } {
  if ('customerId' in who && typeof who.customerId === 'string') return { customerId: who.customerId };
  if ('externalId' in who && typeof who.externalId === 'string')
    return { lookup: BY_EXTERNAL_ID, variables: { externalId: who.externalId }, field: 'customerByExternalId' };
  return { lookup: BY_EMAIL, variables: { email: who.emailAddress as string }, field: 'customerByEmail' };
}

/** A text key for a customer identifier: the same customer named the same way gives the same key. */
export function identifierKey(who: CustomerIdentifier): string {
  if ('customerId' in who && typeof who.customerId === 'string') return `customerId:${who.customerId}`;
  if ('externalId' in who && typeof who.externalId === 'string') return `externalId:${who.externalId}`;
  return `emailAddress:${who.emailAddress}`;
}

/** The attachment id and expiry in Plain's answer to CreateAttachmentUploadUrl, if it minted one. */
export function mintedAttachmentOf(data: unknown): { id: string } | undefined {
  const payload = (data as { createAttachmentUploadUrl?: { attachmentUploadUrl?: { attachment?: { id?: unknown } } } })
    ?.createAttachmentUploadUrl?.attachmentUploadUrl;
  const id = payload?.attachment?.id;
  return isNonBlankString(id) ? { id } : undefined;
}

export interface UploadMemoryLimits {
  /** Sessions remembered at once; the least recently used is forgotten first. */
  sessions: number;
  /** Attachment ids remembered per session; the oldest is forgotten first. */
  idsPerSession: number;
  /** How long a minted id may be used in a reply, from the moment it was minted, in milliseconds. */
  rememberForMs: number;
}

/**
 * What the proxy remembers between requests, bounded: per session, the attachment ids it minted (each until it
 * expires), and the customer ids it looked up (each for `CUSTOMER_TTL_MS`). Both maps are kept in least-recently-used
 * order (a Map iterates in insertion order; a use re-inserts) and cut to `limits.sessions` entries.
 */
export class UploadMemory {
  readonly #minted = new Map<string, Map<string, number>>();
  readonly #customers = new Map<string, { customerId: string; until: number }>();

  constructor(readonly limits: UploadMemoryLimits) {}

  /** Remembers that `id` was minted for `session`. */
  remember(session: string, id: string): void {
    const now = Date.now();
    const ids = this.#touch(this.#minted, session) ?? new Map<string, number>();
    this.#minted.set(session, ids);
    ids.delete(id);
    ids.set(id, now + this.limits.rememberForMs);
    for (const [known, until] of ids) if (until <= now) ids.delete(known);
    for (const oldest of ids.keys()) {
      if (ids.size <= this.limits.idsPerSession) break;
      ids.delete(oldest);
    }
    trim(this.#minted, this.limits.sessions);
  }

  /** The ids in `ids` that were not minted for `session`, or have expired. */
  notMinted(session: string | undefined, ids: readonly string[]): string[] {
    const now = Date.now();
    const known = session === undefined ? undefined : this.#touch(this.#minted, session);
    return ids.filter((id) => {
      const until = known?.get(id);
      return until === undefined || until <= now;
    });
  }

  /** The customer id last looked up for this identifier, if still fresh. */
  customerId(identifier: string): string | undefined {
    const entry = this.#touch(this.#customers, identifier);
    if (entry === undefined) return undefined;
    if (entry.until > Date.now()) return entry.customerId;
    this.#customers.delete(identifier);
    return undefined;
  }

  rememberCustomer(identifier: string, customerId: string): void {
    this.#customers.delete(identifier);
    this.#customers.set(identifier, { customerId, until: Date.now() + CUSTOMER_TTL_MS });
    trim(this.#customers, this.limits.sessions);
  }

  /** The entry under `key`, moved to the most recently used end. */
  #touch<V>(map: Map<string, V>, key: string): V | undefined {
    const value = map.get(key);
    if (value !== undefined) {
      map.delete(key);
      map.set(key, value);
    }
    return value;
  }
}

/** How long a customer id looked up by external id or email is reused: a deleted and re-created customer shows within it. */
const CUSTOMER_TTL_MS = 10 * 60 * 1000;

/** Forgets the least recently used entries beyond `max`. */
function trim(map: Map<string, unknown>, max: number) {
  for (const oldest of map.keys()) {
    if (map.size <= max) return;
    map.delete(oldest);
  }
}

/** The upload memory's bounds when the proxy's options do not set them. */
export const DEFAULT_UPLOAD_MEMORY: UploadMemoryLimits = {
  sessions: 1_000,
  idsPerSession: 100,
  // The upload URL's 2 hours, and an hour to finish the reply.
  rememberForMs: 3 * 60 * 60 * 1000,
};
