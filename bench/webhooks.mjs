// Webhook verification speed: `node bench/webhooks.mjs` after `npm run build` (the lead's bench/run.mjs calls
// runWebhooksBench()). Reports, and asserts nothing: verifyWebhook on a 5 KB event against the budget of 50 µs
// median per call, beside the bare cost of WebCrypto's HMAC check plus JSON.parse on the same bytes.
//
// Optional: `node bench/webhooks.mjs --official <dir>` also times an official verifier (verifyPlainWebhook) from a
// scratch project in <dir>: @team-plain/webhooks if installed there, else @team-plain/typescript-sdk (npm install it
// there; neither is ever a dependency of plain-client). Its delivery carries the payload version that verifier
// accepts (`--official-version`, default 2026-02-27, the one @team-plain/typescript-sdk 5.12.1 pins).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { signWebhook, verifyWebhook } from 'plain-client/webhooks';

const ROUNDS = 32;
const CALLS = 500;
const WARMUP = 2_000;
export const BUDGET_US = 50;

const SECRET = 'whsec_bench_0123456789abcdef0123456789abcdef';
const id = (prefix, n) => `${prefix}_${String(n).padStart(26, '0')}`;
const customerActor = { actorType: 'customer', customerId: id('c', 1) };

/** A thread.email_received delivery of about `bytes` bytes (the text fills the rest), attempted now. */
export function emailEvent(bytes = 5_000, at = new Date()) {
  const stamp = at.toISOString();
  const customer = {
    id: id('c', 1),
    email: { email: 'ada@customers.example', isVerified: true, verifiedAt: stamp },
    externalId: null,
    fullName: 'Ada Lovelace',
    shortName: 'Ada',
    customerGroupMemberships: [],
    createdAt: stamp,
    createdBy: customerActor,
    updatedAt: stamp,
    updatedBy: customerActor,
  };
  const participant = (email, actor) => ({ email, name: null, emailActor: actor });
  const event = {
    id: id('pEv', 1),
    type: 'thread.email_received',
    timestamp: stamp,
    workspaceId: id('w', 1),
    payload: {
      eventType: 'thread.email_received',
      thread: {
        id: id('th', 1),
        customer,
        title: 'Cannot log in',
        previewText: null,
        priority: 2,
        externalId: null,
        status: 'TODO',
        statusChangedAt: stamp,
        statusDetail: null,
        assignee: null,
        assignedAt: null,
        labels: [],
        firstInboundMessageInfo: null,
        firstOutboundMessageInfo: null,
        lastInboundMessageInfo: null,
        lastOutboundMessageInfo: null,
        supportEmailAddresses: ['support@example.com'],
        createdAt: stamp,
        createdBy: customerActor,
        updatedAt: stamp,
        updatedBy: customerActor,
      },
      email: {
        timelineEntryId: id('tle', 1),
        id: id('em', 1),
        from: participant('ada@customers.example', customerActor),
        to: participant('support@example.com', {
          actorType: 'supportEmailAddress',
          supportEmailAddress: 'support@example.com',
        }),
        replyTo: null,
        additionalRecipients: [],
        hiddenRecipients: [],
        subject: 'Cannot log in',
        textContent: '',
        markdownContent: null,
        authenticity: 'PASS',
        sentAt: stamp,
        receivedAt: stamp,
        attachments: [],
        inReplyToEmailId: null,
        isStartOfThread: true,
        createdAt: stamp,
        createdBy: customerActor,
        updatedAt: stamp,
        updatedBy: customerActor,
      },
    },
    webhookMetadata: {
      webhookTargetId: id('whTarget', 1),
      webhookTargetVersion: '2026-04-21',
      webhookDeliveryAttemptId: id('whAttempt', 1),
      webhookDeliveryAttemptNumber: 1,
      webhookDeliveryAttemptTimestamp: stamp,
    },
  };
  const filler = 'Hello, I cannot log in since this morning. ';
  const room = Math.max(0, bytes - JSON.stringify(event).length);
  event.payload.email.textContent = filler.repeat(Math.ceil(room / filler.length)).slice(0, room);
  return event;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Median, quartiles and mean of per-call microseconds over ROUNDS rounds of CALLS calls of `fn`. */
async function time(fn, { rounds = ROUNDS, calls = CALLS, warmup = WARMUP } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const perCall = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    perCall.push(Number(process.hrtime.bigint() - start) / 1_000 / calls);
  }
  perCall.sort((a, b) => a - b);
  return { median: quantile(perCall, 0.5), q1: quantile(perCall, 0.25), q3: quantile(perCall, 0.75) };
}

/** Times the official verifier installed in `dir`, or explains why it could not. */
async function timeOfficial(dir, version) {
  try {
    const require = createRequire(join(dir, 'package.json'));
    let name = '@team-plain/webhooks';
    let official;
    try {
      official = require(name);
    } catch {
      name = '@team-plain/typescript-sdk';
      official = require(name);
    }
    const event = emailEvent(5_000);
    event.webhookMetadata.webhookTargetVersion = version;
    const body = JSON.stringify(event);
    const signature = await signWebhook({ body, secret: SECRET });
    const verify = official.verifyPlainWebhook ?? official.verifyWebhook ?? official.default?.verifyPlainWebhook;
    if (typeof verify !== 'function')
      return { error: `no verify function among its exports (${Object.keys(official).join(', ')})` };
    const call = () => verify(body, signature, SECRET);
    const sample = await call();
    const result = await time(call, { rounds: 5, calls: 20, warmup: 5 });
    const version_ = require(`${name}/package.json`).version;
    return {
      ...result,
      name: `${name} ${version_}`,
      accepted: sample?.data !== undefined,
      reason: sample?.error?.message?.slice(0, 80),
    };
  } catch (error) {
    return { error: error.message.split('\n')[0] };
  }
}

export async function runWebhooksBench({ officialDir, officialVersion = '2026-02-27' } = {}) {
  const event = emailEvent(5_000);
  const body = JSON.stringify(event);
  const bytes = new TextEncoder().encode(body);
  const signature = await signWebhook({ body, secret: SECRET });
  const now = new Date(event.webhookMetadata.webhookDeliveryAttemptTimestamp);
  const check = await verifyWebhook({ body, signature, secret: SECRET, now });
  if (!check.ok) throw new Error(`bench event does not verify: ${check.error.kind}`);

  const verify = await time(() => verifyWebhook({ body, signature, secret: SECRET, now }));
  const verifyBytes = await time(() => verifyWebhook({ body: bytes, signature, secret: SECRET, now }));
  // A server with 16 deliveries in flight: WebCrypto's work overlaps on the thread pool. Per call, amortised.
  const batch = Array.from({ length: 16 });
  const concurrent = await time(
    () => Promise.all(batch.map(() => verifyWebhook({ body, signature, secret: SECRET, now }))),
    { calls: CALLS / 16, warmup: WARMUP / 16 },
  );
  for (const k of ['median', 'q1', 'q3']) concurrent[k] /= 16;
  // The floor: WebCrypto's HMAC verification of the same bytes with a key imported once, then JSON.parse.
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const mac = Uint8Array.from(signature.match(/../g), (h) => Number.parseInt(h, 16));
  const bare = await time(async () => {
    await crypto.subtle.verify('HMAC', key, mac, bytes);
    JSON.parse(body);
  });
  const official = officialDir ? await timeOfficial(officialDir, officialVersion) : undefined;
  return {
    bodyBytes: bytes.length,
    verify,
    verifyBytes,
    concurrent,
    bare,
    official,
    loadAverage: (await import('node:os')).loadavg()[0],
  };
}

const fmt = (us) => `${us.toFixed(1)} µs`;
export function printWebhooksBench(r) {
  console.log(
    `Webhooks: verifyWebhook on a ${r.bodyBytes.toLocaleString('en-US')}-byte thread.email_received (${ROUNDS} rounds of ${CALLS} calls, Node ${process.version})`,
  );
  const status = r.verify.median <= BUDGET_US ? 'ok' : 'FAIL';
  console.log(
    `  verifyWebhook (signature + JSON + envelope + age)  median ${fmt(r.verify.median)}  [q1 ${fmt(r.verify.q1)}, q3 ${fmt(r.verify.q3)}]  budget ${BUDGET_US} µs: ${status}`,
  );
  console.log(
    `  the same with the body as bytes                   median ${fmt(r.verifyBytes.median)}  [q1 ${fmt(r.verifyBytes.q1)}, q3 ${fmt(r.verifyBytes.q3)}]`,
  );
  console.log(
    `  16 in flight, per call (amortised)                median ${fmt(r.concurrent.median)}  [q1 ${fmt(r.concurrent.q1)}, q3 ${fmt(r.concurrent.q3)}]`,
  );
  console.log(
    `  floor: crypto.subtle.verify + JSON.parse only      median ${fmt(r.bare.median)}  [q1 ${fmt(r.bare.q1)}, q3 ${fmt(r.bare.q3)}]`,
  );
  console.log(`  (1-minute load average during the run: ${r.loadAverage.toFixed(1)})`);
  if (r.official?.error) console.log(`  official verifier: could not run here (${r.official.error})`);
  else if (r.official) {
    const outcome = r.official.accepted ? 'accepted it' : `refused it: ${r.official.reason}`;
    console.log(
      `  ${r.official.name} verifyPlainWebhook              median ${fmt(r.official.median)} (${(r.official.median / r.verify.median).toFixed(0)}× verifyWebhook; ${outcome})`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag) => {
    const at = process.argv.indexOf(flag);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const result = await runWebhooksBench({ officialDir: arg('--official'), officialVersion: arg('--official-version') });
  printWebhooksBench(result);
}
