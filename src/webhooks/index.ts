// plain-client/webhooks: verify, type and handle Plain's webhooks on any runtime with WebCrypto. No `node:` import.

export type * from '../generated/webhooks.js';
export type { WebhookError, WebhookErrorKind, WebhookResult } from './errors.js';
export type {
  KnownPlainWebhookEvent,
  PlainWebhookEvent,
  PlainWebhookEventType,
  UnknownPlainWebhookEvent,
  UnknownWebhookEventType,
  WebhookDeliveryMetadata,
  WebhookEnvelope,
} from './events.js';
export { isKnownEvent, WEBHOOK_EVENT_TYPES, WEBHOOK_SCHEMA_VERSION } from './events.js';
export type { WebhookHandlerOptions } from './handler.js';
export { webhookHandler } from './handler.js';
export type { MessageAttachment, MessageAuthor, WebhookMessage } from './message.js';
export { isFromCustomer, messageOf } from './message.js';
export type { NodeRequestLike, NodeResponseLike } from './node.js';
export { toNodeHandler } from './node.js';
export type { MemorySeenStoreOptions, SeenClaim, SeenStore } from './seen.js';
export { createMemorySeenStore } from './seen.js';
export type { SharedSeenStoreOptions } from './shared-seen.js';
export { sharedSeenStore } from './shared-seen.js';
export type { WebhookBody, WebhookSecret } from './signature.js';
export { signWebhook } from './signature.js';
export type { VerifySignatureInput, VerifyWebhookInput } from './verify.js';
export { DEFAULT_TOLERANCE_SECONDS, verifySignature, verifyWebhook } from './verify.js';
