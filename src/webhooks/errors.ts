/** Why a webhook was refused. Messages never contain the secret or the body. */
export type WebhookError =
  | { kind: 'invalid_input'; message: string; field: 'body' | 'signature' | 'secret' | 'toleranceSeconds' | 'now' }
  | { kind: 'missing_signature'; message: string }
  | { kind: 'invalid_signature'; message: string }
  | { kind: 'not_json'; message: string }
  | { kind: 'invalid_envelope'; message: string; path: string }
  | { kind: 'stale'; message: string; ageMs: number };

export type WebhookErrorKind = WebhookError['kind'];

/** What verifyWebhook and verifySignature resolve to; they never reject. */
export type WebhookResult<T> = { ok: true; data: T; error?: never } | { ok: false; error: WebhookError; data?: never };

export const fail = (error: WebhookError): { ok: false; error: WebhookError } => ({ ok: false, error });
