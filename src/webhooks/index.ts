// plain-client/webhooks: verify, type and handle Plain's webhooks on any runtime with WebCrypto. No `node:` import.
export { verifyWebhook, verifySignature, DEFAULT_TOLERANCE_SECONDS } from './verify.js';
export type { VerifyWebhookInput, VerifySignatureInput } from './verify.js';
export { signWebhook } from './signature.js';
export type { WebhookBody, WebhookSecret } from './signature.js';
export type { WebhookError, WebhookErrorKind, WebhookResult } from './errors.js';
export { isKnownEvent, WEBHOOK_EVENT_TYPES, WEBHOOK_SCHEMA_VERSION } from './events.js';
export type {
  KnownPlainWebhookEvent,
  PlainWebhookEvent,
  PlainWebhookEventType,
  UnknownPlainWebhookEvent,
  UnknownWebhookEventType,
  WebhookDeliveryMetadata,
  WebhookEnvelope,
} from './events.js';
export { messageOf, isFromCustomer } from './message.js';
export type { MessageAttachment, MessageAuthor, WebhookMessage } from './message.js';
export { createMemorySeenStore } from './seen.js';
export type { MemorySeenStoreOptions, SeenStore } from './seen.js';
export { webhookHandler } from './handler.js';
export type { WebhookHandlerOptions } from './handler.js';
export { toNodeHandler } from './node.js';
export type { NodeRequestLike, NodeResponseLike } from './node.js';
export type * from '../generated/webhooks.js';
