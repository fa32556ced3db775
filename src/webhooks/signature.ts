// HMAC-SHA256 through WebCrypto only, so the same code runs on Node, Bun, Deno, Workers and edge runtimes.
import type { WebhookError } from './errors.js';

/** The raw request body as received: a string (read as UTF-8), bytes, or an ArrayBuffer. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;
/** One signing secret, or several during a rotation (any one may match). */
export type WebhookSecret = string | readonly string[];

/** At most this many signatures are tried from one header (a repeated header arrives comma-joined). */
const MAX_SIGNATURES = 4;
const HEX = /^[0-9a-f]{64}$/i;
const encoder = new TextEncoder();
/** Bytes WebCrypto accepts (not backed by a SharedArrayBuffer). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** The body's bytes, or undefined when it is not a raw body (for example an object a body parser already made). */
export function bodyBytes(body: unknown): Bytes | undefined {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body as Bytes;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

export const notRawBody = (body: unknown): WebhookError => ({
  kind: 'invalid_input',
  field: 'body',
  message:
    body !== null && typeof body === 'object'
      ? 'body must be the raw body, not a parsed object: mount the webhook route before any body parser (express.json()).'
      : 'body must be a string, Uint8Array or ArrayBuffer.',
});

/** The secrets to try, or an error naming `secret` when there is none usable. Never echoes a secret. */
export function secretList(secret: unknown): string[] | WebhookError {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : undefined;
  if (!list || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    return {
      kind: 'invalid_input',
      field: 'secret',
      message: 'secret must be a non-empty string or list of them.',
    };
  }
  return list;
}

/**
 * The signatures in a Plain-Request-Signature header. Plain sends one lower-case hex HMAC-SHA256 with no prefix; this
 * also accepts upper-case hex, a `sha256=` prefix, surrounding whitespace, and a header repeated on the way (which
 * fetch and Node join with commas): each comma-separated value is a candidate, and any one that matches verifies.
 */
export function parseSignatureHeader(header: unknown): Bytes[] | WebhookError {
  if (header === null || header === undefined || (typeof header === 'string' && header.trim() === '')) {
    return { kind: 'missing_signature', message: 'No Plain-Request-Signature header.' };
  }
  if (typeof header !== 'string') {
    return { kind: 'invalid_input', field: 'signature', message: 'signature must be a string.' };
  }
  const values = header
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length > MAX_SIGNATURES) {
    return { kind: 'invalid_signature', message: `More than ${MAX_SIGNATURES} signatures.` };
  }
  const signatures: Bytes[] = [];
  for (const value of values) {
    const hex = value.replace(/^sha256=/i, '');
    if (!HEX.test(hex)) {
      return { kind: 'invalid_signature', message: 'The signature is not 64 hex digits.' };
    }
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    signatures.push(bytes);
  }
  return signatures;
}

/** An HMAC-SHA256 key for WebCrypto, usable only to sign and verify. */
const importSecret = (secret: string): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

/** Keys already imported, by secret: importing costs as much as verifying. Bounded; kept in memory only. */
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 8;

/** The WebCrypto key of a secret, imported once. */
export function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    key = importSecret(secret);
    keys.set(secret, key);
    key.catch(() => keys.delete(secret));
  }
  return key;
}

/**
 * Whether any signature is the HMAC of the body under any key. `crypto.subtle.verify` compares in constant time;
 * every pair is tried (no early exit), so the time taken does not tell which secret matched.
 */
export async function anySignatureMatches(
  keys: readonly CryptoKey[],
  signatures: readonly Bytes[],
  body: Bytes,
): Promise<boolean> {
  const checks = keys.flatMap((key) =>
    signatures.map((signature) => crypto.subtle.verify('HMAC', key, signature, body)),
  );
  return (await Promise.all(checks)).includes(true);
}

/** Checks the signature of a raw body; resolves to undefined when it matches, or to the reason it does not. */
export async function checkSignature(input: {
  bytes: Bytes;
  signature: unknown;
  keys: readonly CryptoKey[];
}): Promise<WebhookError | undefined> {
  const signatures = parseSignatureHeader(input.signature);
  if (!Array.isArray(signatures)) return signatures;
  if (await anySignatureMatches(input.keys, signatures, input.bytes)) return undefined;
  return { kind: 'invalid_signature', message: 'The signature does not match the body.' };
}

/** Lower-case hex HMAC-SHA256 of the body: the value Plain puts in Plain-Request-Signature. For tests and fakes. */
export async function signWebhook(input: { body: WebhookBody; secret: string }): Promise<string> {
  const bytes = bodyBytes(input.body) ?? encoder.encode(String(input.body));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(input.secret), bytes));
  let hex = '';
  for (const byte of mac) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
