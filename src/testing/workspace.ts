import { EMAIL_OPTION_CHANNELS, IMPERSONATION_CHANNELS, REPLY_CHANNELS } from '../channels.js';
import { isDeliverableEmail } from '../validation.js';
import type { MutationErrorType, MutationFieldErrorType, ThreadChannel, ThreadStatus } from '../generated/graphql.js';

/** Permissions a fake API key can hold (Plain's names). */
export type FakePermission = 'thread:read' | 'thread:reply' | 'customer:read' | 'customer:impersonate';
export const ALL_PERMISSIONS: readonly FakePermission[] = [
  'thread:read',
  'thread:reply',
  'customer:read',
  'customer:impersonate',
];

export interface FakeCustomer {
  id: string;
  email: string;
  fullName: string;
  externalId?: string;
}
export interface FakeThread {
  id: string;
  ref: string;
  title: string;
  channel: ThreadChannel;
  status: ThreadStatus;
  customerId: string;
}
export interface FakeParticipant {
  email: string;
  name?: string | null;
}
/** A reply Plain accepted, as the customer would see it. */
export interface FakeMessage {
  id: string;
  threadId: string;
  text: string;
  markdown?: string | null;
  /** Who the customer sees as the sender. */
  author: { kind: 'machine_user'; apiKey: string } | { kind: 'customer'; customerId: string; email: string };
  cc: FakeParticipant[];
  bcc: FakeParticipant[];
  attachmentIds: string[];
  sentAt: Date;
}

interface MutationErrorBody {
  message: string;
  type: MutationErrorType;
  code: string;
  fields: { field: string; message: string; type: MutationFieldErrorType }[];
}
/** What a resolver produced: a GraphQL answer and its HTTP status. */
export interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
}

const ok = (data: unknown): Answer => ({ status: 200, body: { data } });
const topLevel = (status: number, code: string, message: string): Answer => ({
  status,
  body: { errors: [{ message, extensions: { code } }] },
});
const mutationError = (
  type: MutationErrorType,
  code: string,
  message: string,
  fields: MutationErrorBody['fields'] = [],
) => ok({ replyToThread: { error: { message, type, code, fields } } });
const fieldError = (field: string, type: MutationFieldErrorType, message: string) =>
  mutationError('VALIDATION', 'input_validation', `There was a validation error: ${message}`, [
    { field, message, type },
  ]);
const missing = (permission: FakePermission) => `Insufficient permissions, missing "${permission}".`;

/** The data of one fake Plain workspace and the rules Plain applies to it (plain-api.md §3 to §5). */
export class FakeWorkspace {
  readonly customers = new Map<string, FakeCustomer>();
  readonly threads = new Map<string, FakeThread>();
  readonly apiKeys = new Map<string, Set<FakePermission>>();
  readonly sent: FakeMessage[] = [];
  /** Whether the workspace's plan includes impersonation. */
  impersonationAllowed: boolean;
  private counter = 0;

  constructor(impersonationAllowed: boolean) {
    this.impersonationAllowed = impersonationAllowed;
  }

  /** Plain's id format: a prefix and 26 characters of ULID (digits are part of its alphabet), counted up. */
  nextId(prefix: string): string {
    return `${prefix}${String(++this.counter).padStart(26, '0')}`;
  }

  threadData(thread: FakeThread | undefined) {
    if (!thread) return null;
    const { customerId, ...rest } = thread;
    return { ...rest, customer: { id: customerId } };
  }

  lookUp(field: 'thread' | 'threadByRef', key: string, permissions: Set<FakePermission>, argument: unknown): Answer {
    if (!permissions.has('thread:read')) return topLevel(403, 'FORBIDDEN', missing('thread:read'));
    if (typeof argument !== 'string')
      return topLevel(400, 'BAD_USER_INPUT', `Variable "$${key}" of required type must not be null.`);
    const thread =
      field === 'thread' ? this.threads.get(argument) : [...this.threads.values()].find((t) => t.ref === argument);
    return ok({ [field]: this.threadData(thread) });
  }

  findCustomer(identifier: {
    emailAddress?: unknown;
    customerId?: unknown;
    externalId?: unknown;
  }): FakeCustomer | undefined {
    for (const customer of this.customers.values()) {
      if (
        (identifier.customerId !== undefined && customer.id === identifier.customerId) ||
        (identifier.externalId !== undefined && customer.externalId === identifier.externalId) ||
        (typeof identifier.emailAddress === 'string' &&
          customer.email.toLowerCase() === identifier.emailAddress.toLowerCase())
      ) {
        return customer;
      }
    }
    return undefined;
  }

  reply(input: unknown, apiKey: string, permissions: Set<FakePermission>): Answer {
    const i = input as Record<string, any> | null | undefined;
    if (typeof i !== 'object' || i === null || typeof i.threadId !== 'string' || typeof i.textContent !== 'string') {
      return topLevel(
        400,
        'BAD_USER_INPUT',
        'Variable "$input" got invalid value: threadId and textContent are required.',
      );
    }
    if (!permissions.has('thread:reply')) return mutationError('FORBIDDEN', 'forbidden', missing('thread:reply'));
    const thread = this.threads.get(i.threadId);
    if (!thread) return fieldError('threadId', 'NOT_FOUND', 'Thread not found');
    if (i.textContent.trim() === '') return fieldError('textContent', 'REQUIRED', 'textContent is required');
    if (!REPLY_CHANNELS.includes(thread.channel)) {
      return mutationError(
        'VALIDATION',
        'cannot_reply_to_thread',
        `Replying to ${thread.channel} threads is not supported.`,
      );
    }

    let author: FakeMessage['author'] = { kind: 'machine_user', apiKey };
    const identifier = i.impersonation?.asCustomer?.customerIdentifier;
    if (i.impersonation != null) {
      if (!this.impersonationAllowed)
        return mutationError('FORBIDDEN', 'forbidden', "Impersonation is not available on this workspace's plan.");
      if (!permissions.has('customer:impersonate'))
        return mutationError('FORBIDDEN', 'forbidden', missing('customer:impersonate'));
      const given = ['emailAddress', 'customerId', 'externalId'].filter((k) => identifier?.[k] != null);
      const path = 'impersonation.asCustomer.customerIdentifier';
      if (given.length !== 1) return fieldError(path, 'VALIDATION', 'Exactly one customer identifier must be set');
      if (!IMPERSONATION_CHANNELS.includes(thread.channel)) {
        return mutationError(
          'VALIDATION',
          'cannot_reply_to_thread',
          `Impersonation is not supported on ${thread.channel} threads.`,
        );
      }
      const customer = this.findCustomer(identifier);
      if (!customer) return fieldError(path, 'NOT_FOUND', 'Customer not found');
      author = { kind: 'customer', customerId: customer.id, email: customer.email };
    }

    const email = i.channelSpecificOptions?.email;
    const cc: FakeParticipant[] = email?.additionalRecipients ?? [];
    const bcc: FakeParticipant[] = email?.hiddenRecipients ?? [];
    if (i.channelSpecificOptions != null && !EMAIL_OPTION_CHANNELS.includes(thread.channel)) {
      return mutationError(
        'VALIDATION',
        'cannot_reply_to_thread',
        `Email options are not supported on ${thread.channel} threads.`,
      );
    }
    const badRecipient = [...cc, ...bcc].findIndex((r) => typeof r?.email !== 'string' || !isDeliverableEmail(r.email));
    if (badRecipient >= 0) return fieldError('channelSpecificOptions', 'VALIDATION', 'Recipient email is not valid');

    this.sent.push({
      id: this.nextId('msg_'),
      threadId: thread.id,
      text: i.textContent,
      markdown: i.markdownContent,
      author,
      cc,
      bcc,
      attachmentIds: i.attachmentIds ?? [],
      sentAt: new Date(),
    });
    return ok({ replyToThread: { error: null } });
  }
}
