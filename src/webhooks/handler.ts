import type { WebhookError } from './errors.js';
import type { PlainWebhookEvent } from './events.js';
import { createMemorySeenStore, type SeenStore } from './seen.js';
import { secretList, type WebhookSecret } from './signature.js';
import { verifyWebhook } from './verify.js';

export interface WebhookHandlerOptions {
  /** The workspace's request-signing secret, or several during a rotation. */
  secret: WebhookSecret;
  /**
   * Called once per new event, after its signature, envelope and age were checked. Resolve to answer Plain 200;
   * reject (or throw) to answer 500 so that Plain delivers the event again later.
   */
  onEvent: (event: PlainWebhookEvent, context: { request: Request }) => unknown;
  /** Where handled event ids are remembered. @default an in-memory store of the last 10,000 ids */
  seen?: SeenStore;
  /** @default 300 */
  toleranceSeconds?: number;
  /** Bodies larger than this are refused with 413 without being read to the end. @default 4 MiB */
  maxBodyBytes?: number;
}

/** Plain retries for about five days: ids are remembered a little longer than that. */
export const SEEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long an instance's claim to handle an event lasts (a `seen` store with `claim`): longer than any `onEvent`. */
const CLAIM_TTL_MS = 5 * 60 * 1000;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

const STATUS: Record<WebhookError['kind'], number> = {
  missing_signature: 401,
  invalid_signature: 401,
  stale: 401,
  not_json: 400,
  invalid_envelope: 400,
  invalid_input: 500,
};

const answer = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
/** An error answer of the webhook endpoint (and of its Node adapter). */
export const refuse = (status: number, error: { kind: string; message: string }) =>
  answer(status, { ok: false, error: { kind: error.kind, message: error.message } });
/** 409: the event is being handled by an earlier delivery (to this instance or, with a claiming store, another). */
const inProgress = () => refuse(409, { kind: 'in_progress', message: 'This event is being handled.' });

/**
 * The body's bytes, or undefined when it is larger than `max` (reading stops there). Not src/read-capped.ts: the
 * webhooks entry stays within its edge bundle budget without that module's stop-aware reading.
 */
async function readCapped(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A fetch-style endpoint for Plain's webhooks (Next.js route handlers, Hono, Bun, Deno, Cloudflare Workers): reads the
 * raw body (up to `maxBodyBytes`), verifies it, skips events already handled, and calls `onEvent`. Answers 200 once
 * `onEvent` resolved or for a duplicate (without calling it), 401 for a missing, wrong or stale signature, 400 for a
 * body that is not a webhook, 405 for a method other than POST, 409 while the same event is being handled by an
 * earlier delivery (to this instance, or to another one sharing a `seen` store that claims, as `sharedSeenStore`), 413 for a body over the cap, and 500 when `onEvent` or the `seen` store fails (Plain then retries).
 * Never a redirect; the returned function never rejects.
 * @example
 * export const POST = webhookHandler({ secret: process.env.PLAIN_WEBHOOK_SECRET!, onEvent: async (event) => { … } });
 */
export function webhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const seen = options.seen ?? createMemorySeenStore();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inFlight = new Set<string>();
  // The secrets are fixed for the handler's life: checked once, here.
  const secrets = secretList(options.secret);

  async function handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') return refuse(405, { kind: 'method_not_allowed', message: 'POST only.' });
    if (!Array.isArray(secrets)) return refuse(500, secrets);
    if (typeof options.onEvent !== 'function') {
      return refuse(500, { kind: 'invalid_input', message: 'onEvent must be a function.' });
    }
    const body = await readCapped(request, maxBodyBytes);
    if (!body) return refuse(413, { kind: 'too_large', message: `Over ${maxBodyBytes} bytes.` });
    const signature = request.headers.get('plain-request-signature');
    const verified = await verifyWebhook({
      body,
      signature,
      secret: secrets,
      toleranceSeconds: options.toleranceSeconds,
    });
    if (!verified.ok) return answer(STATUS[verified.error.kind], { ok: false, error: verified.error });
    const event = verified.data;
    if (inFlight.has(event.id)) return inProgress();
    inFlight.add(event.id);
    try {
      // A store that claims takes the event in one step; otherwise it is only checked here and marked after onEvent.
      const claim = (await seen.claim?.(event.id, CLAIM_TTL_MS)) ?? ((await seen.has(event.id)) ? 'seen' : 'claimed');
      if (claim === 'seen') return answer(200, { ok: true, duplicate: true });
      if (claim === 'busy') return inProgress();
      try {
        await options.onEvent(event, { request });
      } catch {
        try {
          await seen.release?.(event.id);
        } catch {}
        return refuse(500, { kind: 'handler_failed', message: 'onEvent failed.' });
      }
      // onEvent succeeded: forgetting the id at worst lets a redelivery run onEvent again, better than a 500 that
      // would make Plain redeliver for certain.
      try {
        await seen.add(event.id, SEEN_TTL_MS);
      } catch {}
      return answer(200, { ok: true });
    } finally {
      inFlight.delete(event.id);
    }
  }

  return async (request) => {
    try {
      return await handle(request);
    } catch {
      return refuse(500, { kind: 'internal', message: 'The webhook handler failed.' });
    }
  };
}
