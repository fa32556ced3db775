import * as z from 'zod/mini';
import type { InputIssue } from './errors.js';
import type { ThreadChannel } from './generated/graphql.js';
import type { AttachmentFile } from './operations/attachments.js';

// Size limits, checked before anything else looks at a value (docs/limits.md explains each number). Lengths are
// JavaScript string lengths (UTF-16 code units): reading one costs nothing, whatever the string holds.
/** textContent and markdownContent. Plain documents no limit. */
const MAX_CONTENT_LENGTH = 100_000;
/** Ids (threadId, attachmentIds, customerId, externalId) and a recipient's name. */
const MAX_SHORT_TEXT_LENGTH = 1_000;
/** An email address (RFC 5321: 254 octets in a path), its local part (64) and a domain label (63). */
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
/** Plain attaches at most this many files to one message (src/attachment-rules.ts names it with the other rules). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 100;
/** Cc and Bcc together. */
const MAX_RECIPIENTS = 100;

// One character of a local part or a domain label beyond ASCII (RFC 6531/6532: internationalised addresses):
// anything but a space of any kind, a control character or half of a surrogate pair.
const NON_ASCII = String.raw`[^\x00-\x7f\s\p{Cc}\p{Cs}]`;
/** An unquoted local part between dots: RFC 5322 atext (letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~). */
const ATOM = new RegExp(String.raw`^(?:[\w!#$%&'*+\-/=?^\x60{|}~]|${NON_ASCII})+$`, 'u');
/** A quoted local part: printable ASCII and spaces; `"` and `\` only after a backslash (RFC 5321 Quoted-string). */
const QUOTED = new RegExp(String.raw`^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]|${NON_ASCII})+"$`, 'u');
/** A domain label: letters, digits and hyphens, or an internationalised label, as typed (`bücher`) or in punycode. */
const LABEL = new RegExp(String.raw`^(?:[a-z\d-]|${NON_ASCII})+$`, 'iu');

/**
 * Whether `value` is an address Plain could deliver to: `local@domain`, where
 * - the local part is dot-separated atoms (`o'brien`, `a&b`, `customer/department=shipping`, `josé`, `用户`) or a
 *   quoted string (`"quoted local"`), at most 64 characters;
 * - the domain has at least two labels (mail goes to public domains, so `localhost` and other dotless names are
 *   refused), each 1–63 letters, digits, hyphens or non-ASCII characters, not starting or ending with a hyphen; the
 *   last label is not all digits (an IP address is not a mail domain, and `[1.2.3.4]` literals are refused);
 * - the whole is at most 254 characters, checked first, so a huge string costs nothing.
 * Every test is linear in the length (no backtracking), and the longest string any of them sees is 254 characters.
 */
export function isDeliverableEmail(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const tld = labels.at(-1) ?? '';
  return (
    at > 0 &&
    local.length <= MAX_LOCAL_PART_LENGTH &&
    (QUOTED.test(local) || local.split('.').every((atom) => ATOM.test(atom))) &&
    labels.length >= 2 &&
    labels.every((l) => l.length <= MAX_LABEL_LENGTH && LABEL.test(l) && !l.startsWith('-') && !l.endsWith('-')) &&
    !/^\d+$/.test(tld)
  );
}

// The channels a reply may go to, and with what (plain-api.md §5). They live beside the reply's input, in the
// module every operation shares: a module of their own became one more small file for a page to load.
/** Channels on which Plain lets an API reply (plain-api.md §5). */
export const REPLY_CHANNELS: readonly ThreadChannel[] = ['API', 'CHAT', 'EMAIL', 'SLACK', 'MS_TEAMS'];
/** Channels on which a reply may be sent as a customer. MS_TEAMS takes replies but not impersonation. */
export const IMPERSONATION_CHANNELS: readonly ThreadChannel[] = ['API', 'CHAT', 'EMAIL', 'SLACK'];
/** Channels whose replies are emails, and so take Cc and Bcc. */
export const EMAIL_OPTION_CHANNELS: readonly ThreadChannel[] = ['EMAIL', 'API'];

export type CannotReplyReason =
  | 'channel_not_supported'
  | 'impersonation_not_supported'
  | 'channel_specific_options_not_supported'
  | 'server';

/** Why Plain would refuse this reply on this channel, or undefined when the channel allows it. */
export function channelRefusal(
  channel: ThreadChannel,
  wants: { impersonation?: unknown; channelSpecificOptions?: unknown },
): Exclude<CannotReplyReason, 'server'> | undefined {
  if (!REPLY_CHANNELS.includes(channel)) return 'channel_not_supported';
  if (wants.impersonation && !IMPERSONATION_CHANNELS.includes(channel)) return 'impersonation_not_supported';
  if (wants.channelSpecificOptions && !EMAIL_OPTION_CHANNELS.includes(channel)) {
    return 'channel_specific_options_not_supported';
  }
  return undefined;
}

/** A zod error message: `is required` when the value is missing, else `must be <expected>`. */
export const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${expected}`;
/** An object; anything else is `must be an object`. */
export const anObject = { error: typeError('an object') };
/** A string with something in it besides whitespace: the rule for ids and text, here and in the proxy. */
/** A plain object (not an array, not null): what a GraphQL request's variables must be. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isNonBlankString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

const count = (n: number) => n.toLocaleString('en-US');
/** A string of at most `max` characters; a longer one gets this issue alone, before any other check reads it. */
const stringOfAtMost = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .check(
      z.refine((s: string) => s.length <= max, { error: `must be at most ${count(max)} characters`, abort: true }),
    );
const nonBlank = (max: number) => stringOfAtMost(max).check(z.refine(isNonBlankString, 'must not be empty'));
const id = nonBlank(MAX_SHORT_TEXT_LENGTH);
/** A reply's text: not blank, at most 100,000 characters (the length checked first). findReply's `textContent` too. */
export const replyText = nonBlank(MAX_CONTENT_LENGTH);
const emailAddress = stringOfAtMost(MAX_EMAIL_LENGTH).check(
  z.refine(isDeliverableEmail, 'must be a valid email address'),
);
/** A list of at most `max` items: a longer one is refused before any item is read. */
const listOf = <T extends z.ZodMiniType>(item: T, max: number, what: string) =>
  z.array(item, `must be a list of ${what}`).check(z.maxLength(max, `must hold at most ${count(max)} ${what}`));

/** One Cc or Bcc recipient: a deliverable `email` (`isDeliverableEmail`) and an optional `name` (≤ 1,000 characters). */
export const EmailParticipant = z.object(
  { email: emailAddress, name: z.nullish(stringOfAtMost(MAX_SHORT_TEXT_LENGTH)) },
  anObject,
);
export type EmailParticipant = { email: string; name?: string | null };

const isGiven = (value: unknown) => value !== undefined && value !== null;

/**
 * Exactly one of `emailAddress`, `customerId` or `externalId`: Plain accepts only one (its schema says so). The
 * others may be left out or `null`; either way they are not sent. The TypeScript type enforces it for typed callers;
 * this schema enforces it for everyone else.
 */
export const CustomerIdentifier = z
  .object({ emailAddress: z.nullish(emailAddress), customerId: z.nullish(id), externalId: z.nullish(id) }, anObject)
  .check(
    z.refine(
      (who) => [who.emailAddress, who.customerId, who.externalId].filter(isGiven).length === 1,
      'give exactly one of emailAddress, customerId or externalId',
    ),
    // Only the identifier given is sent: the others, null or absent, are dropped. This check rewrites the value as
    // z.overwrite would, with z.check, which the Cc/Bcc rule loads anyway.
    z.check((payload) => {
      const who = payload.value;
      payload.value = Object.fromEntries(Object.entries(who).filter(([, value]) => isGiven(value))) as typeof who;
    }),
  );
export type CustomerIdentifier =
  | { emailAddress: string; customerId?: null; externalId?: null }
  | { customerId: string; emailAddress?: null; externalId?: null }
  | { externalId: string; emailAddress?: null; customerId?: null };

// Nullish like every optional field of Plain's input (and like the TypeScript type below): null means none.
const recipients = z.nullish(listOf(EmailParticipant, MAX_RECIPIENTS, 'recipients'));

/** Cc (`additionalRecipients`) and Bcc (`hiddenRecipients`): at most 100 in all, and no address twice across both. */
export const EmailChannelOptions = z
  .object({ additionalRecipients: recipients, hiddenRecipients: recipients }, anObject)
  .check(
    z.check(({ value: email, issues }) => {
      const cc = email.additionalRecipients ?? [];
      const bcc = email.hiddenRecipients ?? [];
      if (cc.length + bcc.length > MAX_RECIPIENTS) {
        const message = `must hold at most ${MAX_RECIPIENTS} Cc and Bcc recipients together`;
        issues.push({ code: 'custom', input: email, message });
        return;
      }
      const seen = new Set<string>();
      for (const [list, people] of [
        ['additionalRecipients', cc],
        ['hiddenRecipients', bcc],
      ] as const) {
        people.forEach((r, i) => {
          const address = r.email.toLowerCase();
          if (seen.has(address)) {
            const message = 'appears more than once across Cc and Bcc';
            issues.push({ code: 'custom', input: r.email, path: [list, i, 'email'], message });
          }
          seen.add(address);
        });
      }
    }),
  );

/**
 * The input of `replyToThread`, shaped like Plain's own `ReplyToThreadInput`. Reuse it to validate a form.
 *
 * Limits (Plain documents none but the attachment count; see docs/limits.md), each checked before the value is read
 * any further, so an oversized input is refused at once:
 * - `textContent`, `markdownContent`: at most 100,000 characters;
 * - `threadId`, each of `attachmentIds`, `customerId`, `externalId`, a recipient's `name`: at most 1,000 characters;
 * - `attachmentIds`: at most 100 (Plain's own limit per message);
 * - Cc and Bcc: at most 100 recipients together;
 * - an email address: at most 254 characters, its local part at most 64.
 */
export const ReplyToThreadInput = z.object(
  {
    threadId: id,
    textContent: replyText,
    markdownContent: z.nullish(stringOfAtMost(MAX_CONTENT_LENGTH)),
    attachmentIds: z.nullish(listOf(id, MAX_ATTACHMENTS_PER_MESSAGE, 'ids')),
    impersonation: z.nullish(
      z.object({ asCustomer: z.object({ customerIdentifier: CustomerIdentifier }, anObject) }, anObject),
    ),
    channelSpecificOptions: z.nullish(z.object({ email: EmailChannelOptions }, anObject)),
  },
  anObject,
);
export type ReplyToThreadInput = {
  threadId: string;
  textContent: string;
  markdownContent?: string | null;
  attachmentIds?: string[] | null;
  /**
   * Files to upload and attach (README, "Files"): checked against Plain's per-message limits before anything is
   * sent, uploaded for the thread's customer, then sent with their ids after `attachmentIds`.
   */
  attachments?: { file: AttachmentFile; fileName: string }[] | null;
  /** Send the reply as a customer. Plain allows it on API, CHAT, EMAIL and SLACK threads. */
  impersonation?: { asCustomer: { customerIdentifier: CustomerIdentifier } } | null;
  /** Cc and Bcc, for EMAIL and API threads only. */
  channelSpecificOptions?: {
    email: { additionalRecipients?: EmailParticipant[] | null; hiddenRecipients?: EmailParticipant[] | null };
  } | null;
};

/** A thread as the caller already knows it, to skip the lookup: its channel never changes. */
export interface KnownThread {
  id: string;
  channel: ThreadChannel;
}

/** `a.b[1].c` from zod's path array. */
function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(input)';
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; issues: InputIssue[] };

/**
 * Runs a zod/mini schema and turns its issues into `{ path, message }` pairs. Never rejects: an input whose getters
 * or Proxy traps throw is refused with an issue naming the property that threw. Only such hostile input loads
 * src/unreadable-path.ts, which finds that property.
 */
export async function parseInput<T>(schema: z.ZodMiniType<T>, value: unknown): Promise<Parsed<T>> {
  try {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, data: parsed.data };
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
  } catch {
    const { unreadablePath } = await import('./unreadable-path.js');
    return {
      ok: false,
      issues: [{ path: pathOf(unreadablePath(schema, value)), message: 'could not be read (a getter or Proxy threw)' }],
    };
  }
}
