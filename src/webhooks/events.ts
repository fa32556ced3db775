import {
  type KnownWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_SCHEMA_VERSION,
  type WebhookPayloadOf,
} from '../generated/webhooks.js';

/** About one delivery attempt (the version is Plain's, any of them: see isKnownEvent). */
export interface WebhookDeliveryMetadata {
  webhookTargetId: string;
  /** The payload version the webhook target is pinned to, e.g. `2026-04-21`. */
  webhookTargetVersion: string;
  /** New on every attempt. */
  webhookDeliveryAttemptId: string;
  /** 1 for the first attempt. */
  webhookDeliveryAttemptNumber: number;
  /** When this attempt was signed and sent (ISO 8601): what the tolerance window is checked against. */
  webhookDeliveryAttemptTimestamp: string;
}

/** The fields every delivery has, whatever its type and version. */
export interface WebhookEnvelope<T, P> {
  /** The event's id (`pEv_…`): the same on every delivery attempt, so it is the key to deduplicate on. */
  id: string;
  type: T;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  workspaceId: string;
  payload: P;
  webhookMetadata: WebhookDeliveryMetadata;
}

declare const unknownEventType: unique symbol;
/**
 * An event type that plain-client's generated types do not know. At run time it is the string Plain sent; its static
 * type is kept apart from `string` so that `switch (event.type)` still narrows the known events' payloads. Read it
 * with `String(event.type)`.
 */
// biome-ignore lint/complexity/noBannedTypes: a String object, so that it stays apart from the known string literals.
export interface UnknownWebhookEventType extends String {
  readonly [unknownEventType]: 'an event type plain-client does not know';
}

/** A known event type with its payload, as in the vendored schema's version. */
export type KnownPlainWebhookEvent = {
  [T in KnownWebhookEventType]: WebhookEnvelope<T, WebhookPayloadOf<T>>;
}[KnownWebhookEventType];

/** An event of a type plain-client does not know (a newer version's): its payload is not described. */
export type UnknownPlainWebhookEvent = WebhookEnvelope<UnknownWebhookEventType, unknown>;

/**
 * A verified webhook event. Narrow it with `switch (event.type)`: each known type gives its payload's type. An event
 * type plain-client does not know arrives as `UnknownPlainWebhookEvent` (`payload: unknown`), not as an error.
 */
export type PlainWebhookEvent = KnownPlainWebhookEvent | UnknownPlainWebhookEvent;

export type PlainWebhookEventType = KnownWebhookEventType;

const KNOWN_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/**
 * Whether the event's type is one the generated types describe, at the schema's version or a later one (Plain's later
 * versions only add fields). False for an unknown type and for a target pinned to an older version, whose payloads
 * may lack fields the types promise.
 */
export function isKnownEvent(event: PlainWebhookEvent): event is KnownPlainWebhookEvent {
  const version = event.webhookMetadata?.webhookTargetVersion;
  return KNOWN_TYPES.has(event.type as string) && typeof version === 'string' && version >= WEBHOOK_SCHEMA_VERSION;
}

export { WEBHOOK_EVENT_TYPES, WEBHOOK_SCHEMA_VERSION };
