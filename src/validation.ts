import * as z from 'zod/mini';
import type { InputIssue } from './errors.js';
import type { ThreadChannel } from './generated/graphql.js';

const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${expected}`;
const anObject = { error: typeError('an object') };
/** A string with something in it besides whitespace: the rule for ids and text, here and in the proxy. */
export const isNonBlankString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const notBlank = () => z.string({ error: typeError('a string') }).check(z.refine(isNonBlankString, 'must not be empty'));

/** One Cc or Bcc recipient. */
export const EmailParticipant = z.object(
  {
    email: z.email({ error: typeError('a valid email address') }),
    name: z.nullish(z.string('must be a string')),
  },
  anObject,
);
export type EmailParticipant = { email: string; name?: string | null };

/**
 * Exactly one of `emailAddress`, `customerId` or `externalId`. Plain accepts only one (plain-api.md §5).
 * The TypeScript type enforces it for typed callers; this schema enforces it for everyone else.
 */
export const CustomerIdentifier = z
  .object({
    emailAddress: z.optional(z.email({ error: typeError('a valid email address') })),
    customerId: z.optional(notBlank()),
    externalId: z.optional(notBlank()),
  }, anObject)
  .check(
    z.refine(
      (id) => Number(id.emailAddress !== undefined) + Number(id.customerId !== undefined) + Number(id.externalId !== undefined) === 1,
      'give exactly one of emailAddress, customerId or externalId',
    ),
  );
export type CustomerIdentifier =
  | { emailAddress: string; customerId?: never; externalId?: never }
  | { customerId: string; emailAddress?: never; externalId?: never }
  | { externalId: string; emailAddress?: never; customerId?: never };

// Nullish like every optional field of Plain's input (and like the TypeScript type below): null means none.
const recipients = z.nullish(z.array(EmailParticipant, 'must be a list of recipients'));

/** Cc (`additionalRecipients`) and Bcc (`hiddenRecipients`): no address may appear twice across both lists. */
export const EmailChannelOptions = z.object({ additionalRecipients: recipients, hiddenRecipients: recipients }, anObject).check(
  z.superRefine((email, ctx) => {
    const seen = new Set<string>();
    for (const list of ['additionalRecipients', 'hiddenRecipients'] as const) {
      email[list]?.forEach((r, i) => {
        const address = r.email.toLowerCase();
        if (seen.has(address)) {
          ctx.addIssue({ code: 'custom', input: r.email, path: [list, i, 'email'], message: 'appears more than once across Cc and Bcc' });
        }
        seen.add(address);
      });
    }
  }),
);

/** The input of `replyToThread`, shaped like Plain's own `ReplyToThreadInput`. Reuse it to validate a form. */
export const ReplyToThreadInput = z.object({
  threadId: notBlank(),
  textContent: notBlank(),
  markdownContent: z.nullish(z.string('must be a string')),
  attachmentIds: z.nullish(z.array(notBlank(), 'must be a list of ids')),
  impersonation: z.nullish(z.object({ asCustomer: z.object({ customerIdentifier: CustomerIdentifier }, anObject) }, anObject)),
  channelSpecificOptions: z.nullish(z.object({ email: EmailChannelOptions }, anObject)),
}, anObject);
export type ReplyToThreadInput = {
  threadId: string;
  textContent: string;
  markdownContent?: string | null;
  attachmentIds?: string[] | null;
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

/** Runs a zod/mini schema and turns its issues into `{ path, message }` pairs. */
export function parseInput<T>(schema: z.ZodMiniType<T>, value: unknown): Parsed<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
}

/** `ReplyToThreadInput` as the schema gives it back: unknown keys stripped. */
export type ValidReply = z.output<typeof ReplyToThreadInput>;

/**
 * The common reply, a non-blank `threadId` and `textContent` and none of the optional fields, recognised without
 * running the schema; `undefined` for anything else. It sends exactly what the schema's output would (a property
 * test compares the two on arbitrary input). Measured reason: zod's parse is about 0.25 µs in a tight loop but
 * about 1 % of a loopback reply (bench/PERFORMANCE.md), its generic code being cold between network reads.
 */
function commonReply(input: unknown): ValidReply | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  // zod asks `in` of each required key (a Proxy's `has` trap answers it) before reading it: so does this.
  if (!('threadId' in input) || !('textContent' in input)) return undefined;
  const { threadId, textContent, markdownContent, attachmentIds, impersonation, channelSpecificOptions } = input as Record<string, unknown>;
  if (markdownContent !== undefined || attachmentIds !== undefined || impersonation !== undefined || channelSpecificOptions !== undefined) return undefined;
  return isNonBlankString(threadId) && isNonBlankString(textContent) ? { threadId, textContent } : undefined;
}

/** `replyToThread`'s input, validated: the common reply at once, anything else by `ReplyToThreadInput`. */
export function parseReply(input: unknown): Parsed<ValidReply> {
  const common = commonReply(input);
  return common ? { ok: true, data: common } : parseInput(ReplyToThreadInput, input);
}
