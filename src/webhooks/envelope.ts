// Run-time checks of a parsed delivery: the envelope and the fields plain-client's helpers read, nothing more (the
// full schema is for the types; validating it on every call would cost far more than the HMAC).
import type { WebhookError } from './errors.js';
import { isKnownEvent, type PlainWebhookEvent } from './events.js';
import { messageFields } from './message.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (path: string, expected: string): WebhookError => ({
  kind: 'invalid_envelope',
  path,
  message: `The webhook's ${path} is not ${expected}.`,
});

function checkString(object: Json, key: string, path: string): WebhookError | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? undefined : invalid(`${path}${key}`, 'a non-empty string');
}

function checkActor(actor: unknown, path: string): WebhookError | undefined {
  if (!isObject(actor)) return invalid(path, 'an object');
  return typeof actor.actorType === 'string' ? undefined : invalid(`${path}.actorType`, 'a string');
}

/** The fields messageOf and isFromCustomer read, for a known message event. */
function checkMessage(payload: Json, type: string): WebhookError | undefined {
  const fields = messageFields(type);
  if (!fields) return undefined;
  const thread = payload.thread;
  if (!isObject(thread)) return invalid('payload.thread', 'an object');
  const threadError = checkString(thread, 'id', 'payload.thread.');
  if (threadError) return threadError;
  if (!isObject(thread.customer)) return invalid('payload.thread.customer', 'an object');
  const customerError = checkString(thread.customer, 'id', 'payload.thread.customer.');
  if (customerError) return customerError;
  const message = payload[fields.key];
  const path = `payload.${fields.key}`;
  if (!isObject(message)) return invalid(path, 'an object');
  const entryError = checkString(message, 'timelineEntryId', `${path}.`);
  if (entryError) return entryError;
  const text = message[fields.text];
  if (text !== null && text !== undefined && typeof text !== 'string')
    return invalid(`${path}.${fields.text}`, 'a string or null');
  if (message.attachments !== undefined && !Array.isArray(message.attachments))
    return invalid(`${path}.attachments`, 'a list');
  return checkActor(message.createdBy, `${path}.createdBy`);
}

/** The parsed body as a PlainWebhookEvent, or the first thing wrong with it (its path in `path`). */
export function checkEnvelope(parsed: unknown): { event: PlainWebhookEvent } | { error: WebhookError } {
  const error = envelopeError(parsed);
  return error ? { error } : { event: parsed as PlainWebhookEvent };
}

function envelopeError(parsed: unknown): WebhookError | undefined {
  if (!isObject(parsed)) return invalid('(root)', 'an object');
  for (const key of ['id', 'type', 'timestamp', 'workspaceId']) {
    const error = checkString(parsed, key, '');
    if (error) return error;
  }
  const payload = parsed.payload;
  if (!isObject(payload)) return invalid('payload', 'an object');
  const metadata = parsed.webhookMetadata;
  if (!isObject(metadata)) return invalid('webhookMetadata', 'an object');
  for (const key of [
    'webhookTargetId',
    'webhookTargetVersion',
    'webhookDeliveryAttemptId',
    'webhookDeliveryAttemptTimestamp',
  ]) {
    const error = checkString(metadata, key, 'webhookMetadata.');
    if (error) return error;
  }
  const attempt = metadata.webhookDeliveryAttemptNumber;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) {
    return invalid('webhookMetadata.webhookDeliveryAttemptNumber', 'a positive whole number');
  }
  if (Number.isNaN(Date.parse(metadata.webhookDeliveryAttemptTimestamp as string))) {
    return invalid('webhookMetadata.webhookDeliveryAttemptTimestamp', 'an ISO 8601 date');
  }
  if (!isKnownEvent(parsed as unknown as PlainWebhookEvent)) return undefined;
  if (payload.eventType !== parsed.type) return invalid('payload.eventType', 'equal to type');
  return checkMessage(payload, parsed.type as string);
}
