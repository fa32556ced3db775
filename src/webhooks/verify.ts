import { checkEnvelope } from './envelope.js';
import { fail, type WebhookError, type WebhookResult } from './errors.js';
import type { PlainWebhookEvent } from './events.js';
import {
  type Bytes,
  bodyBytes,
  checkSignature,
  keyFor,
  notRawBody,
  secretList,
  type WebhookBody,
  type WebhookSecret,
} from './signature.js';

/** Plain's own verifier's window, also ours: a delivery attempt signed more than 5 minutes ago (or ahead) is stale. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifySignatureInput {
  /** The raw body as received, before any JSON parsing. */
  body: WebhookBody;
  /** The Plain-Request-Signature header (`request.headers.get('plain-request-signature')`). */
  signature: string | null | undefined;
  /** The workspace's request-signing secret, or several during a rotation. */
  secret: WebhookSecret;
}

export interface VerifyWebhookInput extends VerifySignatureInput {
  /** How far `webhookMetadata.webhookDeliveryAttemptTimestamp` may be from `now`, either way. @default 300 */
  toleranceSeconds?: number;
  /** @default new Date() */
  now?: Date;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const NO_CRYPTO: WebhookError = {
  kind: 'invalid_input',
  field: 'secret',
  message: 'No usable crypto.subtle (HMAC-SHA256) here.',
};

/** Parses the body; a string body is parsed as it is, bytes are decoded as strict UTF-8 first. */
function parseJson(body: unknown, bytes: Bytes): { value: unknown } | WebhookError {
  try {
    return { value: JSON.parse(typeof body === 'string' ? body : decoder.decode(bytes)) };
  } catch {
    return { kind: 'not_json', message: 'The webhook body is not UTF-8 JSON.' };
  }
}

/** Checks the signature, then parses the JSON: the steps shared by both verifiers. */
async function verifiedJson(input: VerifySignatureInput): Promise<{ value: unknown } | WebhookError> {
  const bytes = bodyBytes(input?.body);
  if (!bytes) return notRawBody(input?.body);
  const secrets = secretList(input.secret);
  if (!Array.isArray(secrets)) return secrets;
  const keys = await Promise.all(secrets.map(keyFor));
  const signatureError = await checkSignature({ bytes, signature: input.signature, keys });
  if (signatureError) return signatureError;
  return parseJson(input.body, bytes);
}

/** The delivery attempt's age against `now`, or an error when it is outside the window. */
function checkFreshness(event: PlainWebhookEvent, toleranceSeconds: number, now: Date): WebhookError | undefined {
  const ageMs = now.getTime() - Date.parse(event.webhookMetadata.webhookDeliveryAttemptTimestamp);
  if (Math.abs(ageMs) <= toleranceSeconds * 1000) return undefined;
  const seconds = Math.round(Math.abs(ageMs) / 1000);
  return {
    kind: 'stale',
    ageMs,
    message:
      ageMs > 0
        ? `Signed ${seconds} s ago (over ${toleranceSeconds} s): a replay, or a wrong clock.`
        : `Dated ${seconds} s in the future (over ${toleranceSeconds} s): a wrong clock.`,
  };
}

function checkOptions(input: VerifyWebhookInput): WebhookError | undefined {
  const tolerance = input.toleranceSeconds;
  if (tolerance !== undefined && !(typeof tolerance === 'number' && tolerance >= 0 && Number.isFinite(tolerance))) {
    return {
      kind: 'invalid_input',
      field: 'toleranceSeconds',
      message: 'toleranceSeconds must be a finite number, 0 or more.',
    };
  }
  if (input.now !== undefined && !(input.now instanceof Date && !Number.isNaN(input.now.getTime()))) {
    return { kind: 'invalid_input', field: 'now', message: 'now must be a valid Date.' };
  }
  return undefined;
}

/**
 * Verifies a Plain webhook: the HMAC-SHA256 signature of the raw body (constant time, through WebCrypto), then the
 * JSON envelope, then that the delivery attempt was signed within `toleranceSeconds`. Never throws or rejects.
 * @example
 * const result = await verifyWebhook({ body: await request.text(), signature: request.headers.get('plain-request-signature'), secret });
 * if (!result.ok) return new Response(result.error.message, { status: 401 });
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookResult<PlainWebhookEvent>> {
  try {
    const optionsError = checkOptions(input ?? ({} as VerifyWebhookInput));
    if (optionsError) return fail(optionsError);
    const json = await verifiedJson(input);
    if (!('value' in json)) return fail(json);
    const checked = checkEnvelope(json.value);
    if ('error' in checked) return fail(checked.error);
    const stale = checkFreshness(
      checked.event,
      input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      input.now ?? new Date(),
    );
    if (stale) return fail(stale);
    return { ok: true, data: checked.event };
  } catch {
    // WebCrypto missing or refusing (a runtime without crypto.subtle): still a result, never a rejection.
    return fail(NO_CRYPTO);
  }
}

/**
 * Verifies only the signature of a request signed with the workspace's secret, e.g. a customer-card request (same
 * header and secret, no delivery timestamp), and parses its JSON. Never throws or rejects.
 */
export async function verifySignature(input: VerifySignatureInput): Promise<WebhookResult<unknown>> {
  try {
    const json = await verifiedJson(input);
    return 'value' in json ? { ok: true, data: json.value } : fail(json);
  } catch {
    return fail(NO_CRYPTO);
  }
}
