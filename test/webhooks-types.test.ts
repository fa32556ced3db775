import { describe, expectTypeOf, it } from 'vitest';
import type {
  Chat,
  Email,
  KnownWebhookEventType,
  PlainWebhookEvent,
  ThreadEmailReceivedPublicEventPayload,
  UnknownPlainWebhookEvent,
  WebhookPayloadOf,
} from '../src/webhooks/index.js';
import { verifyWebhook } from '../src/webhooks/index.js';

// Compile-time checks: `npm run typecheck` (and vitest's typecheck of expectTypeOf) fail when narrowing breaks.
const event = { type: 'not-a-type' } as unknown as PlainWebhookEvent;

describe('PlainWebhookEvent narrows on type', () => {
  it('switch (event.type) gives each known type its payload', () => {
    switch (event.type) {
      case 'thread.email_received':
        expectTypeOf(event.payload).toEqualTypeOf<ThreadEmailReceivedPublicEventPayload>();
        expectTypeOf(event.payload.email).toEqualTypeOf<Email>();
        expectTypeOf(event.payload.email.textContent).toEqualTypeOf<string | null>();
        break;
      case 'thread.chat_sent':
        expectTypeOf(event.payload.chat).toEqualTypeOf<Chat>();
        break;
      case 'customer.customer_group_changed':
        expectTypeOf(event.payload.changeType).toEqualTypeOf<'ADDED' | 'UPDATED' | 'REMOVED'>();
        break;
      default:
        // What is left: the other known types and the unknown arm, whose payload is unknown.
        expectTypeOf<Extract<typeof event, UnknownPlainWebhookEvent>>().toEqualTypeOf<UnknownPlainWebhookEvent>();
    }
  });

  it('an if on type narrows too', () => {
    if (event.type === 'thread.slack_message_received')
      expectTypeOf(event.payload.slackMessage.text).toEqualTypeOf<string>();
  });

  it('the unknown arm has payload unknown and a type read as a string', () => {
    expectTypeOf<UnknownPlainWebhookEvent['payload']>().toEqualTypeOf<unknown>();
    const unknownEvent = { type: 'discussion.discussion_created' } as unknown as UnknownPlainWebhookEvent;
    expectTypeOf(String(unknownEvent.type)).toEqualTypeOf<string>();
    expectTypeOf(unknownEvent.type.startsWith('discussion.')).toEqualTypeOf<boolean>();
  });

  it('every known type has a payload (none is never)', () => {
    type Missing = {
      [T in KnownWebhookEventType]: [WebhookPayloadOf<T>] extends [never] ? T : never;
    }[KnownWebhookEventType];
    expectTypeOf<Missing>().toEqualTypeOf<never>();
  });

  it('verifyWebhook resolves to a result holding a PlainWebhookEvent', () => {
    expectTypeOf(verifyWebhook).returns.resolves.toMatchTypeOf<{ ok: boolean }>();
    type Data = Extract<Awaited<ReturnType<typeof verifyWebhook>>, { ok: true }>['data'];
    expectTypeOf<Data>().toEqualTypeOf<PlainWebhookEvent>();
  });
});
